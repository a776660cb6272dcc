/**
 * The README's example messages, produced by the code the Lambda runs on realistic cases:
 * `npx tsx scripts/readme.ts` writes them in, a test holds them equal.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { triggerOf } from '../lambda/core/events/cloudtrail';
import { decideFinding, type LedgerEntry } from '../lambda/core/ledger/policy';
import { composeNotification, composeResolved, type ComposeContext, type Notification } from '../lambda/core/notification/compose';
import { composeDigest } from '../lambda/core/notification/digest';
import { evaluateBucket } from '../lambda/core/s3/evaluator';
import { resolveSettings } from '../lambda/core/model/settings';
import { evaluateSecurityGroup } from '../lambda/core/sg/evaluator';
import type { EvaluationResult, ResourceRef } from '../lambda/core/model/types';
import { lockedDownBucket } from '../test/helpers/s3-account';

const fixture = (...parts: string[]) => JSON.parse(readFileSync(join(__dirname, '..', 'test', 'fixtures', ...parts), 'utf8'));
const ALL_OFF = { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false };
const S3_LOG_GROUP: ComposeContext = { auditLogGroup: '/aws/lambda/ExposureGuard-GuardS3EvaluatorFunction' };
const SG_LOG_GROUP: ComposeContext = { auditLogGroup: '/aws/lambda/ExposureGuard-GuardSecurityGroupEvaluatorFunction' };

function withTrigger(result: EvaluationResult, event: unknown): EvaluationResult {
  const trigger = triggerOf(event);
  return trigger ? { ...result, trigger } : result;
}

/** A PutBucketPolicy that opened uploads to everyone, on a bucket with no server access logging. */
function publicBucket(): EvaluationResult {
  return withTrigger(evaluateBucket(lockedDownBucket({
    name: 'acme-site',
    policy: { Version: '2012-10-17', Statement: [{ Sid: 'OpenUpload', Effect: 'Allow', Principal: '*', Action: ['s3:PutObject', 's3:GetObject'], Resource: 'arn:aws:s3:::acme-site/*' }] },
    acl: { Owner: { ID: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' }, Grants: [] },
    publicAccessBlock: null, accountPublicAccessBlock: ALL_OFF, logging: false, policyStatus: true,
  })), fixture('cloudtrail', 's3-put-bucket-policy.json'));
}

function securityGroup(): EvaluationResult {
  return withTrigger(evaluateSecurityGroup(fixture('snapshots', 'sg-web-mixed-ssh.json'), resolveSettings()), fixture('cloudtrail', 'ec2-authorize-ingress-sdk.json'));
}

/** A bucket policy that denies s3:GetBucket* to everyone but its author: nothing but the account level can be read. */
function unreadBucket(): EvaluationResult {
  const denied = 'AccessDenied: User: arn:aws:sts::111122223333:assumed-role/ExposureGuard-S3EvaluatorRole/guard is not authorized to perform: s3:GetBucketPolicy with an explicit deny in a resource-based policy';
  return withTrigger(evaluateBucket({
    name: 'acme-site', account: '111122223333', region: 'eu-west-1', accountPublicAccessBlock: ALL_OFF,
    unreadable: {
      policy: denied, acl: denied.replace('GetBucketPolicy', 'GetBucketAcl'), publicAccessBlock: denied.replace('GetBucketPolicy', 'GetBucketPublicAccessBlock'),
      objectOwnership: denied.replace('GetBucketPolicy', 'GetBucketOwnershipControls'), logging: denied.replace('GetBucketPolicy', 'GetBucketLogging'),
    },
  }, resolveSettings()), fixture('cloudtrail', 's3-put-bucket-policy.json'));
}

/** The owner turned Block Public Access back on: the policy is still public on paper, and the ledger saw the exposure close. */
function resolved(): Notification | undefined {
  const result = withTrigger(evaluateBucket(lockedDownBucket({
    name: 'acme-site',
    policy: { Version: '2012-10-17', Statement: [{ Sid: 'OpenUpload', Effect: 'Allow', Principal: '*', Action: ['s3:PutObject', 's3:GetObject'], Resource: 'arn:aws:s3:::acme-site/*' }] },
    accountPublicAccessBlock: ALL_OFF,
  })), fixture('cloudtrail', 's3-put-bucket-public-access-block.json'));
  return composeResolved(result, [{
    checkId: 'S3_POLICY_PUBLIC', severity: 'CRITICAL', title: 'S3 bucket acme-site is publicly writable (bucket policy)',
    firstSeen: '2026-01-05T10:00:03.000Z', closedBy: 'PutBucketPublicAccessBlock by arn:aws:sts::111122223333:assumed-role/Admin/alice',
  }, {
    checkId: 'S3_BUCKET_BPA_OFF', severity: 'MEDIUM', title: 'S3 bucket acme-site has Block Public Access off (BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets)',
    firstSeen: '2026-01-05T10:00:03.000Z', closedBy: 'PutBucketPublicAccessBlock by arn:aws:sts::111122223333:assumed-role/Admin/alice',
  }], S3_LOG_GROUP);
}

/** The nightly sweep of one account and region: one new exposure no event announced, one closed, one remediated. */
function digest(): Notification {
  const now = new Date('2026-12-02T06:00:00.000Z');
  const bucket = (id: string): ResourceRef => ({ type: 's3-bucket', id, account: '111122223333', region: 'eu-west-1' });
  const entry = (id: string, severity: LedgerEntry['severity'], firstSeen: string, title: string): LedgerEntry => ({
    resourceKey: `s3-bucket#111122223333##${id}`, checkId: 'S3_POLICY_PUBLIC', status: 'open', severity, latent: false, title,
    firstSeen, lastSeen: now.toISOString(), lastNotified: firstSeen, notifiedSeverity: severity, notifiedLatent: false,
  });
  const at = (id: string) => ({ now, resourceKey: `s3-bucket#111122223333##${id}`, checkId: 'S3_POLICY_PUBLIC' as const, ran: true });
  const opened = decideFinding(undefined, publicBucket().findings.find((f) => f.checkId === 'S3_POLICY_PUBLIC'), at('acme-site'), { notifyMinSeverity: 'MEDIUM', renotifyAfterHours: 24 });
  const closed = decideFinding(entry('acme-reports', 'HIGH', '2026-11-20T08:12:00.000Z', 'S3 bucket acme-reports is publicly readable (bucket policy)'), undefined, at('acme-reports'), { notifyMinSeverity: 'MEDIUM', renotifyAfterHours: 24 });
  return composeDigest({
    account: '111122223333', region: 'eu-west-1', startedAt: '2026-12-02T05:00:00.000Z', finishedAt: '2026-12-02T05:04:10.000Z',
    counts: { evaluated: 1284, incomplete: 1, gone: 0, failed: 0 },
    decisions: [{ resource: bucket('acme-site'), decision: opened }, { resource: bucket('acme-reports'), decision: closed }],
    remediations: [],
    unevaluated: [{ resource: bucket('acme-legal-hold'), reasons: { policy: 'AccessDenied: Access Denied' } }],
    open: [entry('acme-downloads', 'MEDIUM', '2026-09-14T11:02:00.000Z', 'S3 bucket acme-downloads has Block Public Access off (RestrictPublicBuckets)'), opened.next!],
  });
}

const settings = resolveSettings();
const findings = (result: EvaluationResult, context: ComposeContext) => composeNotification(result, settings, context);

/** Each example: how to print it alone, and the message. */
export const EXAMPLES: Record<string, () => Notification | undefined> = {
  bucket: () => findings(publicBucket(), S3_LOG_GROUP),
  sg: () => findings(securityGroup(), SG_LOG_GROUP),
  unread: () => findings(unreadBucket(), S3_LOG_GROUP),
  resolved,
  digest,
};

export function renderExample(name: string): string {
  const n = EXAMPLES[name]?.();
  if (!n) throw new Error(`example ${name} produced no message`);
  return `Subject: ${n.subject}\n\n${n.email}`;
}

/** The README section `email-example-<name>`: the message in a text block. */
export function renderExampleSection(name: string): string {
  return `\`\`\`text\n${renderExample(name)}\n\`\`\``;
}
