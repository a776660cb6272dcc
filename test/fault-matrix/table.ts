/**
 * The fault matrix: every AWS call the guard makes × the ways it fails, and what the guard does
 * then. test/handler/fault-matrix.test.ts drives each cell against mocked AWS; the README's
 * "What happens when…" section is rendered from this table (and a test holds them equal).
 */

import type { ReadRow } from '../../lambda/core/model/reads';
import { ACCESS_POINT_LOOKUPS, ACCESS_POINT_READS, BUCKET_GONE, BUCKET_LISTINGS, BUCKET_READS, MULTI_REGION_ACCESS_POINT_READS } from '../../lambda/core/s3/reads';
import { GROUP_GONE, GROUP_LOOKUPS, GROUP_READS, PREFIX_LIST_GONE } from '../../lambda/core/sg/reads';

export const FAULTS = ['throttled', 'server error', 'timeout or reset', 'access denied', 'not found'] as const;
export type Fault = (typeof FAULTS)[number];

/**
 * - `retried`: the error propagates; Lambda retries the event, then the dead-letter queue keeps it
 *   (and its depth alarm tells the ops topic).
 * - `incomplete`: evaluated without that field; the field is named in `unknown`, and a message goes
 *   out (EVALUATION_INCOMPLETE at what the field could hide, or the exposure itself).
 * - `degraded`: evaluated from the other read and notified; rule ids unknown, so remediation revokes
 *   nothing and the fix revokes by value.
 * - `not-needed`: the field feeds no check (website hosting adds a hint to a public-read finding;
 *   tags are kept for context): evaluated and notified without it.
 * - `not-configured`: S3's "no such configuration" answer: the field is read as not configured.
 * - `gone`: the resource no longer exists: a `resource gone` record, no finding.
 * - `reported`: the remediation is FAILED in the message, RemediationFailures raises its alarm.
 * - `verified`: the one id that is gone is retried without it; the report says what reads back.
 * - `scan-stops`: `exposure-guard scan` exits 2 with one line naming the call: the credentials or the
 *   network reach nothing, so every other call would fail the same way.
 * - `scan-incomplete`: `exposure-guard scan` reports an INCOMPLETE row for what the call could not
 *   list or read, names it on stderr, and still reports everything else.
 * - `unledgered`: the findings ledger could not decide: the message goes out as without it (a repeat
 *   is better than silence), LedgerFailures raises its alarm.
 * - `logged`: the message went out; clearing its claim failed (tried three times): logged, counted
 *   (LedgerFailures), not retried by Lambda; past the claim's lease it may go out once more.
 * - `n/a`: the call cannot fail that way (a filtered Describe answers an empty list, never NotFound).
 */
export type Outcome = 'retried' | 'incomplete' | 'degraded' | 'not-needed' | 'not-configured' | 'gone' | 'reported' | 'verified' | 'scan-stops' | 'scan-incomplete' | 'unledgered' | 'logged' | 'n/a';

export type Path = 'bucket event' | 'access point event' | 'multi-region access point event' | 'object lambda access point event' | 'account event' | 'group event' | 'instance event' | 'prefix-list event' | 'bucket enforce' | 'account enforce' | 'group enforce' | 'scan';

export interface CallRow {
  service: 'S3' | 'S3 Control' | 'EC2' | 'SNS' | 'STS' | 'DynamoDB';
  /** The SDK command name. */
  call: string;
  /** Where the call is made, and so which path the cell runs. */
  path: Path;
  /** The snapshot field the call reads, when it reads one. */
  field?: string;
  /** The "not found" error name this call can answer, when it has one. */
  notFound?: string;
  /** The IAM action the deployed function needs for it (none for the CLI's own calls). */
  iam?: string;
  outcomes: Record<Fault, Outcome>;
}

/** A read's service, call, IAM action and "not found" answer, from its reads-table row. */
function read(row: ReadRow, gone?: string): Pick<CallRow, 'service' | 'call' | 'iam' | 'notFound'> {
  const notFound = row.notConfigured?.error ?? gone;
  // S3 Control's GetPublicAccessBlock shares S3's name: the account's is told apart.
  const call = row.service === 'S3 Control' && row.command === 'GetPublicAccessBlock' ? `${row.command} (account)` : row.command;
  return { service: row.service, call, iam: row.iam, ...(notFound ? { notFound } : {}) };
}

const READ = { throttled: 'retried', 'server error': 'retried', 'timeout or reset': 'retried', 'access denied': 'incomplete' } as const;

/** AWS's own verdict only advises: whatever happens to it, the evaluator's safer reading stands. */
const ORACLE = { throttled: 'not-needed', 'server error': 'not-needed', 'timeout or reset': 'not-needed', 'access denied': 'not-needed', 'not found': 'not-configured' } as const;

/** A call that finds the bucket behind an access point: nothing to evaluate without it. */
const LOOKUP = { throttled: 'retried', 'server error': 'retried', 'timeout or reset': 'retried', 'access denied': 'retried' } as const;

const SCAN_LISTING = { throttled: 'scan-incomplete', 'server error': 'scan-incomplete', 'timeout or reset': 'scan-incomplete', 'access denied': 'scan-incomplete', 'not found': 'n/a' } as const;

export const MATRIX: readonly CallRow[] = [
  { ...read(BUCKET_READS.policy), path: 'bucket event', field: 'policy', outcomes: { ...READ, 'not found': 'not-configured' } },
  { ...read(BUCKET_READS.acl, BUCKET_GONE), path: 'bucket event', field: 'acl', outcomes: { ...READ, 'not found': 'gone' } },
  { ...read(BUCKET_READS.publicAccessBlock), path: 'bucket event', field: 'publicAccessBlock', outcomes: { ...READ, 'not found': 'not-configured' } },
  { ...read(BUCKET_READS.objectOwnership), path: 'bucket event', field: 'objectOwnership', outcomes: { ...READ, 'not found': 'not-configured' } },
  { ...read(BUCKET_READS.logging, BUCKET_GONE), path: 'bucket event', field: 'logging', outcomes: { ...READ, 'not found': 'gone' } },
  { ...read(BUCKET_READS.website), path: 'bucket event', field: 'website', outcomes: { ...READ, 'access denied': 'not-needed', 'not found': 'not-configured' } },
  { ...read(BUCKET_READS.tags), path: 'bucket event', field: 'tags', outcomes: { ...READ, 'access denied': 'not-needed', 'not found': 'not-configured' } },
  { ...read(BUCKET_READS.accountPublicAccessBlock), path: 'bucket event', field: 'accountPublicAccessBlock', outcomes: { ...READ, 'not found': 'not-configured' } },
  { ...read(BUCKET_READS.policyStatus), path: 'bucket event', field: 'policyStatus', outcomes: ORACLE },
  { ...read(BUCKET_READS.accessPoints), path: 'bucket event', field: 'accessPoints', outcomes: { ...READ, 'not found': 'n/a' } },
  // An access point deleted between the listing and its reads is left out.
  { ...read(ACCESS_POINT_READS.configuration, 'NoSuchAccessPoint'), path: 'bucket event', field: 'accessPoints', outcomes: { ...READ, 'not found': 'not-configured' } },
  { ...read(ACCESS_POINT_READS.policy), path: 'bucket event', field: 'accessPoints', outcomes: { ...READ, 'not found': 'not-configured' } },
  { ...read(ACCESS_POINT_READS.policyStatus), path: 'bucket event', field: 'accessPoints', outcomes: ORACLE },
  { ...read(BUCKET_READS.multiRegionAccessPoints), path: 'bucket event', field: 'multiRegionAccessPoints', outcomes: { ...READ, 'not found': 'n/a' } },
  { ...read(MULTI_REGION_ACCESS_POINT_READS.policy), path: 'bucket event', field: 'multiRegionAccessPoints', outcomes: { ...READ, 'not found': 'not-configured' } },
  { ...read(MULTI_REGION_ACCESS_POINT_READS.policyStatus), path: 'bucket event', field: 'multiRegionAccessPoints', outcomes: ORACLE },
  // The bucket behind an access point's event: deleted since, its ledger findings name it (none here: gone).
  { ...read(ACCESS_POINT_LOOKUPS.accessPoint, 'NoSuchAccessPoint'), path: 'access point event', outcomes: { ...LOOKUP, 'not found': 'gone' } },
  // A Multi-Region Access Point is created asynchronously: not found yet is a change in progress, retried.
  { ...read(ACCESS_POINT_LOOKUPS.multiRegionAccessPoint, 'NoSuchMultiRegionAccessPoint'), path: 'multi-region access point event', outcomes: { ...LOOKUP, 'not found': 'retried' } },
  { ...read(ACCESS_POINT_LOOKUPS.objectLambdaAccessPoint, 'NoSuchAccessPoint'), path: 'object lambda access point event', outcomes: { ...LOOKUP, 'not found': 'gone' } },
  { ...read(BUCKET_READS.accountPublicAccessBlock), path: 'account event', field: 'accountPublicAccessBlock', outcomes: { ...READ, 'not found': 'not-configured' } },
  // Not retried: messages already sent for buckets reached would be sent again; the account's message names what was not reached.
  { ...read(BUCKET_LISTINGS.buckets), path: 'account event', field: 'buckets', outcomes: { throttled: 'incomplete', 'server error': 'incomplete', 'timeout or reset': 'incomplete', 'access denied': 'incomplete', 'not found': 'n/a' } },
  { service: 'S3', call: 'PutPublicAccessBlock', iam: 's3:PutBucketPublicAccessBlock', path: 'bucket enforce', notFound: 'NoSuchBucket', outcomes: { throttled: 'reported', 'server error': 'reported', 'timeout or reset': 'reported', 'access denied': 'reported', 'not found': 'reported' } },
  { service: 'S3 Control', call: 'PutPublicAccessBlock (account)', iam: 's3:PutAccountPublicAccessBlock', path: 'account enforce', outcomes: { throttled: 'reported', 'server error': 'reported', 'timeout or reset': 'reported', 'access denied': 'reported', 'not found': 'n/a' } },
  // The rules come from DescribeSecurityGroupRules too, so what is lost is the name (the default-group check, name exemptions).
  { ...read(GROUP_READS.group, GROUP_GONE[0]), path: 'group event', field: 'GroupName', outcomes: { ...READ, 'not found': 'gone' } },
  { ...read(GROUP_READS.rules, GROUP_GONE[0]), path: 'group event', outcomes: { ...READ, 'access denied': 'degraded', 'not found': 'gone' } },
  { ...read(GROUP_READS.networkInterfaces), path: 'group event', field: 'networkInterfaces', outcomes: { ...READ, 'not found': 'n/a' } },
  { ...read(GROUP_READS.prefixLists, PREFIX_LIST_GONE[0]), path: 'group event', field: 'prefixList:pl-0b8c9d0e1f2a3b4c5', outcomes: { ...READ, 'not found': 'incomplete' } },
  { ...read(GROUP_LOOKUPS.instance, 'InvalidInstanceID.NotFound'), path: 'instance event', outcomes: { throttled: 'retried', 'server error': 'retried', 'timeout or reset': 'retried', 'access denied': 'retried', 'not found': 'gone' } },
  { ...read(GROUP_LOOKUPS.prefixList, PREFIX_LIST_GONE[0]), path: 'prefix-list event', outcomes: { throttled: 'retried', 'server error': 'retried', 'timeout or reset': 'retried', 'access denied': 'retried', 'not found': 'gone' } },
  { ...read(GROUP_LOOKUPS.prefixListUsers, PREFIX_LIST_GONE[0]), path: 'prefix-list event', outcomes: { throttled: 'retried', 'server error': 'retried', 'timeout or reset': 'retried', 'access denied': 'retried', 'not found': 'gone' } },
  { service: 'EC2', call: 'RevokeSecurityGroupIngress', iam: 'ec2:RevokeSecurityGroupIngress', path: 'group enforce', notFound: 'InvalidSecurityGroupRuleId.NotFound', outcomes: { throttled: 'reported', 'server error': 'reported', 'timeout or reset': 'reported', 'access denied': 'reported', 'not found': 'verified' } },
  { service: 'SNS', call: 'Publish', iam: 'sns:Publish', path: 'bucket event', notFound: 'NotFound', outcomes: { throttled: 'retried', 'server error': 'retried', 'timeout or reset': 'retried', 'access denied': 'retried', 'not found': 'retried' } },
  // The findings ledger on the event path (the same calls on the sweep fail the batch for the queue's retry).
  { service: 'DynamoDB', call: 'Query', iam: 'dynamodb:Query', path: 'bucket event', notFound: 'ResourceNotFoundException', outcomes: { throttled: 'unledgered', 'server error': 'unledgered', 'timeout or reset': 'unledgered', 'access denied': 'unledgered', 'not found': 'unledgered' } },
  { service: 'DynamoDB', call: 'TransactWriteItems', iam: 'dynamodb:PutItem', path: 'bucket event', notFound: 'ResourceNotFoundException', outcomes: { throttled: 'unledgered', 'server error': 'unledgered', 'timeout or reset': 'unledgered', 'access denied': 'unledgered', 'not found': 'unledgered' } },
  { service: 'DynamoDB', call: 'UpdateItem', iam: 'dynamodb:UpdateItem', path: 'bucket event', notFound: 'ResourceNotFoundException', outcomes: { throttled: 'logged', 'server error': 'logged', 'timeout or reset': 'logged', 'access denied': 'logged', 'not found': 'logged' } },
  // The CLI's listings: each failure is a row of its own; only an STS call that reaches nothing stops the scan
  // (GetCallerIdentity needs no permission: its "denied" is InvalidClientTokenId, bad credentials).
  { service: 'STS', call: 'GetCallerIdentity', path: 'scan', outcomes: { throttled: 'scan-incomplete', 'server error': 'scan-incomplete', 'timeout or reset': 'scan-stops', 'access denied': 'scan-stops', 'not found': 'n/a' } },
  { ...read(BUCKET_LISTINGS.buckets), path: 'scan', field: 'buckets', outcomes: SCAN_LISTING },
  { ...read(BUCKET_READS.accountPublicAccessBlock), path: 'scan', field: 'accountPublicAccessBlock', outcomes: SCAN_LISTING },
  { service: 'EC2', call: 'DescribeSecurityGroups', path: 'scan', field: 'securityGroups', outcomes: SCAN_LISTING },
  { service: 'EC2', call: 'DescribeRegions', path: 'scan', field: 'regions', outcomes: SCAN_LISTING },
];

const WORDS: Record<Outcome, string> = {
  retried: 'error propagates: Lambda retries, then the dead-letter queue keeps the event (alarm)',
  incomplete: 'field named unknown; notified (EVALUATION_INCOMPLETE or the exposure)',
  degraded: 'judged from DescribeSecurityGroups and notified; rule ids unknown, nothing revoked',
  'not-needed': 'feeds no check: evaluated and notified without it',
  'not-configured': 'read as "not configured"',
  gone: 'resource gone (logged, no finding)',
  reported: 'remediation FAILED in the message; RemediationFailures alarm',
  verified: 'retried without the missing id; reported as read back',
  'scan-stops': 'scan exits 2 naming the call (credentials or network: nothing else could be read)',
  'scan-incomplete': 'scan reports an INCOMPLETE row for what it could not list or read, names it on stderr, and reports everything else',
  unledgered: 'the message goes out without the ledger (a repeat, never silence); LedgerFailures alarm',
  logged: 'the message went out; clearing its claim (tried three times) is logged and counted (LedgerFailures), not retried by Lambda (past the claim\'s lease it may go out once more)',
  'n/a': 'cannot happen',
};

/** The README section, rendered from the table. */
export function renderMatrix(): string {
  const head = `| call | where | ${FAULTS.join(' | ')} |`;
  const rule = `|${' --- |'.repeat(FAULTS.length + 2)}`;
  const rows = MATRIX.map((r) => `| ${r.service} ${r.call}${r.field ? ` (\`${r.field.replace(/:.*/, '')}\`)` : ''} | ${r.path} | ${FAULTS.map((f) => (
    f === 'not found' && r.notFound && r.outcomes[f] !== 'n/a' ? `${r.outcomes[f]} (\`${r.notFound}\`)` : r.outcomes[f])).join(' | ')} |`);
  const legend = (Object.keys(WORDS) as Outcome[]).map((o) => `- \`${o}\`: ${WORDS[o]}.`);
  return [head, rule, ...rows, '', ...legend].join('\n');
}
