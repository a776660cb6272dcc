/**
 * The readers make exactly the calls their reads tables name: a call added to a reader without a
 * row (and so without an IAM permission in lib/) fails here, naming it.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { mockClient } from 'aws-sdk-client-mock';
import { readBucket } from '../../lambda/adapters/bucket-reader';
import { readSecurityGroup } from '../../lambda/adapters/security-group-reader';
import { bucketSnapshotProblem } from '../../lambda/core/s3/snapshot-validation';
import { BUCKET_READS } from '../../lambda/core/s3/reads';
import { GROUP_READS } from '../../lambda/core/sg/reads';
import { mockGroupAccount, resetGroupAccount } from '../helpers/ec2-account';
import { S3_ERRORS, s3ControlError } from '../helpers/aws-errors';
import { mockBucketAccount } from '../helpers/s3-account';

const s3 = mockClient(S3Client);
const s3control = mockClient(S3ControlClient);
const ec2 = mockClient(EC2Client);
const sent = (...stubs: { calls: () => { args: unknown[] }[] }[]) =>
  [...new Set(stubs.flatMap((m) => m.calls().map((c) => (c.args[0] as object).constructor.name.replace(/Command$/, ''))))].sort();

beforeEach(() => {
  for (const m of [s3, s3control, ec2]) m.reset();
  resetGroupAccount(ec2);
});

test('the bucket reader calls exactly the commands of BUCKET_READS, and fills every field', async () => {
  mockBucketAccount({ s3, s3control });
  const read = await readBucket({ s3: new S3Client({}), s3control: new S3ControlClient({}), s3controlMultiRegion: new S3ControlClient({ region: 'us-west-2' }) }, 'acme-site', { account: '111122223333', region: 'eu-west-1' });
  expect(sent(s3, s3control)).toEqual([...new Set(Object.values(BUCKET_READS).map((r) => r.command))].sort());
  expect(read.kind === 'snapshot' && Object.keys(read.snapshot)).toEqual(['name', 'account', 'region', ...Object.keys(BUCKET_READS)]);
});

test('S3\'s real "not configured" answers are read as "not configured", not as unknown', async () => {
  // The error names written out here, from S3's documentation, not taken from the table under test.
  mockBucketAccount({ s3, s3control }, {
    policy: S3_ERRORS.noSuchBucketPolicy(), publicAccessBlock: S3_ERRORS.noSuchPublicAccessBlock(), objectOwnership: S3_ERRORS.ownershipNotFound(),
    website: S3_ERRORS.noSuchWebsite(), tags: S3_ERRORS.noSuchTagSet(),
    accountPublicAccessBlock: s3ControlError('NoSuchPublicAccessBlockConfiguration', 404, 'The public access block configuration was not found'),
  });
  const read = await readBucket({ s3: new S3Client({}), s3control: new S3ControlClient({}), s3controlMultiRegion: new S3ControlClient({ region: 'us-west-2' }) }, 'acme-site', { account: '111122223333', region: 'eu-west-1' });
  if (read.kind !== 'snapshot') throw new Error('expected a snapshot');
  expect(read.snapshot).toMatchObject({ policy: null, publicAccessBlock: null, objectOwnership: null, website: false, tags: {}, accountPublicAccessBlock: null });
  expect(read.snapshot.unreadable).toBeUndefined();
});

test('an untagged bucket\'s tags are its own object (the table\'s value is not shared)', async () => {
  mockBucketAccount({ s3, s3control }, { tags: S3_ERRORS.noSuchTagSet() });
  const reads = await Promise.all(['a', 'b'].map((name) => readBucket({ s3: new S3Client({}), s3control: new S3ControlClient({}), s3controlMultiRegion: new S3ControlClient({ region: 'us-west-2' }) }, name, { account: '111122223333', region: 'eu-west-1' })));
  const [a, b] = reads.map((r) => (r.kind === 'snapshot' ? r.snapshot.tags : undefined));
  expect(a).toEqual({});
  expect(a).not.toBe(b);
});

test('the CLI\'s snapshot validation knows every field the reader fills', async () => {
  mockBucketAccount({ s3, s3control });
  const read = await readBucket({ s3: new S3Client({}), s3control: new S3ControlClient({}), s3controlMultiRegion: new S3ControlClient({ region: 'us-west-2' }) }, 'acme-site', { account: '111122223333', region: 'eu-west-1' });
  if (read.kind !== 'snapshot') throw new Error('expected a snapshot');
  expect(bucketSnapshotProblem(JSON.parse(JSON.stringify(read.snapshot)))).toBeUndefined();
  for (const field of Object.keys(BUCKET_READS)) {
    expect(bucketSnapshotProblem({ name: 'b', [field]: 12345 })).toMatch(new RegExp(`^${field}: `));
  }
});

test('the security-group reader calls exactly the commands of GROUP_READS (a rule naming a prefix list reads its entries)', async () => {
  mockGroupAccount(ec2, { groupId: 'sg-0a1b2c3d4e5f60718', rules: [{ id: 'sgr-0a', protocol: 'tcp', from: 22, to: 22, prefixList: 'pl-0b8c9d0e1f2a3b4c5' }] });
  const read = await readSecurityGroup(new EC2Client({}), 'sg-0a1b2c3d4e5f60718', { account: '111122223333', region: 'eu-west-1' });
  expect(sent(ec2)).toEqual(Object.values(GROUP_READS).map((r) => r.command).sort());
  if (read.kind !== 'snapshot') throw new Error('expected a snapshot');
  const filled = new Set(Object.keys(read.snapshot));
  expect(Object.values(GROUP_READS).flatMap((r) => r.fields).filter((f) => !filled.has(f))).toEqual([]);
});

test('context reads (website, tags) wait for a reason when the caller says so, and are made when it has one', async () => {
  mockBucketAccount({ s3, s3control });
  const clients = { s3: new S3Client({}), s3control: new S3ControlClient({}), s3controlMultiRegion: new S3ControlClient({ region: 'us-west-2' }) };
  const quiet = await readBucket(clients, 'acme-site', { account: '111122223333', region: 'eu-west-1' }, { context: () => false });
  // AWS's own status of the policy comes after, for a bucket that has one.
  expect(sent(s3)).toEqual(['GetBucketAcl', 'GetBucketLogging', 'GetBucketOwnershipControls', 'GetBucketPolicy', 'GetBucketPolicyStatus', 'GetPublicAccessBlock']);
  expect(quiet.kind === 'snapshot' && ['website', 'tags'].filter((f) => f in quiet.snapshot)).toEqual([]);
  s3.resetHistory();
  const needed = await readBucket(clients, 'acme-site', { account: '111122223333', region: 'eu-west-1' }, { context: () => true });
  expect(sent(s3)).toEqual(['GetBucketAcl', 'GetBucketLogging', 'GetBucketOwnershipControls', 'GetBucketPolicy', 'GetBucketPolicyStatus', 'GetBucketTagging', 'GetBucketWebsite', 'GetPublicAccessBlock']);
  expect(needed.kind === 'snapshot' && Object.keys(needed.snapshot).sort()).toEqual(['name', 'account', 'region', ...Object.keys(BUCKET_READS)].sort());
});
