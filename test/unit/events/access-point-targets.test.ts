/**
 * `targets()` for every S3 Control access point event the rule matches. No recorded event of these
 * calls was found in public sources, so the fixtures are built from the S3 Control request model
 * (root element with xmlns, a single list element as an object) on the envelope of the recorded
 * account-level call; see test/fixtures/cloudtrail/README.md.
 */
import { targets } from '../../../lambda/core/events/targets';
import { cloudTrailFixture } from '../../fixtures/load';

const ACCOUNT = '111122223333';
const where = (region = 'eu-west-1') => ({ account: ACCOUNT, region });

test.each([
  ['s3-create-access-point.json (names its bucket)', [{ type: 's3-bucket', name: 'acme-site', ...where() }]],
  ['s3-create-access-point-vpc.json', [{ type: 's3-bucket', name: 'acme-site', ...where() }]],
  ['s3-create-access-point-no-body.json (no body recorded: the access point is read for its bucket)', [{ type: 'access-point', name: 'acme-site-ap', ...where() }]],
  ['s3-put-access-point-policy.json', [{ type: 'access-point', name: 'acme-site-ap', ...where() }]],
  ['s3-delete-access-point-policy.json', [{ type: 'access-point', name: 'acme-site-ap', ...where() }]],
  ['s3-delete-access-point.json (gone: only the ledger can name its bucket)', [{ type: 'access-point', name: 'acme-site-ap', ...where(), deleted: true }]],
  ['s3-create-multi-region-access-point.json (recorded in us-west-2)', [{ type: 'multi-region-access-point', name: 'acme-global', ...where('us-west-2') }]],
  ['s3-create-multi-region-access-point-one-bucket.json (one Region: an object, not an array)', [{ type: 'multi-region-access-point', name: 'acme-solo', ...where('us-west-2') }]],
  ['s3-put-multi-region-access-point-policy.json', [{ type: 'multi-region-access-point', name: 'acme-global', ...where('us-west-2') }]],
  ['s3-delete-multi-region-access-point.json', [{ type: 'multi-region-access-point', name: 'acme-global', ...where('us-west-2'), deleted: true }]],
  ['s3-create-access-point-for-object-lambda.json (names the access point it stands on)', [{ type: 'access-point', name: 'acme-site-ap', ...where() }]],
  ['s3-put-access-point-configuration-for-object-lambda.json', [{ type: 'access-point', name: 'acme-site-ap', ...where() }]],
  ['s3-put-access-point-policy-for-object-lambda.json', [{ type: 'object-lambda-access-point', name: 'acme-redacted', ...where() }]],
  ['s3-delete-access-point-policy-for-object-lambda.json', [{ type: 'object-lambda-access-point', name: 'acme-redacted', ...where() }]],
])('%s', (name, expected) => {
  expect(targets(cloudTrailFixture(name.split(' ')[0]!))).toEqual({ targets: expected, skipped: null });
});

test.each([
  ['s3-create-access-point-cross-account.json', /cross-account access point on bucket "partner-data" of account 444455556666/],
  ['s3-delete-access-point-for-object-lambda.json', /never allows anonymous or public access/],
])('%s is skipped with its reason', (name, reason) => {
  const r = targets(cloudTrailFixture(name));
  expect(r.targets).toEqual([]);
  expect(r.skipped).toMatch(reason);
});

test('an S3 Control Host (<account>.s3-control.<region>…) is never read as a bucket named after the account', () => {
  const e = cloudTrailFixture('s3-put-bucket-policy.json');
  e.detail.requestParameters = { Host: `${ACCOUNT}.s3-control.eu-west-1.amazonaws.com` };
  e.detail.resources = [];
  const r = targets(e);
  expect(r.targets).toEqual([]);
  expect(r.skipped).toMatch(/names no bucket/);
  e.detail.requestParameters = { Host: `${ACCOUNT}.s3-control-fips.dualstack.us-east-1.amazonaws.com` };
  expect(targets(e).targets).toEqual([]);
});

test.each([
  ['an eventSource of s3-control.amazonaws.com is read too', 's3-control.amazonaws.com', 1],
  ['another service with the same event name is not', 'ec2.amazonaws.com', 0],
])('%s', (_name, eventSource, count) => {
  const e = cloudTrailFixture('s3-put-access-point-policy.json');
  e.detail.eventSource = eventSource;
  expect(targets(e).targets).toHaveLength(count);
});

test.each([
  ['no name at all', { Host: `${ACCOUNT}.s3-control.eu-west-1.amazonaws.com` }, /names no access point/],
  ['a name that is not an access point name', { name: '../etc/passwd' }, /names no access point/],
])('a malformed access point event is skipped, never thrown: %s', (_name, requestParameters, reason) => {
  const e = cloudTrailFixture('s3-put-access-point-policy.json');
  e.detail.requestParameters = requestParameters;
  const r = targets(e);
  expect(r.targets).toEqual([]);
  expect(r.skipped).toMatch(reason);
});

test('the access point ARN in resources names it when the name parameter is missing', () => {
  const e = cloudTrailFixture('s3-delete-access-point-policy.json');
  e.detail.requestParameters = {};
  e.detail.resources = [{ type: 'AWS::S3::AccessPoint', ARN: `arn:aws:s3:eu-west-1:${ACCOUNT}:accesspoint/acme-site-ap`, accountId: ACCOUNT }];
  expect(targets(e).targets).toEqual([{ type: 'access-point', name: 'acme-site-ap', ...where() }]);
});
