/**
 * Cold start of each Lambda bundle exactly as `cdk synth` produces it, against a reference that
 * is nothing but the AWS SDK the function uses: its clients, constructed, and the commands it
 * sends. The reference is derived from the function's own bundle (esbuild's metafile), so it
 * cannot drift from the code. The ratio is the budget: our code, Powertools and wiring may add at
 * most 15 % init time and 15 % bytes on top of that SDK.
 *
 * Init is measured in-process (hrtime around the require) in a fresh `node` per run, with the
 * environment the function gets, NODE_OPTIONS included: source-map support is paid at load time.
 * Variants are measured round-robin so background noise hits them all alike.
 * Run directly: `npx tsx bench/cold-start.ts [--runs N]`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSync, type BuildOptions } from 'esbuild';

const PROJECT_ROOT = resolve(__dirname, '..');
/** The bundle budget: at most 1.15× an SDK-only bundle, in bytes and in init time. */
export const TARGETS = { initRatio: 1.15, sizeRatio: 1.15 } as const;
const MIN_RUNS = 15;

/** Entry of each function, keyed by the construct id in the template. */
const FUNCTIONS: Record<string, { entry: string }> = {
  S3Evaluator: { entry: 'lambda/handlers/s3-event.ts' },
  SecurityGroupEvaluator: { entry: 'lambda/handlers/sg-event.ts' },
  SweepCoordinator: { entry: 'lambda/handlers/sweep-coordinator.ts' },
  SweepWorker: { entry: 'lambda/handlers/sweep-worker.ts' },
};

/** The options lib/guard-function.ts gives NodejsFunction, as esbuild API options. */
const NODEJS_FUNCTION_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  mainFields: ['module', 'main'],
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  external: [],
  absWorkingDir: PROJECT_ROOT,
  logLevel: 'silent',
};

/** NodejsFunction's default externals on Node 18+ with the sdkV3ExcludeSmithyPackages flag cdk.json sets. */
const SDK_EXTERNALS = ['@aws-sdk/*', '@smithy/*'];

/** ESM output needs a `require` for the CommonJS packages it bundles. */
const ESM_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** What the function sees at init (tokens replaced by plausible values; no credentials are real). */
const FUNCTION_ENV: Record<string, string> = {
  TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:t',
  AWS_REGION: 'eu-west-1',
  GUARD_SETTINGS: '{}',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'bench-dummy-secret',
  NODE_OPTIONS: '--enable-source-maps',
  LEDGER_TABLE: 'ExposureGuard-GuardLedgerTable',
  SWEEP_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111122223333/ExposureGuard-GuardSweepBatches',
  CANARY_BUCKET: 'exposureguard-guardcanarybucket-1x2y3z4w5v6u',
  OPS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:ops',
  CANARY_WRITER_ROLE: 'ExposureGuard-GuardSweepCoordinatorRole',
};

export interface ColdStartFunction {
  bundleBytes: number;
  mapBytes: number;
  initMs: number;
  initP90Ms: number;
  refBytes: number;
  refInitMs: number;
  initRatio: number;
  sizeRatio: number;
  met: { init: boolean; size: boolean };
  /** What the reference holds: `@aws-sdk/client-s3: GetBucketAclCommand, …`. */
  referenceSdk: string[];
  alternatives: {
    sdkExternal: { bytes: number; initMs: number; note: string };
    esm: { bytes: number; initMs: number };
    noSourceMaps: { initMs: number };
  };
}

export interface ColdStartReport {
  functions: Record<string, ColdStartFunction>;
  runs: number;
  node: string;
}

/* ---- synth: the bundles as deployed ---- */

interface SynthFunction {
  name: string;
  bundle: string;
  /** The literal (non-token) environment variables of the resource. */
  env: Record<string, string>;
}

interface TemplateResource {
  Type: string;
  Metadata?: Record<string, unknown>;
  Properties?: { Environment?: { Variables?: Record<string, unknown> } };
}

/** `ExposureGuard/Guard/S3Evaluator/Function/Resource` → `S3Evaluator`; else the logical id minus its hash. */
function functionName(logicalId: string, resource: TemplateResource): string {
  const parts = String(resource.Metadata?.['aws:cdk:path'] ?? '').split('/');
  const at = parts.lastIndexOf('Function');
  if (at > 0) return parts[at - 1] as string;
  return logicalId.replace(/Function[0-9A-F]{8}$/, '');
}

/** A fresh `cdk synth` into `outDir`: a stale cdk.out must never be measured. */
function synthesize(outDir: string): SynthFunction[] {
  const run = spawnSync('npx', ['cdk', 'synth', '-q', '-o', outDir], {
    cwd: PROJECT_ROOT, env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' }, encoding: 'utf8', timeout: 300_000,
  });
  if (run.status !== 0) throw new Error(`cdk synth failed (${run.status ?? run.signal}):\n${run.stderr || run.stdout}`);
  const template = JSON.parse(readFileSync(join(outDir, 'ExposureGuard.template.json'), 'utf8')) as { Resources: Record<string, TemplateResource> };
  const functions: SynthFunction[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    // aws-cdk-lib's own trigger provider is not ours to budget.
    if (!String(resource.Metadata?.['aws:cdk:path'] ?? '').includes('/Guard/')) continue;
    const asset = resource.Metadata?.['aws:asset:path'];
    if (typeof asset !== 'string') throw new Error(`${logicalId} has no aws:asset:path metadata`);
    const variables = resource.Properties?.Environment?.Variables ?? {};
    const env = Object.fromEntries(Object.entries(variables).filter((e): e is [string, string] => typeof e[1] === 'string'));
    functions.push({ name: functionName(logicalId, resource), bundle: join(outDir, asset, 'index.js'), env });
  }
  return functions;
}

/* ---- our own bundles: reference and alternatives ---- */

function bundle(entry: string, outfile: string, overrides: BuildOptions = {}): string {
  const result = buildSync({ ...NODEJS_FUNCTION_OPTIONS, entryPoints: [join(PROJECT_ROOT, entry)], outfile, ...overrides });
  if (result.errors.length > 0) throw new Error(`esbuild ${entry}: ${result.errors.map((e) => e.text).join('; ')}`);
  return outfile;
}

/** What of the SDK a bundle carries: each client package with the commands it sends, and the DynamoDB codec. */
export interface SdkUse {
  clients: Record<string, { client: string; commands: string[] }>;
  dynamoCodec: boolean;
}

const CLIENT_FILE = /^node_modules\/(@aws-sdk\/client-[a-z0-9-]+)\/dist-(?:es|cjs)\/([A-Za-z0-9]+Client)\.js$/;
const COMMAND_FILE = /^node_modules\/(@aws-sdk\/client-[a-z0-9-]+)\/dist-(?:es|cjs)\/commands\/([A-Za-z0-9]+Command)\.js$/;

/** Read from esbuild's metafile: only inputs that put bytes into the output count. */
export function sdkUse(inputs: Record<string, { bytesInOutput: number }>): SdkUse {
  const clients: SdkUse['clients'] = {};
  let dynamoCodec = false;
  for (const [file, { bytesInOutput }] of Object.entries(inputs)) {
    if (bytesInOutput === 0) continue;
    if (file.startsWith('node_modules/@aws-sdk/util-dynamodb/')) dynamoCodec = true;
    const client = CLIENT_FILE.exec(file);
    if (client) (clients[client[1] as string] ??= { client: '', commands: [] }).client = client[2] as string;
    const command = COMMAND_FILE.exec(file);
    if (command) (clients[command[1] as string] ??= { client: '', commands: [] }).commands.push(command[2] as string);
  }
  for (const [pkg, use] of Object.entries(clients)) {
    if (!use.client) throw new Error(`${pkg}: commands bundled without their client; cannot build a fair reference`);
    use.commands.sort();
  }
  return { clients, dynamoCodec };
}

/** The SDK-only program: every client constructed and every command kept, nothing of ours. */
export function referenceSource(use: SdkUse): string {
  const lines: string[] = [];
  const clients: string[] = [];
  const commands: string[] = [];
  for (const [pkg, { client, commands: names }] of Object.entries(use.clients).sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`import { ${[client, ...names].join(', ')} } from '${pkg}';`);
    clients.push(`new ${client}({ region: 'eu-west-1' })`);
    commands.push(...names);
  }
  if (use.dynamoCodec) lines.push("import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';");
  // Exported so the bundler keeps them, as the handler keeps its clients and commands.
  lines.push(`export const clients = [${clients.join(', ')}];`);
  lines.push(`export const commands = [${commands.join(', ')}];`);
  if (use.dynamoCodec) lines.push('export const codec = { marshall, unmarshall };');
  return `${lines.join('\n')}\n`;
}

/** The function rebuilt with the deployed options, and its SDK-only reference beside it. */
function bundleReference(entry: string, dir: string): { rebuilt: string; reference: string; use: SdkUse } {
  const rebuilt = join(dir, 'rebuilt', 'index.js');
  const built = buildSync({ ...NODEJS_FUNCTION_OPTIONS, entryPoints: [join(PROJECT_ROOT, entry)], outfile: rebuilt, metafile: true });
  const output = Object.values(built.metafile?.outputs ?? {}).find((o) => o.entryPoint);
  if (!output) throw new Error(`esbuild ${entry}: no metafile output`);
  const use = sdkUse(output.inputs);
  const reference = join(dir, 'reference', 'index.js');
  const result = buildSync({
    ...NODEJS_FUNCTION_OPTIONS,
    stdin: { contents: referenceSource(use), resolveDir: PROJECT_ROOT, sourcefile: 'sdk-reference.ts', loader: 'ts' },
    outfile: reference,
  });
  if (result.errors.length > 0) throw new Error(`esbuild reference of ${entry}: ${result.errors.map((e) => e.text).join('; ')}`);
  return { rebuilt, reference, use };
}

const bytes = (file: string) => statSync(file).size;

/* ---- measuring init ---- */

/** Printed by the child; anything else it prints (a stray log line) is ignored. */
const MARK = 'BENCH_INIT_MS';
const CJS_PROBE = `const t0 = process.hrtime.bigint(); require(process.argv[1]); const t1 = process.hrtime.bigint();
console.log('${MARK}', Number(t1 - t0) / 1e6);`;
const ESM_PROBE = `const t0 = process.hrtime.bigint(); await import(process.argv[1]); const t1 = process.hrtime.bigint();
console.log('${MARK}', Number(t1 - t0) / 1e6);`;

interface Variant {
  file: string;
  env: Record<string, string>;
}

/** One fresh process: the milliseconds its require (or import) of the bundle took. */
function initOnce(v: Variant): number {
  const esm = v.file.endsWith('.mjs');
  const args = esm ? ['--input-type=module', '-e', ESM_PROBE, pathToFileURL(v.file).href] : ['-e', CJS_PROBE, v.file];
  // Only PATH is inherited: the parent's NODE_OPTIONS (a loader, say) must not leak into the measurement.
  const run = spawnSync(process.execPath, args, { env: { PATH: process.env.PATH ?? '', ...v.env }, cwd: tmpdir(), encoding: 'utf8', timeout: 60_000 });
  const line = run.stdout?.split('\n').find((l) => l.startsWith(`${MARK} `));
  if (run.status !== 0 || !line) throw new Error(`init of ${v.file} failed (${run.status ?? run.signal}):\n${run.stderr}`);
  return Number(line.slice(MARK.length + 1));
}

/** Every variant once per round, `runs` rounds, sequentially. */
function initSamples<K extends string>(variants: Record<K, Variant>, runs: number): Record<K, number[]> {
  const keys = Object.keys(variants) as K[];
  const samples = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < runs; round++) for (const k of keys) samples[k].push(initOnce(variants[k]));
  return samples;
}

function quantile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  if (q === 0.5 && sorted.length % 2 === 0) {
    return ((sorted[sorted.length / 2 - 1] as number) + (sorted[sorted.length / 2] as number)) / 2;
  }
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/* ---- one function ---- */

function measureFunction(fn: SynthFunction, work: string, runs: number): ColdStartFunction {
  const spec = FUNCTIONS[fn.name] as { entry: string };
  const dir = (variant: string) => join(work, fn.name, variant);
  const { rebuilt, reference, use } = bundleReference(spec.entry, join(work, fn.name));
  const sdkExternal = bundle(spec.entry, join(dir('sdk-external'), 'index.js'), { external: SDK_EXTERNALS });
  const esm = bundle(spec.entry, join(dir('esm'), 'index.mjs'), { format: 'esm', banner: { js: ESM_BANNER } });
  warnIfOptionsDrift(fn, rebuilt);

  const env = { ...fn.env, ...FUNCTION_ENV };
  const envWithoutSourceMaps = Object.fromEntries(Object.entries(env).filter(([k]) => k !== 'NODE_OPTIONS'));
  const samples = initSamples({
    bundle: { file: fn.bundle, env },
    reference: { file: reference, env },
    // Lambda finds its SDK through NODE_PATH too (/var/runtime/node_modules); here it is ours.
    sdkExternal: { file: sdkExternal, env: { ...env, NODE_PATH: join(PROJECT_ROOT, 'node_modules') } },
    esm: { file: esm, env },
    noSourceMaps: { file: fn.bundle, env: envWithoutSourceMaps },
  }, runs);

  const median = (k: keyof typeof samples) => round2(quantile(samples[k], 0.5));
  const bundleBytes = bytes(fn.bundle);
  const refBytes = bytes(reference);
  const initRatio = quantile(samples.bundle, 0.5) / quantile(samples.reference, 0.5);
  const sizeRatio = bundleBytes / refBytes;
  return {
    bundleBytes,
    mapBytes: bytes(`${fn.bundle}.map`),
    initMs: median('bundle'),
    initP90Ms: round2(quantile(samples.bundle, 0.9)),
    refBytes,
    refInitMs: median('reference'),
    initRatio: round2(initRatio),
    sizeRatio: round2(sizeRatio),
    met: { init: initRatio <= TARGETS.initRatio, size: sizeRatio <= TARGETS.sizeRatio },
    referenceSdk: [
      ...Object.entries(use.clients).map(([pkg, c]) => `${pkg}: ${c.client} + ${c.commands.length} commands`),
      ...(use.dynamoCodec ? ['@aws-sdk/util-dynamodb: marshall, unmarshall'] : []),
    ],
    alternatives: {
      sdkExternal: {
        bytes: bytes(sdkExternal), initMs: median('sdkExternal'),
        note: "locally this loads the unbundled SDK from node_modules, not the Lambda runtime's copy",
      },
      esm: { bytes: bytes(esm), initMs: median('esm') },
      noSourceMaps: { initMs: median('noSourceMaps') },
    },
  };
}

/** The reference is only fair if our esbuild options match what synth used: rebuild and compare. */
function warnIfOptionsDrift(fn: SynthFunction, rebuilt: string): void {
  const synthBytes = bytes(fn.bundle);
  const drift = Math.abs(bytes(rebuilt) - synthBytes) / synthBytes;
  if (drift > 0.01) {
    console.warn(`warning: ${fn.name} rebuilt with the bench's options is ${bytes(rebuilt)} bytes, synth made ${synthBytes}: options differ`);
  }
}

export async function measureColdStart(opts: { runs?: number } = {}): Promise<ColdStartReport> {
  const runs = Math.max(MIN_RUNS, opts.runs ?? 21);
  const work = mkdtempSync(join(tmpdir(), 'exposure-guard-cold-start-'));
  try {
    const functions: Record<string, ColdStartFunction> = {};
    for (const fn of synthesize(join(work, 'cdk.out'))) {
      if (!FUNCTIONS[fn.name]) {
        console.warn(`warning: no entry/reference known for function ${fn.name}: add it to FUNCTIONS in bench/cold-start.ts`);
        continue;
      }
      functions[fn.name] = measureFunction(fn, work, runs);
    }
    return { functions, runs, node: process.version };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/* ---- command line ---- */

const kb = (n: number) => `${(n / 1024).toFixed(0)} KiB`;

function printTable(r: ColdStartReport): void {
  console.table(Object.fromEntries(Object.entries(r.functions).map(([name, f]) => [name, {
    bundle: kb(f.bundleBytes), map: kb(f.mapBytes), initMs: f.initMs, p90: f.initP90Ms, ref: kb(f.refBytes), refInitMs: f.refInitMs,
    initRatio: `${f.initRatio} ${f.met.init ? '✓' : '✗'} (≤ ${TARGETS.initRatio})`,
    sizeRatio: `${f.sizeRatio} ${f.met.size ? '✓' : '✗'} (≤ ${TARGETS.sizeRatio})`,
  }])));
  console.log('Alternatives (median init ms; bytes of the .js/.mjs):');
  console.table(Object.fromEntries(Object.entries(r.functions).map(([name, f]) => [name, {
    'as deployed': `${f.initMs} ms, ${kb(f.bundleBytes)}`,
    'no --enable-source-maps': `${f.alternatives.noSourceMaps.initMs} ms`,
    'SDK external*': `${f.alternatives.sdkExternal.initMs} ms, ${kb(f.alternatives.sdkExternal.bytes)}`,
    ESM: `${f.alternatives.esm.initMs} ms, ${kb(f.alternatives.esm.bytes)}`,
  }])));
  console.log(`* ${Object.values(r.functions)[0]?.alternatives.sdkExternal.note ?? ''}`);
  console.log(`${r.runs} runs per variant, node ${r.node}`);
}

if (require.main === module) {
  const i = process.argv.indexOf('--runs');
  const runs = i > 0 ? Number(process.argv[i + 1]) : undefined;
  measureColdStart({ runs }).then((report) => {
    printTable(report);
    console.log(JSON.stringify(report, null, 2));
  }).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
