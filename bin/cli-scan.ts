/**
 * `exposure-guard scan`: the live account with the caller's credentials, through the sweep's code.
 * Read-only: remediation is forced off and nothing is published; the results are printed instead.
 *
 * Buckets and security groups are read at the same time. A listing that fails (STS, ListBuckets,
 * the account's Block Public Access, DescribeSecurityGroups, DescribeRegions) becomes an
 * INCOMPLETE row for what it could not list, and everything else is still reported. Only
 * credentials or a network that reach nothing at all (sts:GetCallerIdentity, the first call) stop
 * the scan, exit 2: every other call would fail the same way.
 */
import './quiet-sdk-notice';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { LocalClientFactory, REQUEST_TIMEOUTS, type ClientConfig, type ClientFactory } from '../lambda/adapters/clients';
import type { GuardSettings } from '../lambda/core/model/settings';
import type { EvaluationResult, Severity } from '../lambda/core/model/types';
import type { AuditLogger, PipelineDeps, TargetOutcome } from '../lambda/app/pipeline';
import { sweepBuckets, sweepSecurityGroups } from '../lambda/app/sweep';
import { awsProblem, reachesNothing } from './cli-aws-words';
import { gate } from './cli-gate';
import { chooseRegions, enabledRegions } from './scan-regions';
import { unlistedResult } from './scan-listing';
import { QUIET, terminalProgress, type ScanKind, type ScanProgress } from './scan-progress';
import { inStableOrder, table } from './scan-table';

export interface ScanOptions {
  format: 'text' | 'json';
  region?: string;
  regions?: string;
  failOn?: Severity;
  allowIncomplete?: boolean;
  settings: GuardSettings;
  clients?: ClientFactory;
  out: (text: string) => void;
  err: (text: string) => void;
  /** Progress bars on stderr; the command line passes them when stderr is a terminal. @default none */
  progress?: ScanProgress;
  /** One kind alone (the benchmark measures each phase by itself). @default both */
  only?: ScanKind;
  env?: NodeJS.ProcessEnv;
}

/**
 * A person is waiting: a stalled call gives up after 3 attempts of the SDK's timeouts (2 s to
 * connect, 5 s for an answer), about 17 s at worst, and ends as an INCOMPLETE row saying it timed
 * out. Adaptive: client-side rate limiting when a service throttles a large account.
 */
export const SCAN_CLIENT_CONFIG: ClientConfig = { retryMode: 'adaptive', maxAttempts: 3, requestHandler: REQUEST_TIMEOUTS };

/** In flight at once: buckets cost one call per field each; groups are read 200 to a batch. */
const BUCKET_CONCURRENCY = 16;
const GROUP_CONCURRENCY = 8;
const REGION_CONCURRENCY = 4;

const quiet: AuditLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const endpoint = (service: string, region: string | undefined) => `${service}.${region ?? '<region>'}.amazonaws.com`;

interface Collected {
  results: EvaluationResult[];
  groupNames: Map<string, string>;
  /** One stderr line per listing that failed. */
  lines: string[];
  skippedBuckets: number;
}

function collector(progress: ScanProgress, kind: ScanKind, into: Collected) {
  let listed = 0;
  return {
    get listed() { return listed; },
    onListed: (r: { id: string; name?: string }) => {
      listed += 1;
      if (r.name !== undefined) into.groupNames.set(r.id, r.name);
      progress.listed(kind);
    },
    onOutcome: (o: TargetOutcome) => {
      if (o.kind !== 'evaluated') return;
      into.results.push(o.result);
      if (o.result.resource.type !== 's3-account') progress.done(kind);
    },
  };
}

async function scanBuckets(deps: PipelineDeps, bucketRegions: ReadonlySet<string> | undefined, progress: ScanProgress, into: Collected): Promise<void> {
  const account = deps.defaultAccount;
  const c = collector(progress, 'buckets', into);
  try {
    await sweepBuckets(deps, {
      concurrency: BUCKET_CONCURRENCY, clientConfig: SCAN_CLIENT_CONFIG, onListed: c.onListed, onOutcome: c.onOutcome,
      includeBucket: (b) => {
        // A bucket whose region the listing does not give is reported: better twice than never.
        const keep = !bucketRegions || !b.region || bucketRegions.has(b.region);
        if (!keep) into.skippedBuckets += 1;
        return keep;
      },
    });
    progress.finished('buckets', 'done');
  } catch (error) {
    const row = unlistedResult({
      resource: { type: 's3-bucket', id: '*', ...(account ? { account } : {}) }, field: 'buckets', what: `buckets of account ${account ?? '(unknown)'}`,
      call: 's3:ListBuckets', problem: awsProblem(error, endpoint('s3', deps.defaultRegion)), after: c.listed + into.skippedBuckets,
      couldHide: 'CRITICAL', decides: 'every check of every bucket not listed', readCommand: 'aws s3api list-buckets',
    });
    into.results.push(row);
    into.lines.push(row.findings[0]?.title ?? 'buckets: not listed');
    progress.finished('buckets', 'listing failed');
  }
}

async function scanGroupsIn(deps: PipelineDeps, region: string | undefined, progress: ScanProgress, into: Collected): Promise<void> {
  const account = deps.defaultAccount;
  const c = collector(progress, 'groups', into);
  try {
    await sweepSecurityGroups({ ...deps, defaultRegion: region }, { concurrency: GROUP_CONCURRENCY, clientConfig: SCAN_CLIENT_CONFIG, onListed: c.onListed, onOutcome: c.onOutcome });
  } catch (error) {
    const row = unlistedResult({
      resource: { type: 'security-group', id: '*', ...(account ? { account } : {}), ...(region ? { region } : {}) }, field: 'securityGroups',
      what: `security groups of ${region ?? 'the default region'}`, call: 'ec2:DescribeSecurityGroups', problem: awsProblem(error, endpoint('ec2', region)),
      after: c.listed, couldHide: 'CRITICAL', decides: 'every check of every security group not listed', readCommand: `aws ec2 describe-security-groups --region ${region ?? '<region>'}`,
    });
    into.results.push(row);
    into.lines.push(row.findings[0]?.title ?? 'security groups: not listed');
  }
}

async function scanGroups(deps: PipelineDeps, choice: ReturnType<typeof chooseRegions>, progress: ScanProgress, into: Collected): Promise<void> {
  let regions: (string | undefined)[];
  if (choice.groups.kind === 'list') regions = choice.groups.regions;
  else if (choice.groups.kind === 'home') regions = [choice.home];
  else {
    try {
      regions = await enabledRegions(deps.clients, choice.home, SCAN_CLIENT_CONFIG);
    } catch (error) {
      // The home region is still read: one failed call does not cost every group.
      const row = unlistedResult({
        resource: { type: 'security-group', id: '*', ...(deps.defaultAccount ? { account: deps.defaultAccount } : {}), region: '*' }, field: 'regions',
        what: 'security groups of every region but the home region', call: 'ec2:DescribeRegions', problem: awsProblem(error, endpoint('ec2', choice.home)), after: 0,
        couldHide: 'CRITICAL', decides: 'every check of every security group outside the home region', readCommand: 'aws ec2 describe-regions',
      });
      into.results.push(row);
      into.lines.push(row.findings[0]?.title ?? 'regions: not listed');
      regions = [choice.home];
    }
  }
  let next = 0;
  const lane = async () => { while (next < regions.length) await scanGroupsIn(deps, regions[next++], progress, into); };
  await Promise.all(Array.from({ length: Math.min(REGION_CONCURRENCY, regions.length) }, lane));
  progress.finished('groups', 'done');
}

type Identity = { account: string } | { unknown: EvaluationResult } | { stop: string };

/** The account id, which the account-level read and ExpectedBucketOwner need. */
async function callerAccount(clients: ClientFactory, region: string | undefined): Promise<Identity> {
  try {
    const account = (await clients.client(STSClient, { region }, SCAN_CLIENT_CONFIG).send(new GetCallerIdentityCommand({}))).Account;
    if (account) return { account };
    throw Object.assign(new Error('the answer named no account'), { name: 'EmptyResponse' });
  } catch (error) {
    const problem = awsProblem(error, endpoint('sts', region));
    if (reachesNothing(error)) return { stop: `sts:GetCallerIdentity failed: ${problem}` };
    // Buckets and groups can still be read; the account-level setting cannot (it is read by account id).
    return { unknown: unlistedResult({
      resource: { type: 's3-account', id: '*' }, field: 'account', what: 'account-level Block Public Access (account id unknown)',
      call: 'sts:GetCallerIdentity', problem, after: 0, couldHide: 'MEDIUM', decides: 'whether account-level Block Public Access is on (S3.1)',
      readCommand: 'aws sts get-caller-identity',
    }) };
  }
}

export async function runScan(options: ScanOptions): Promise<number> {
  const choice = chooseRegions(options, options.env ?? process.env);
  if (!choice.home && !options.clients) {
    options.err('exposure-guard: scan: no region: pass --region or --regions, or set AWS_REGION\n');
    return 2;
  }
  const clients = options.clients ?? new LocalClientFactory(choice.home);
  const identity = await callerAccount(clients, choice.home);
  if ('stop' in identity) {
    options.err(`exposure-guard: scan: ${identity.stop}\n`);
    return 2;
  }
  const into: Collected = { results: [], groupNames: new Map(), lines: [], skippedBuckets: 0 };
  if ('unknown' in identity) {
    into.results.push(identity.unknown);
    into.lines.push(identity.unknown.findings[0]?.title ?? 'account id unknown');
  }
  const deps: PipelineDeps = {
    // Read-only, whatever the config says: a scan from a laptop never changes the account.
    settings: { ...options.settings, remediation: { s3BucketPublicAccess: 'off', s3AccountPublicAccess: 'off', securityGroupIngress: 'off' } },
    clients, logger: quiet,
    notifier: { publish: async () => undefined },
    ...('account' in identity ? { defaultAccount: identity.account } : {}), defaultRegion: choice.home,
  };
  const progress = options.progress ?? QUIET;
  try {
    await Promise.all([
      options.only === 'groups' ? undefined : scanBuckets(deps, choice.bucketRegions, progress, into),
      options.only === 'buckets' ? undefined : scanGroups(deps, choice, progress, into),
    ]);
  } finally {
    progress.stop();
  }
  const results = inStableOrder(into.results);
  // The account setting decides whether every bucket's grants are neutralised: say when it was not read.
  for (const r of results.filter((x) => x.resource.type === 's3-account' && x.resource.id !== '*' && x.unknown.length > 0)) {
    const why = r.unknownReasons?.accountPublicAccessBlock ?? r.unknownReasons?.snapshot ?? 'unknown reason';
    into.lines.push(`account-level Block Public Access of account ${r.resource.id}: not read (s3:GetAccountPublicAccessBlock: ${why}); every bucket is judged without it`);
  }
  const notes = [
    ...(choice.bucketRegions ? [`buckets in ${[...choice.bucketRegions].join(', ')} only (${into.skippedBuckets} in other regions not reported)`] : []),
    ...(choice.groups.kind === 'all' ? ['security groups of every enabled region'] : []),
  ];
  options.out(options.format === 'json' ? `${JSON.stringify(results, null, 2)}\n` : `${table(results, { groupNames: into.groupNames, notes })}\n`);
  for (const line of into.lines) options.err(`exposure-guard: scan: ${line}\n`);
  const incomplete = results.filter((r) => r.status === 'INCOMPLETE' || r.unknown.length > 0).length;
  const verdict = gate(results, options.failOn, options.allowIncomplete);
  if (incomplete > 0 && !verdict.line) {
    options.err(`exposure-guard: scan: ${incomplete} of ${results.length} results could not be fully read (${options.format === 'json' ? '"unknown"' : 'the NOT READ column'} says what and why)${options.failOn ? '' : '; exit 0: pass --fail-on to gate on them'}\n`);
  }
  if (verdict.line) options.err(`exposure-guard: ${verdict.line}\n`);
  return verdict.code;
}

/** The progress the command line shows: bars when stderr is a terminal, nothing otherwise. */
export function progressFor(stderrIsTTY: boolean): ScanProgress {
  return stderrIsTTY ? terminalProgress(process.stderr) : QUIET;
}
