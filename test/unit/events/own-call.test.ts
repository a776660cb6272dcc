/** The guard's own remediation calls are recognised by role AND account, nothing broader. */
import { isOwnCall } from '../../../lambda/core/events/own-call';

const ROLE = 'ExposureGuard-GuardS3EvaluatorRole1A2B3C4D-AbCdEfGh';
const trigger = (actor: string) => ({ eventName: 'PutBucketPublicAccessBlock', actor });

test.each([
  [`arn:aws:sts::111122223333:assumed-role/${ROLE}/ExposureGuard-S3Evaluator`, true],
  [`arn:aws-cn:sts::111122223333:assumed-role/${ROLE}/fn`, true],
  [`arn:aws:iam::111122223333:role/${ROLE}`, true],
  [`arn:aws:sts::999988887777:assumed-role/${ROLE}/ExposureGuard-S3Evaluator`, false],
  [`arn:aws:sts::111122223333:assumed-role/${ROLE}-copy/fn`, false],
  [`arn:aws:sts::111122223333:assumed-role/Admin/${ROLE}`, false],
  ['arn:aws:iam::111122223333:user/alice', false],
])('%s → %s', (actor, expected) => {
  expect(isOwnCall(trigger(actor), ROLE, '111122223333')).toBe(expected);
});

test('without a known role or account nothing is the guard\'s own', () => {
  expect(isOwnCall(trigger(`arn:aws:iam::111122223333:role/${ROLE}`), undefined, '111122223333')).toBe(false);
  expect(isOwnCall(trigger(`arn:aws:iam::111122223333:role/${ROLE}`), ROLE, undefined)).toBe(false);
  expect(isOwnCall(undefined, ROLE, '111122223333')).toBe(false);
});
