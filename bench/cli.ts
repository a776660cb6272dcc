/**
 * The CLI's targets (issue 12): `evaluate bucket -` as a fresh process against a bare `node -e 0`
 * measured in the same run (start time and peak RSS), and `scan` of a simulated account (1,000
 * buckets + 500 security groups) against each phase alone: the phases overlap, so the whole scan
 * should cost little more than the longer one.
 * Standalone: `npx tsx bench/cli.ts [--runs N]`, or `npm run bench -- --only cli`.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { resolveSettings } from '../lambda/core/model/settings';
import { runScan } from '../bin/cli-scan';
import { SIM } from './many-resources';
import { SimulatedAws } from './sim-aws';
import { ACCOUNT, simulatedAccount } from './sim-account';

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'bin', 'exposure-guard.js');
const PROBE = join(__dirname, 'rss-probe.js');

export const CLI_TARGETS = { startRatio: 3, rssMb: 120, overlapRatio: 1.2 } as const;
export const SCAN_SIZE = { buckets: 1_000, groups: 500 } as const;

export interface CliReport {
  runs: number;
  nodeStartMs: number;
  evaluateStartMs: number;
  startRatio: number;
  nodeRssMb: number;
  evaluateRssMb: number;
  scan: { buckets: number; groups: number; bucketsAloneMs: number; groupsAloneMs: number; bothMs: number; overlapRatio: number; results: number };
  met: { start: boolean; rss: boolean; overlap: boolean };
}

const SNAPSHOT = JSON.stringify({
  name: 'acme-site', account: ACCOUNT, region: 'eu-west-1',
  policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-site/*' }] },
  acl: null, publicAccessBlock: null, accountPublicAccessBlock: null, objectOwnership: 'BucketOwnerEnforced', logging: null, website: null, tags: null,
});

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] ?? NaN; };

/** One fresh process: wall time as the parent sees it, and its peak RSS as it reported it. */
function timed(args: string[], input?: string): { ms: number; rssMb: number } {
  const t0 = performance.now();
  const p = spawnSync(process.execPath, ['-r', PROBE, ...args], { input, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  const ms = performance.now() - t0;
  const kb = Number(/@@maxrss=(\d+)/.exec(p.stderr)?.[1]);
  if (p.status !== 0 || !Number.isFinite(kb)) throw new Error(`${args.join(' ')} failed (${p.status}): ${p.stderr.slice(0, 300)}`);
  return { ms, rssMb: kb / 1024 };
}

function measureStart(runs: number) {
  const node: { ms: number; rssMb: number }[] = [];
  const cli: { ms: number; rssMb: number }[] = [];
  // Round-robin, so background noise hits both alike; the first pair warms the file cache.
  timed(['-e', '0']);
  const check = spawnSync(process.execPath, [BIN, 'evaluate', 'bucket', '-'], { input: SNAPSHOT, encoding: 'utf8' });
  if ((JSON.parse(check.stdout) as { status?: string }).status !== 'NON_COMPLIANT' || /missing/.test(check.stderr)) throw new Error(`the compiled CLI did not evaluate: ${check.stderr}`);
  for (let i = 0; i < runs; i++) {
    node.push(timed(['-e', '0']));
    cli.push(timed([BIN, 'evaluate', 'bucket', '-'], SNAPSHOT));
  }
  return {
    nodeStartMs: median(node.map((x) => x.ms)), evaluateStartMs: median(cli.map((x) => x.ms)),
    nodeRssMb: Math.max(...node.map((x) => x.rssMb)), evaluateRssMb: Math.max(...cli.map((x) => x.rssMb)),
  };
}

/** The CLI's scan (the same function `exposure-guard scan` runs) against a fresh simulated account. */
async function scanOnce(size: { buckets: number; groups: number }, only?: 'buckets' | 'groups'): Promise<{ ms: number; results: number }> {
  const { answers } = simulatedAccount(size);
  const sim = new SimulatedAws({ ...SIM, record: false }, {
    ...answers,
    GetCallerIdentity: () => ({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/bench`, UserId: 'AIDABENCH' }),
  });
  let out = '';
  const t0 = performance.now();
  const code = await runScan({
    format: 'json', region: 'eu-west-1', settings: resolveSettings(), clients: sim.factory(), env: {},
    out: (t) => { out += t; }, err: () => undefined, ...(only ? { only } : {}),
  });
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`scan exited ${code}`);
  return { ms, results: (JSON.parse(out) as unknown[]).length };
}

export async function measureCli(runs = 15): Promise<CliReport> {
  // The bundle the bin runs, from the sources being measured.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  await (require('../scripts/build-cli.js') as { buildCli: () => Promise<void> }).buildCli();
  const start = measureStart(runs);
  await scanOnce({ buckets: 50, groups: 20 }); // warm the JIT and the SDK's caches for all three runs alike
  const bucketsAlone = await scanOnce(SCAN_SIZE, 'buckets');
  const groupsAlone = await scanOnce(SCAN_SIZE, 'groups');
  const both = await scanOnce(SCAN_SIZE);
  const startRatio = start.evaluateStartMs / start.nodeStartMs;
  const overlapRatio = both.ms / Math.max(bucketsAlone.ms, groupsAlone.ms);
  return {
    runs, ...start, startRatio,
    scan: { ...SCAN_SIZE, bucketsAloneMs: Math.round(bucketsAlone.ms), groupsAloneMs: Math.round(groupsAlone.ms), bothMs: Math.round(both.ms), overlapRatio, results: both.results },
    met: { start: startRatio <= CLI_TARGETS.startRatio, rss: start.evaluateRssMb <= CLI_TARGETS.rssMb, overlap: overlapRatio <= CLI_TARGETS.overlapRatio },
  };
}

/** The rows of the benchmark's targets table. */
export function cliTargets(r: CliReport): { name: string; target: string; measured: string; met: boolean }[] {
  return [
    { name: '`exposure-guard evaluate bucket -` start, fresh process, vs `node -e 0` in the same run (median)', target: `≤ ${CLI_TARGETS.startRatio}×`, measured: `${r.startRatio.toFixed(2)}× (${r.evaluateStartMs.toFixed(0)} ms vs ${r.nodeStartMs.toFixed(0)} ms)`, met: r.met.start },
    { name: '`exposure-guard evaluate bucket -` peak RSS', target: `≤ ${CLI_TARGETS.rssMb} MB`, measured: `${r.evaluateRssMb.toFixed(0)} MB (node -e 0: ${r.nodeRssMb.toFixed(0)} MB)`, met: r.met.rss },
    { name: `scan of ${r.scan.buckets.toLocaleString('en')} buckets + ${r.scan.groups} groups (simulated) vs the longer phase alone`, target: `≤ ${CLI_TARGETS.overlapRatio}×`, measured: `${r.scan.overlapRatio.toFixed(2)}× (${(r.scan.bothMs / 1000).toFixed(1)} s; buckets alone ${(r.scan.bucketsAloneMs / 1000).toFixed(1)} s, groups alone ${(r.scan.groupsAloneMs / 1000).toFixed(1)} s)`, met: r.met.overlap },
  ];
}

if (require.main === module) {
  const i = process.argv.indexOf('--runs');
  void measureCli(i > 0 ? Number(process.argv[i + 1]) : undefined).then((r) => {
    console.log(JSON.stringify(r, null, 2));
    for (const t of cliTargets(r)) console.log(`${t.met ? 'met   ' : 'MISSED'} ${t.name}: ${t.measured} (target ${t.target})`);
  });
}
