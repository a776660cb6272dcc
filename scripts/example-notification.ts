/**
 * Prints the notification the guard sends for a realistic case, produced by the same code the
 * Lambda runs. Used for the README's examples.
 *   npx tsx scripts/example-notification.ts        a bucket policy opened to "*" for uploads
 *   npx tsx scripts/example-notification.ts sg     SSH opened to the internet on a web server's group
 *   npx tsx scripts/example-notification.ts unread a bucket whose own policy denies the guard its reads
 */
import { lockedDownBucket } from '../test/helpers/s3-account';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { triggerOf } from '../lambda/core/events/cloudtrail';
import { composeNotification } from '../lambda/core/notification/compose';
import { evaluateBucket } from '../lambda/core/s3/evaluator';
import { resolveSettings } from '../lambda/core/model/settings';
import { evaluateSecurityGroup } from '../lambda/core/sg/evaluator';
import type { EvaluationResult } from '../lambda/core/model/types';

const fixture = (...parts: string[]) => JSON.parse(readFileSync(join(__dirname, '..', 'test', 'fixtures', ...parts), 'utf8'));

function bucketExample(): { event: unknown; result: EvaluationResult } {
  const event = fixture('cloudtrail', 's3-put-bucket-policy.json');
  const ALL_OFF = { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false };
  const result = evaluateBucket(lockedDownBucket({
  name: 'acme-site',
  policy: { Version: '2012-10-17', Statement: [{ Sid: 'OpenUpload', Effect: 'Allow', Principal: '*', Action: ['s3:PutObject', 's3:GetObject'], Resource: 'arn:aws:s3:::acme-site/*' }] },
  acl: { Owner: { ID: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' }, Grants: [] },
  publicAccessBlock: null, accountPublicAccessBlock: ALL_OFF, logging: false,
}));
  return { event, result };
}

function securityGroupExample(): { event: unknown; result: EvaluationResult } {
  return {
    event: fixture('cloudtrail', 'ec2-authorize-ingress-sdk.json'),
    result: evaluateSecurityGroup(fixture('snapshots', 'sg-web-mixed-ssh.json'), resolveSettings()),
  };
}

/** A bucket policy that denies s3:GetBucket* to everyone but its author: nothing but the account level can be read. */
function unreadExample(): { event: unknown; result: EvaluationResult } {
  const denied = 'AccessDenied: User: arn:aws:sts::111122223333:assumed-role/ExposureGuard-S3EvaluatorRole/guard is not authorized to perform: s3:GetBucketPolicy with an explicit deny in a resource-based policy';
  const ALL_OFF = { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false };
  return {
    event: fixture('cloudtrail', 's3-put-bucket-policy.json'),
    result: evaluateBucket({
      name: 'acme-site', account: '111122223333', region: 'eu-west-1', accountPublicAccessBlock: ALL_OFF,
      unreadable: { policy: denied, acl: denied.replace('GetBucketPolicy', 'GetBucketAcl'), publicAccessBlock: denied.replace('GetBucketPolicy', 'GetBucketPublicAccessBlock'),
        objectOwnership: denied.replace('GetBucketPolicy', 'GetBucketOwnershipControls'), logging: denied.replace('GetBucketPolicy', 'GetBucketLogging') },
    }, resolveSettings()),
  };
}

const examples: Record<string, () => { event: unknown; result: EvaluationResult }> = { sg: securityGroupExample, unread: unreadExample };
const { event, result } = (examples[process.argv[2] ?? ''] ?? bucketExample)();
const trigger = triggerOf(event);
if (trigger) result.trigger = trigger;
const n = composeNotification(result, resolveSettings());
if (!n) throw new Error('expected a notification');
console.log(`Subject: ${n.subject}\n`);
console.log(n.email);
