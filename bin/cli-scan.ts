/**
 * `exposure-guard scan`: the live account with the caller's credentials, through the same sweep
 * path as the (future) scheduled sweep. Read-only: remediation is forced off and nothing is
 * published; the results are printed instead.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describeError } from '../lambda/adapters/aws-errors';
import { LocalClientFactory, type ClientFactory } from '../lambda/adapters/clients';
import { isAtLeast, severityRank } from '../lambda/core/model/severity';
import type { GuardSettings } from '../lambda/core/model/settings';
import type { EvaluationResult, Severity } from '../lambda/core/model/types';
import type { AuditLogger, PipelineDeps, TargetOutcome } from '../lambda/app/pipeline';
import { sweepBuckets, sweepSecurityGroups } from '../lambda/app/sweep';

export interface ScanOptions {
  json: boolean;
  region?: string;
  failOn?: Severity;
  settings: GuardSettings;
  clients?: ClientFactory;
  out: (text: string) => void;
  err: (text: string) => void;
}

const quiet: AuditLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

function topSeverity(r: EvaluationResult): Severity | undefined {
  return [...r.findings].sort((a, b) => severityRank(b.severity) - severityRank(a.severity))[0]?.severity;
}

function table(results: EvaluationResult[]): string {
  const rows = results
    .filter((r) => r.status !== 'COMPLIANT')
    .sort((a, b) => severityRank(topSeverity(b) ?? 'INFORMATIONAL') - severityRank(topSeverity(a) ?? 'INFORMATIONAL'))
    .map((r) => [topSeverity(r) ?? '-', r.resource.type, r.resource.id, r.status, [...new Set(r.findings.map((f) => f.checkId))].join(',') || r.unknown.join(',')]);
  const head = ['SEVERITY', 'TYPE', 'RESOURCE', 'STATUS', 'CHECKS / NOT READ'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const compliant = results.filter((r) => r.status === 'COMPLIANT').length;
  return [line(head), ...rows.map(line), '', `${results.length} resources: ${compliant} compliant, ${rows.length} with findings or not fully read`].join('\n');
}

export async function runScan(options: ScanOptions): Promise<number> {
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region && !options.clients) {
    options.err('exposure-guard: scan: no region: pass --region or set AWS_REGION\n');
    return 2;
  }
  const clients = options.clients ?? new LocalClientFactory(region);
  let account: string | undefined;
  try {
    account = (await clients.client(STSClient, { region }).send(new GetCallerIdentityCommand({}))).Account;
  } catch (error) {
    const e = describeError(error);
    options.err(`exposure-guard: scan: sts:GetCallerIdentity failed, so the account is unknown (${e.name}: ${e.message}); check the credentials and the network\n`);
    return 2;
  }
  const results: EvaluationResult[] = [];
  const deps: PipelineDeps = {
    // Read-only, whatever the config says: a scan from a laptop never changes the account.
    settings: { ...options.settings, remediation: { s3BucketPublicAccess: 'off', s3AccountPublicAccess: 'off', securityGroupIngress: 'off' } },
    clients, logger: quiet,
    notifier: { publish: async () => undefined },
    defaultAccount: account, defaultRegion: region,
  };
  const collect = (o: TargetOutcome) => { if (o.kind === 'evaluated') results.push(o.result); };
  try {
    await sweepBuckets(deps, { concurrency: 16, onOutcome: collect });
    await sweepSecurityGroups(deps, { concurrency: 8, onOutcome: collect });
  } catch (error) {
    const e = describeError(error);
    options.err(`exposure-guard: scan: listing failed (${e.name}: ${e.message})\n`);
    return 2;
  }
  options.out(options.json ? `${JSON.stringify(results, null, 2)}\n` : `${table(results)}\n`);
  const failOn = options.failOn;
  return failOn && results.some((r) => r.findings.some((f) => isAtLeast(f.severity, failOn))) ? 1 : 0;
}
