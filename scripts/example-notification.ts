/**
 * Prints the notification the guard sends for a realistic case (a bucket policy opened to "*"
 * for uploads), produced by the same code the Lambda runs. Used for the README's example.
 *   npx tsx scripts/example-notification.ts
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { triggerOf } from '../lambda/core/cloudtrail';
import { composeNotification } from '../lambda/core/notification';
import { evaluateBucket } from '../lambda/core/s3-evaluator';
import { resolveSettings } from '../lambda/core/settings';

const event = JSON.parse(readFileSync(join(__dirname, '..', 'test', 'fixtures', 'cloudtrail', 's3-put-bucket-policy.json'), 'utf8'));
const ALL_OFF = { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false };
const result = evaluateBucket({
  name: 'acme-site', account: '111122223333', region: 'eu-west-1',
  policy: { Version: '2012-10-17', Statement: [{ Sid: 'OpenUpload', Effect: 'Allow', Principal: '*', Action: ['s3:PutObject', 's3:GetObject'], Resource: 'arn:aws:s3:::acme-site/*' }] },
  acl: { Owner: { ID: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' }, Grants: [] },
  publicAccessBlock: null, accountPublicAccessBlock: ALL_OFF, objectOwnership: 'BucketOwnerEnforced', logging: false, website: false,
});
const trigger = triggerOf(event);
if (trigger) result.trigger = trigger;
const n = composeNotification(result, resolveSettings());
if (!n) throw new Error('expected a notification');
console.log(`Subject: ${n.subject}\n`);
console.log(n.email);
