/**
 * The fault matrix: every AWS call the guard makes × the ways it fails, and what the guard does
 * then. test/handler/fault-matrix.test.ts drives each cell against mocked AWS; the README's
 * "What happens when…" section is rendered from this table (and a test holds them equal).
 */

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
 * - `scan-stops`: `exposure-guard scan` exits 2 with one line naming the call.
 * - `n/a`: the call cannot fail that way (a filtered Describe answers an empty list, never NotFound).
 */
export type Outcome = 'retried' | 'incomplete' | 'degraded' | 'not-needed' | 'not-configured' | 'gone' | 'reported' | 'verified' | 'scan-stops' | 'n/a';

export type Path = 'bucket event' | 'account event' | 'group event' | 'instance event' | 'prefix-list event' | 'bucket enforce' | 'account enforce' | 'group enforce' | 'scan';

export interface CallRow {
  service: 'S3' | 'S3 Control' | 'EC2' | 'SNS' | 'STS';
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

const READ = { throttled: 'retried', 'server error': 'retried', 'timeout or reset': 'retried', 'access denied': 'incomplete' } as const;

export const MATRIX: readonly CallRow[] = [
  { service: 'S3', call: 'GetBucketPolicy', iam: 's3:GetBucketPolicy', path: 'bucket event', field: 'policy', notFound: 'NoSuchBucketPolicy', outcomes: { ...READ, 'not found': 'not-configured' } },
  { service: 'S3', call: 'GetBucketAcl', iam: 's3:GetBucketAcl', path: 'bucket event', field: 'acl', notFound: 'NoSuchBucket', outcomes: { ...READ, 'not found': 'gone' } },
  { service: 'S3', call: 'GetPublicAccessBlock', iam: 's3:GetBucketPublicAccessBlock', path: 'bucket event', field: 'publicAccessBlock', notFound: 'NoSuchPublicAccessBlockConfiguration', outcomes: { ...READ, 'not found': 'not-configured' } },
  { service: 'S3', call: 'GetBucketOwnershipControls', iam: 's3:GetBucketOwnershipControls', path: 'bucket event', field: 'objectOwnership', notFound: 'OwnershipControlsNotFoundError', outcomes: { ...READ, 'not found': 'not-configured' } },
  { service: 'S3', call: 'GetBucketLogging', iam: 's3:GetBucketLogging', path: 'bucket event', field: 'logging', notFound: 'NoSuchBucket', outcomes: { ...READ, 'not found': 'gone' } },
  { service: 'S3', call: 'GetBucketWebsite', iam: 's3:GetBucketWebsite', path: 'bucket event', field: 'website', notFound: 'NoSuchWebsiteConfiguration', outcomes: { ...READ, 'access denied': 'not-needed', 'not found': 'not-configured' } },
  { service: 'S3', call: 'GetBucketTagging', iam: 's3:GetBucketTagging', path: 'bucket event', field: 'tags', notFound: 'NoSuchTagSet', outcomes: { ...READ, 'access denied': 'not-needed', 'not found': 'not-configured' } },
  { service: 'S3 Control', call: 'GetPublicAccessBlock (account)', iam: 's3:GetAccountPublicAccessBlock', path: 'bucket event', field: 'accountPublicAccessBlock', notFound: 'NoSuchPublicAccessBlockConfiguration', outcomes: { ...READ, 'not found': 'not-configured' } },
  { service: 'S3 Control', call: 'GetPublicAccessBlock (account)', iam: 's3:GetAccountPublicAccessBlock', path: 'account event', field: 'accountPublicAccessBlock', notFound: 'NoSuchPublicAccessBlockConfiguration', outcomes: { ...READ, 'not found': 'not-configured' } },
  // Not retried: messages already sent for buckets reached would be sent again; the account's message names what was not reached.
  { service: 'S3', call: 'ListBuckets', iam: 's3:ListAllMyBuckets', path: 'account event', field: 'buckets', outcomes: { throttled: 'incomplete', 'server error': 'incomplete', 'timeout or reset': 'incomplete', 'access denied': 'incomplete', 'not found': 'n/a' } },
  { service: 'S3', call: 'PutPublicAccessBlock', iam: 's3:PutBucketPublicAccessBlock', path: 'bucket enforce', notFound: 'NoSuchBucket', outcomes: { throttled: 'reported', 'server error': 'reported', 'timeout or reset': 'reported', 'access denied': 'reported', 'not found': 'reported' } },
  { service: 'S3 Control', call: 'PutPublicAccessBlock (account)', iam: 's3:PutAccountPublicAccessBlock', path: 'account enforce', outcomes: { throttled: 'reported', 'server error': 'reported', 'timeout or reset': 'reported', 'access denied': 'reported', 'not found': 'n/a' } },
  // The rules come from DescribeSecurityGroupRules too, so what is lost is the name (the default-group check, name exemptions).
  { service: 'EC2', call: 'DescribeSecurityGroups', iam: 'ec2:DescribeSecurityGroups', path: 'group event', field: 'GroupName', notFound: 'InvalidGroup.NotFound', outcomes: { ...READ, 'not found': 'gone' } },
  { service: 'EC2', call: 'DescribeSecurityGroupRules', iam: 'ec2:DescribeSecurityGroupRules', path: 'group event', notFound: 'InvalidGroup.NotFound', outcomes: { ...READ, 'access denied': 'degraded', 'not found': 'gone' } },
  { service: 'EC2', call: 'DescribeNetworkInterfaces', iam: 'ec2:DescribeNetworkInterfaces', path: 'group event', field: 'networkInterfaces', outcomes: { ...READ, 'not found': 'n/a' } },
  { service: 'EC2', call: 'GetManagedPrefixListEntries', iam: 'ec2:GetManagedPrefixListEntries', path: 'group event', field: 'prefixList:pl-0b8c9d0e1f2a3b4c5', notFound: 'InvalidPrefixListID.NotFound', outcomes: { ...READ, 'not found': 'incomplete' } },
  { service: 'EC2', call: 'DescribeInstances', iam: 'ec2:DescribeInstances', path: 'instance event', notFound: 'InvalidInstanceID.NotFound', outcomes: { throttled: 'retried', 'server error': 'retried', 'timeout or reset': 'retried', 'access denied': 'retried', 'not found': 'gone' } },
  { service: 'EC2', call: 'DescribeManagedPrefixLists', iam: 'ec2:DescribeManagedPrefixLists', path: 'prefix-list event', notFound: 'InvalidPrefixListID.NotFound', outcomes: { throttled: 'retried', 'server error': 'retried', 'timeout or reset': 'retried', 'access denied': 'retried', 'not found': 'gone' } },
  { service: 'EC2', call: 'GetManagedPrefixListAssociations', iam: 'ec2:GetManagedPrefixListAssociations', path: 'prefix-list event', notFound: 'InvalidPrefixListID.NotFound', outcomes: { throttled: 'retried', 'server error': 'retried', 'timeout or reset': 'retried', 'access denied': 'retried', 'not found': 'gone' } },
  { service: 'EC2', call: 'RevokeSecurityGroupIngress', iam: 'ec2:RevokeSecurityGroupIngress', path: 'group enforce', notFound: 'InvalidSecurityGroupRuleId.NotFound', outcomes: { throttled: 'reported', 'server error': 'reported', 'timeout or reset': 'reported', 'access denied': 'reported', 'not found': 'verified' } },
  { service: 'SNS', call: 'Publish', iam: 'sns:Publish', path: 'bucket event', notFound: 'NotFound', outcomes: { throttled: 'retried', 'server error': 'retried', 'timeout or reset': 'retried', 'access denied': 'retried', 'not found': 'retried' } },
  { service: 'STS', call: 'GetCallerIdentity', path: 'scan', outcomes: { throttled: 'scan-stops', 'server error': 'scan-stops', 'timeout or reset': 'scan-stops', 'access denied': 'scan-stops', 'not found': 'n/a' } },
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
  'scan-stops': 'scan exits 2 naming the call',
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
