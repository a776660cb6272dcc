/**
 * `targets()` for every S3 event name the rule matches, on the shapes of
 * reference/cloudtrail-events.md: canned ACL strings and arrays, single-grant objects, Host vs host,
 * missing CreateBucketConfiguration, failed calls, account-level events.
 */
import { targets } from '../../../lambda/core/events/targets';
import { cloudTrailFixture } from '../../fixtures/load';

const bucket = (name: string, region = 'eu-west-1') => ({ targets: [{ type: 's3-bucket', name, account: '111122223333', region }], skipped: null });

test.each([
  ['s3-put-bucket-policy.json', bucket('acme-site')],
  ['s3-put-bucket-policy-legacy.json', bucket('acme-site', 'us-east-1')],
  ['s3-put-bucket-acl-canned.json', bucket('acme-logs')],
  ['s3-put-bucket-acl-canned-array.json', bucket('acme-logs', 'us-east-1')],
  ['s3-put-bucket-acl-single-grant.json', bucket('acme-logs')],
  ['s3-put-bucket-acl-grants.json', bucket('acme-logs')],
  ['s3-put-bucket-acl-grant-headers.json', bucket('acme-logs')],
  ['s3-put-bucket-public-access-block.json', bucket('acme-data')],
  ['s3-put-bucket-public-access-block-no-xmlns.json', bucket('acme-data')],
  ['s3-delete-bucket-public-access-block.json', bucket('acme-data')],
  ['s3-create-bucket.json', bucket('acme-new')],
  ['s3-create-bucket-us-east-1.json', bucket('acme-new-use1', 'us-east-1')],
  ['s3-delete-bucket-policy.json', bucket('acme-site')],
  ['s3-put-bucket-ownership-controls.json', bucket('acme-logs')],
  ['s3-delete-bucket-ownership-controls.json', bucket('acme-logs')],
  ['s3-put-bucket-website.json', bucket('acme-site')],
  ['s3-put-bucket-logging.json', bucket('acme-site')],
  ['s3-host-only.json (no bucketName: virtual-hosted dual-stack Host)', bucket('acme-host-only')],
  ['s3-guard-own-put-public-access-block.json (the guard\'s own remediation call is re-evaluated too)', bucket('acme-data')],
  ['s3-put-account-public-access-block.json', { targets: [{ type: 's3-account', account: '111122223333', region: 'eu-west-1' }], skipped: null }],
  ['s3-delete-account-public-access-block.json', { targets: [{ type: 's3-account', account: '111122223333', region: 'eu-west-1' }], skipped: null }],
])('%s', (file, expected) => {
  expect(targets(cloudTrailFixture(file.split(' ')[0] ?? file))).toEqual(expected);
});

describe('failed calls and odd input are skipped with a reason, never thrown', () => {
  test.each([
    ['s3-put-bucket-acl-access-denied.json', /PutBucketAcl failed \(AccessDenied\)/],
    ['s3-create-bucket-acl-not-supported.json', /CreateBucket failed \(AccessControlListNotSupported\)/],
  ])('%s', (file, reason) => {
    const r = targets(cloudTrailFixture(file));
    expect(r.targets).toEqual([]);
    expect(r.skipped).toMatch(reason);
  });

  const base = () => cloudTrailFixture('s3-put-bucket-policy.json');
  test.each([
    ['null', null, /not a JSON object/],
    ['an array', [], /not a JSON object/],
    ['a string', 'PutBucketPolicy', /not a JSON object/],
    ['no detail', { ...base(), detail: undefined }, /no detail/],
    ['detail is a string', { ...base(), detail: 'x' }, /no detail/],
    ['no eventName', { ...base(), detail: { ...base().detail, eventName: undefined } }, /eventName is missing/],
    ['an event the guard does not evaluate', { ...base(), detail: { ...base().detail, eventName: 'GetObject' } }, /not an event Exposure Guard evaluates/],
    ['an S3 name from another service', { ...base(), detail: { ...base().detail, eventSource: 'iam.amazonaws.com' } }, /not an S3 call/],
    ['no bucket anywhere', { ...base(), detail: { ...base().detail, requestParameters: { policy: '' }, resources: [] } }, /names no bucket/],
    ['requestParameters null', { ...base(), detail: { ...base().detail, requestParameters: null, resources: [] } }, /names no bucket/],
    ['path-style Host only', { ...base(), detail: { ...base().detail, requestParameters: { Host: 's3.eu-west-1.amazonaws.com' }, resources: [] } }, /names no bucket/],
    ['a bucket name with a slash', { ...base(), detail: { ...base().detail, requestParameters: { bucketName: 'a/b' } } }, /invalid bucket/],
    ['account event without any account', { detail: { eventName: 'DeleteAccountPublicAccessBlock', eventSource: 's3.amazonaws.com' } }, /names no account/],
  ])('%s', (_name, event, reason) => {
    const r = targets(event);
    expect(r.targets).toEqual([]);
    expect(r.skipped).toMatch(reason);
  });

  test('the bucket comes from resources[] when requestParameters lacks it', () => {
    const e = base();
    e.detail.requestParameters = { policy: '' };
    expect(targets(e).targets).toEqual([{ type: 's3-bucket', name: 'acme-site', account: '111122223333', region: 'eu-west-1' }]);
  });

  test('the account comes from the envelope when recipientAccountId is missing', () => {
    const e = cloudTrailFixture('s3-put-account-public-access-block.json');
    delete e.detail.recipientAccountId;
    expect(targets(e).targets).toEqual([{ type: 's3-account', account: '111122223333', region: 'eu-west-1' }]);
  });
});
