/**
 * The bucket evaluation: ACL rules, effective vs latent exposure, the configuration checks, and
 * unknown → INCOMPLETE. Snapshot shapes are those the README documents (absent = unknown, null = not configured).
 */
import { CHECK_IDS, CHECKS } from '../../../lambda/core/checks';
import { lockedDownBucket } from '../../helpers/s3-account';
import { evaluateAccount, evaluateBucket, mayGrantPublicly } from '../../../lambda/core/s3/evaluator';
import { DEFAULT_SETTINGS } from '../../../lambda/core/model/settings';
import type { BucketSnapshot, CheckId, FindingOf, PublicAccessBlockFlags } from '../../../lambda/core/model/types';

const OWNER = { DisplayName: 'owner', ID: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' };
const ALL_ON: PublicAccessBlockFlags = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
const ALL_OFF: PublicAccessBlockFlags = { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false };
const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTH_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
const LOG_DELIVERY = 'http://acs.amazonaws.com/groups/s3/LogDelivery';

const ownerGrant = { Grantee: { Type: 'CanonicalUser', ID: OWNER.ID, DisplayName: 'owner' }, Permission: 'FULL_CONTROL' };
const groupGrant = (uri: string, permission: string) => ({ Grantee: { Type: 'Group', URI: uri }, Permission: permission });
const publicRead = { Version: '2012-10-17', Statement: [{ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }] };
const publicWrite = { Version: '2012-10-17', Statement: [{ Sid: 'OpenUpload', Effect: 'Allow', Principal: { AWS: '*' }, Action: ['s3:PutObject', 's3:GetObject'], Resource: 'arn:aws:s3:::b/*' }] };

/** A fully locked-down bucket (test/helpers/s3-account.ts); each test changes what it is about. */
const bucket = (over: Partial<BucketSnapshot> = {}): BucketSnapshot => lockedDownBucket(over);
const find = <C extends CheckId>(s: BucketSnapshot, id: C): FindingOf<C> | undefined => evaluateBucket(s).findings.find((f): f is FindingOf<C> => f.checkId === id);
const ids = (s: BucketSnapshot) => evaluateBucket(s).findings.map((f) => f.checkId).sort();

test('a fully locked-down bucket is COMPLIANT with no findings and nothing unknown', () => {
  expect(evaluateBucket(bucket())).toEqual({
    resource: { type: 's3-bucket', id: 'b', account: '111122223333', region: 'eu-west-1' },
    status: 'COMPLIANT', findings: [], unknown: [], serverAccessLogs: { state: 'on' },
  });
});

describe('S3_ACL_PUBLIC: grants to AllUsers or AuthenticatedUsers (not LogDelivery)', () => {
  const open = { publicAccessBlock: ALL_OFF, accountPublicAccessBlock: ALL_OFF, objectOwnership: 'ObjectWriter' };
  test.each([
    ['AllUsers READ', ALL_USERS, 'READ', 'HIGH'],
    ['AllUsers READ_ACP', ALL_USERS, 'READ_ACP', 'HIGH'],
    ['AllUsers WRITE', ALL_USERS, 'WRITE', 'CRITICAL'],
    ['AllUsers WRITE_ACP', ALL_USERS, 'WRITE_ACP', 'CRITICAL'],
    ['AllUsers FULL_CONTROL', ALL_USERS, 'FULL_CONTROL', 'CRITICAL'],
    ['AuthenticatedUsers READ (any AWS account)', AUTH_USERS, 'READ', 'HIGH'],
    ['AuthenticatedUsers WRITE', AUTH_USERS, 'WRITE', 'CRITICAL'],
    ['https form of the AllUsers URI', ALL_USERS.replace('http:', 'https:'), 'READ', 'HIGH'],
  ])('%s → %s', (_name, uri, permission, severity) => {
    const f = find(bucket({ ...open, acl: { Owner: OWNER, Grants: [ownerGrant, groupGrant(uri, permission)] } }), 'S3_ACL_PUBLIC');
    expect(f).toMatchObject({ severity, latent: false, controls: severity === 'CRITICAL' ? ['S3.2', 'S3.3'] : ['S3.2'] });
    expect(f?.fix).toContain('put-public-access-block --bucket b');
  });

  test.each([
    ['LogDelivery WRITE (log-delivery-write canned ACL)', [groupGrant(LOG_DELIVERY, 'WRITE'), groupGrant(LOG_DELIVERY, 'READ_ACP')]],
    ['owner only', [ownerGrant]],
    ['a canonical user of another account', [{ Grantee: { Type: 'CanonicalUser', ID: 'f'.repeat(64) }, Permission: 'READ' }]],
    ['no Grants at all', []],
  ])('%s → no finding', (_name, grants) => {
    expect(find(bucket({ ...open, acl: { Owner: OWNER, Grants: grants } }), 'S3_ACL_PUBLIC')).toBeUndefined();
  });
});

describe('effective exposure: what neutralises an ACL or a policy today makes the finding latent (LOW)', () => {
  const aclOpen = { acl: { Owner: OWNER, Grants: [ownerGrant, groupGrant(ALL_USERS, 'WRITE')] } };
  test.each([
    ['IgnorePublicAcls at bucket level', { ...aclOpen, publicAccessBlock: { ...ALL_OFF, IgnorePublicAcls: true }, accountPublicAccessBlock: ALL_OFF, objectOwnership: 'ObjectWriter' }, true, /IgnorePublicAcls \(bucket level\)/],
    ['IgnorePublicAcls at account level', { ...aclOpen, publicAccessBlock: ALL_OFF, accountPublicAccessBlock: { ...ALL_OFF, IgnorePublicAcls: true }, objectOwnership: 'ObjectWriter' }, true, /IgnorePublicAcls \(account level\)/],
    ['BucketOwnerEnforced (ACLs disabled)', { ...aclOpen, publicAccessBlock: ALL_OFF, accountPublicAccessBlock: ALL_OFF, objectOwnership: 'BucketOwnerEnforced' }, true, /BucketOwnerEnforced/],
    ['BlockPublicAcls only (blocks future ACLs, not existing ones)', { ...aclOpen, publicAccessBlock: { ...ALL_OFF, BlockPublicAcls: true }, accountPublicAccessBlock: ALL_OFF, objectOwnership: 'ObjectWriter' }, false, undefined],
    ['BucketOwnerPreferred (ACLs still apply)', { ...aclOpen, publicAccessBlock: ALL_OFF, accountPublicAccessBlock: ALL_OFF, objectOwnership: 'BucketOwnerPreferred' }, false, undefined],
  ])('ACL: %s → latent %s', (_name, over, latent, reason) => {
    const f = find(bucket(over as Partial<BucketSnapshot>), 'S3_ACL_PUBLIC');
    expect(f).toMatchObject({ latent, severity: latent ? 'LOW' : 'CRITICAL' });
    expect(f?.evidence.severityIfNeutraliserRemoved).toBe('CRITICAL');
    if (reason) expect(String(f?.evidence.neutralisedBy)).toMatch(reason);
  });

  test.each([
    ['RestrictPublicBuckets at bucket level', { ...ALL_OFF, RestrictPublicBuckets: true }, ALL_OFF, true],
    ['RestrictPublicBuckets at account level', ALL_OFF, { ...ALL_OFF, RestrictPublicBuckets: true }, true],
    ['BlockPublicPolicy only (rejects future policies, not this one)', { ...ALL_OFF, BlockPublicPolicy: true }, ALL_OFF, false],
    ['no BPA configured at either level (null)', null, null, false],
  ])('policy: %s → latent %s', (_name, bpa, accountBpa, latent) => {
    const f = find(bucket({ policy: publicWrite, publicAccessBlock: bpa, accountPublicAccessBlock: accountBpa }), 'S3_POLICY_PUBLIC');
    expect(f).toMatchObject({ latent, severity: latent ? 'LOW' : 'CRITICAL' });
    if (latent) expect(f?.fix).toContain('put-bucket-policy');
  });

  test('RestrictPublicBuckets unreadable at the account: full severity, and the evidence says why', () => {
    const f = find(bucket({ policy: publicRead, publicAccessBlock: ALL_OFF, accountPublicAccessBlock: undefined }), 'S3_POLICY_PUBLIC');
    expect(f).toMatchObject({ severity: 'HIGH', latent: false });
    expect(f?.evidence.note).toMatch(/could not be read/);
  });

  test('a public read policy is HIGH and names the statement, grantee and actions', () => {
    const f = find(bucket({ policy: publicRead, publicAccessBlock: ALL_OFF, accountPublicAccessBlock: ALL_OFF }), 'S3_POLICY_PUBLIC');
    expect(f).toMatchObject({ severity: 'HIGH', controls: ['S3.2'], title: 'S3 bucket b is publicly readable (bucket policy)' });
    expect(f?.evidence.publicStatements).toEqual([expect.objectContaining({ sid: 'PublicRead', grantee: 'anyone (Principal "*")', actions: ['s3:GetObject'] })]);
  });

  test('a public write policy is CRITICAL with S3.2 and S3.3', () => {
    const f = find(bucket({ policy: publicWrite, publicAccessBlock: ALL_OFF, accountPublicAccessBlock: ALL_OFF }), 'S3_POLICY_PUBLIC');
    expect(f).toMatchObject({ severity: 'CRITICAL', controls: ['S3.2', 'S3.3'], title: 'S3 bucket b is publicly writable (bucket policy)' });
  });

  test('an undetermined statement says so in the finding', () => {
    const p = { Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', Condition: { StringEquals: { 'aws:PrincipalAccount': '111122223333' } } }] };
    const f = find(bucket({ policy: p, publicAccessBlock: ALL_OFF, accountPublicAccessBlock: ALL_OFF }), 'S3_POLICY_PUBLIC');
    expect(f?.evidence.determined).toBe(false);
    expect(JSON.stringify(f?.evidence)).toContain('safer reading');
  });

  test('a website bucket with public read is still reported, with a hint to exempt it if intended', () => {
    const f = find(bucket({ policy: publicRead, website: true, publicAccessBlock: ALL_OFF, accountPublicAccessBlock: ALL_OFF }), 'S3_POLICY_PUBLIC');
    expect(f?.evidence.website).toMatch(/exempt/);
  });
});

describe('Block Public Access checks', () => {
  test('bucket BPA partly off → S3_BUCKET_BPA_OFF MEDIUM naming the flags', () => {
    const f = find(bucket({ publicAccessBlock: { ...ALL_ON, RestrictPublicBuckets: false }, accountPublicAccessBlock: ALL_OFF }), 'S3_BUCKET_BPA_OFF');
    expect(f).toMatchObject({ severity: 'MEDIUM', latent: false, controls: ['S3.8'], evidence: expect.objectContaining({ flagsOff: ['RestrictPublicBuckets'] }) });
  });
  test('bucket BPA not configured (null) → all four flags off', () => {
    expect(find(bucket({ publicAccessBlock: null, accountPublicAccessBlock: ALL_OFF }), 'S3_BUCKET_BPA_OFF')?.evidence.flagsOff).toHaveLength(4);
  });
  test('bucket BPA off but every missing flag on at account level → latent LOW', () => {
    expect(find(bucket({ publicAccessBlock: null, accountPublicAccessBlock: ALL_ON }), 'S3_BUCKET_BPA_OFF')).toMatchObject({ severity: 'LOW', latent: true });
  });
  test('account BPA not configured → S3_ACCOUNT_BPA_OFF MEDIUM with the s3control fix', () => {
    const f = find(bucket({ accountPublicAccessBlock: null }), 'S3_ACCOUNT_BPA_OFF');
    expect(f).toMatchObject({ severity: 'MEDIUM', controls: ['S3.1'] });
    expect(f?.fix).toBe('aws s3control put-public-access-block --account-id 111122223333 --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true');
  });
  test('a flag missing from the object counts as off', () => {
    expect(find(bucket({ accountPublicAccessBlock: { BlockPublicAcls: true } }), 'S3_ACCOUNT_BPA_OFF')?.evidence.flagsOff).toHaveLength(3);
  });
});

describe('configuration checks', () => {
  test.each([
    ['no policy → S3_TLS_NOT_ENFORCED', { policy: null }, 'S3_TLS_NOT_ENFORCED', 'LOW'],
    ['ownership not configured → S3_ACLS_ENABLED', { objectOwnership: null }, 'S3_ACLS_ENABLED', 'LOW'],
    ['ObjectWriter → S3_ACLS_ENABLED', { objectOwnership: 'ObjectWriter' }, 'S3_ACLS_ENABLED', 'LOW'],
    ['BucketOwnerPreferred → S3_ACLS_ENABLED', { objectOwnership: 'BucketOwnerPreferred' }, 'S3_ACLS_ENABLED', 'LOW'],
    ['logging off → S3_LOGGING_OFF', { logging: false }, 'S3_LOGGING_OFF', 'LOW'],
  ])('%s', (_name, over, checkId, severity) => {
    expect(ids(bucket(over as Partial<BucketSnapshot>))).toEqual([checkId]);
    expect(find(bucket(over as Partial<BucketSnapshot>), checkId as CheckId)?.severity).toBe(severity);
  });

  test('TLS fix for a bucket without a policy is a complete put-bucket-policy command', () => {
    expect(find(bucket({ policy: null }), 'S3_TLS_NOT_ENFORCED')?.fix).toMatch(/^aws s3api put-bucket-policy --bucket b --policy '\{"Version"/);
  });
});

describe('unknown is never COMPLIANT', () => {
  test('a snapshot with only a name is INCOMPLETE and lists every unread field', () => {
    // Every field an S3 check reads (the catalog), in the order the checks read them.
    // A snapshot file that leaves out the access point fields (newer than the DESIGN contract) is told so, in notChecked.
    const later = ['accessPoints', 'multiRegionAccessPoints'];
    const read = [...new Set(CHECK_IDS.filter((id) => CHECKS[id].resource.startsWith('s3')).flatMap((id) => CHECKS[id].reads))].filter((f) => !later.includes(f));
    expect(read.slice(0, 6)).toEqual(['policy', 'acl', 'publicAccessBlock', 'accountPublicAccessBlock', 'objectOwnership', 'logging']);
    expect(evaluateBucket({ name: 'b' }, undefined, { fromFile: true })).toMatchObject({
      status: 'INCOMPLETE', findings: [{ checkId: 'EVALUATION_INCOMPLETE', severity: 'HIGH', title: `S3 bucket b could not be fully checked: ${read.join(', ')} not read` }],
      unknown: read,
      notChecked: { accessPoints: expect.stringContaining('not evaluated'), multiRegionAccessPoints: expect.stringContaining('not evaluated') },
    });
  });

  describe('what an unread field could hide decides the EVALUATION_INCOMPLETE severity', () => {
    const incomplete = (s: BucketSnapshot, settings = DEFAULT_SETTINGS) => evaluateBucket(s, settings).findings.find((f) => f.checkId === 'EVALUATION_INCOMPLETE');
    test.each<[string, Partial<BucketSnapshot>, keyof BucketSnapshot, string]>([
      ['policy, RestrictPublicBuckets off', { publicAccessBlock: ALL_OFF, accountPublicAccessBlock: ALL_OFF }, 'policy', 'HIGH'],
      ['policy, RestrictPublicBuckets on at account level (a public policy would be latent)', { publicAccessBlock: ALL_OFF }, 'policy', 'LOW'],
      ['acl, ACLs enabled, IgnorePublicAcls off', { publicAccessBlock: ALL_OFF, accountPublicAccessBlock: ALL_OFF, objectOwnership: 'ObjectWriter' }, 'acl', 'HIGH'],
      ['acl, BucketOwnerEnforced (ACLs disabled)', { publicAccessBlock: ALL_OFF, accountPublicAccessBlock: ALL_OFF }, 'acl', 'LOW'],
      ['bucket BPA (only S3.8 could be hidden)', {}, 'publicAccessBlock', 'MEDIUM'],
      ['account BPA on a bucket (the account resource carries it)', {}, 'accountPublicAccessBlock', 'LOW'],
      ['logging', {}, 'logging', 'LOW'],
    ])('%s', (_name, over, field, severity) => {
      const s = bucket(over);
      delete s[field];
      const f = incomplete(s);
      expect(f).toMatchObject({ severity, latent: false, controls: [] });
      expect(f?.evidence.unread).toEqual([expect.objectContaining({ field, couldHide: severity })]);
    });

    test('incompleteSeverity configures the unbounded case', () => {
      const s = bucket({ publicAccessBlock: ALL_OFF, accountPublicAccessBlock: ALL_OFF });
      delete s.policy;
      expect(incomplete(s, { ...DEFAULT_SETTINGS, incompleteSeverity: 'CRITICAL' })?.severity).toBe('CRITICAL');
    });

    test('the account resource: unread account BPA is MEDIUM (S3.1 could be hidden)', () => {
      expect(evaluateAccount({ account: '111122223333', unreadable: { accountPublicAccessBlock: 'AccessDenied: Access Denied' } })).toMatchObject({
        status: 'INCOMPLETE', findings: [{ checkId: 'EVALUATION_INCOMPLETE', severity: 'MEDIUM', evidence: { unread: [{ reason: 'AccessDenied: Access Denied' }] } }],
      });
    });
  });

  test.each(['policy', 'acl', 'publicAccessBlock', 'accountPublicAccessBlock', 'objectOwnership', 'logging'] as const)(
    'absent %s alone → INCOMPLETE with that field and its reason', (field) => {
      const s = bucket({ unreadable: { [field]: 'AccessDenied: Access Denied' } });
      delete s[field];
      const r = evaluateBucket(s);
      expect(r).toMatchObject({ status: 'INCOMPLETE', unknown: [field], unknownReasons: { [field]: 'AccessDenied: Access Denied' } });
    },
  );

  test('unknown policy with a public ACL: NON_COMPLIANT, and the policy still listed as unknown', () => {
    const s = bucket({ acl: { Owner: OWNER, Grants: [groupGrant(ALL_USERS, 'READ')] }, publicAccessBlock: ALL_OFF, accountPublicAccessBlock: ALL_OFF, objectOwnership: 'ObjectWriter' });
    delete s.policy;
    const r = evaluateBucket(s);
    expect(r.status).toBe('NON_COMPLIANT');
    expect(r.unknown).toEqual(['policy']);
    expect(r.findings.map((f) => f.checkId)).toContain('S3_ACL_PUBLIC');
  });

  test('a policy that is not valid JSON is unknown with the reason, not a verdict', () => {
    const r = evaluateBucket(bucket({ policy: '{"Statement":' }));
    expect(r).toMatchObject({ status: 'INCOMPLETE', unknown: ['policy'] });
    expect(r.unknownReasons?.policy).toMatch(/not valid JSON/);
  });
});

test('findings are ordered by severity, most severe first', () => {
  const r = evaluateBucket(bucket({ policy: publicWrite, publicAccessBlock: ALL_OFF, accountPublicAccessBlock: ALL_OFF, logging: false }));
  expect(r.findings.map((f) => f.severity)).toEqual(['CRITICAL', 'MEDIUM', 'MEDIUM', 'LOW', 'LOW']);
});

describe('the account target', () => {
  test('account BPA all on → COMPLIANT', () => {
    expect(evaluateAccount({ account: '111122223333', accountPublicAccessBlock: ALL_ON })).toMatchObject({
      resource: { type: 's3-account', id: '111122223333' }, status: 'COMPLIANT',
    });
  });
  test('account BPA deleted → NON_COMPLIANT with S3_ACCOUNT_BPA_OFF', () => {
    expect(evaluateAccount({ account: '111122223333', accountPublicAccessBlock: null }).findings.map((f) => f.checkId)).toEqual(['S3_ACCOUNT_BPA_OFF']);
  });
  test('account BPA unreadable → INCOMPLETE with the reason', () => {
    expect(evaluateAccount({ account: '111122223333', unreadable: { accountPublicAccessBlock: 'AccessDenied' } })).toMatchObject({
      status: 'INCOMPLETE', unknown: ['accountPublicAccessBlock'], unknownReasons: { accountPublicAccessBlock: 'AccessDenied' },
    });
  });
});

describe('whether a bucket may grant publicly (the sweep then reads website hosting and tags)', () => {
  test.each([
    ['locked down', {}, false],
    ['no policy, private ACL', { policy: null }, false],
    ['public policy', { policy: publicRead }, true],
    ['public policy neutralised by BPA', { policy: publicRead, publicAccessBlock: ALL_ON }, true],
    ['public ACL', { acl: { Owner: OWNER, Grants: [groupGrant(ALL_USERS, 'READ')] } }, true],
    ['policy unread', { policy: undefined }, true],
    ['ACL unread', { acl: undefined }, true],
    ['policy unparseable', { policy: '{not json' }, true],
  ])('%s → %s', (_name, over, expected) => {
    expect(mayGrantPublicly(bucket(over as Partial<BucketSnapshot>))).toBe(expected);
  });
});
