/**
 * S3_ACCESS_POINT_PUBLIC and AWS's policy status as a second opinion, on snapshots: every rule of
 * the reference's "Access points" section and of S3BPA's "most restrictive combination" is a row.
 */
import { evaluateBucket } from '../../../lambda/core/s3/evaluator';
import type { AccessPointSnapshot, BucketSnapshot, FindingOf, PublicAccessBlockFlags } from '../../../lambda/core/model/types';
import { ALL_OFF, ALL_ON, lockedDownBucket, tlsDeny } from '../../helpers/s3-account';

const ACCOUNT = '111122223333';
const AP_ARN = `arn:aws:s3:eu-west-1:${ACCOUNT}:accesspoint/acme-site-ap`;
const MRAP_ARN = `arn:aws:s3::${ACCOUNT}:accesspoint/mfzwi23gnjvgw.mrap`;
const RESTRICT_ONLY: PublicAccessBlockFlags = { ...ALL_OFF, RestrictPublicBuckets: true };

const apPolicy = (actions: string | string[] = 's3:GetObject', condition?: Record<string, unknown>) => ({
  Version: '2012-10-17',
  Statement: [{ Sid: 'Everyone', Effect: 'Allow', Principal: '*', Action: actions, Resource: `${AP_ARN}/object/*`, ...(condition ? { Condition: condition } : {}) }],
});
/** The bucket hands access control to this account's access points (AWS's own example of delegation). */
const delegating = (condition: Record<string, unknown> = { StringEquals: { 's3:DataAccessPointAccount': ACCOUNT } }) => ({
  Version: '2012-10-17',
  Statement: [
    tlsDeny('acme-site'),
    { Sid: 'DelegateToAccessPoints', Effect: 'Allow', Principal: { AWS: '*' }, Action: '*', Resource: ['arn:aws:s3:::acme-site', 'arn:aws:s3:::acme-site/*'], Condition: condition },
  ],
});

function accessPoint(over: Partial<AccessPointSnapshot> = {}): AccessPointSnapshot {
  return { name: 'acme-site-ap', arn: AP_ARN, networkOrigin: 'Internet', publicAccessBlock: ALL_OFF, policy: apPolicy(), policyStatus: true, ...over };
}

/** A bucket that delegates to its access points, BPA off at bucket and account level, and one access point. */
function bucket(ap: Partial<AccessPointSnapshot> = {}, over: Partial<BucketSnapshot> = {}): BucketSnapshot {
  return lockedDownBucket({
    name: 'acme-site', policy: delegating(), policyStatus: false, publicAccessBlock: ALL_OFF, accountPublicAccessBlock: ALL_OFF,
    accessPoints: [accessPoint(ap)], ...over,
  });
}

const apFinding = (s: BucketSnapshot) => evaluateBucket(s).findings.find((f): f is FindingOf<'S3_ACCESS_POINT_PUBLIC'> => f.checkId === 'S3_ACCESS_POINT_PUBLIC');

describe('an access point is public when its policy is public, its origin is Internet, and no level restricts it', () => {
  test('Internet origin, public policy, delegated, nothing restricting: HIGH for read, naming the access point and the path', () => {
    const f = apFinding(bucket());
    expect(f).toMatchObject({ severity: 'HIGH', latent: false, controls: ['S3.19'], title: 'S3 bucket acme-site is publicly readable through access point acme-site-ap' });
    expect(f!.evidence.accessPoints[0]).toMatchObject({
      accessPoint: AP_ARN, networkOrigin: 'Internet', effectiveSeverity: 'HIGH',
      bucketLetsIn: 'the bucket policy delegates access control to it (Sid "DelegateToAccessPoints")',
      publicStatements: [{ sid: 'Everyone', grantee: 'anyone (Principal "*")', actions: ['s3:GetObject'] }],
    });
  });

  test('a grant of write through the access point is CRITICAL', () => {
    expect(apFinding(bucket({ policy: apPolicy(['s3:GetObject', 's3:PutObject']) }))).toMatchObject({ severity: 'CRITICAL', title: expect.stringContaining('publicly writable') });
  });

  test.each([
    ['Internet', true],
    ['VPC', false],
  ])('network origin %s: reported %s (a VPC access point is always non-public [S3BPA])', (networkOrigin, reported) => {
    const f = apFinding(bucket({ networkOrigin, ...(networkOrigin === 'VPC' ? { vpcId: 'vpc-0a1b2c3d4e5f60718' } : {}) }));
    expect(f !== undefined).toBe(reported);
  });

  // RestrictPublicBuckets at any level neutralises a public policy; every combination of the three.
  const levels = [false, true];
  const combos = levels.flatMap((ap) => levels.flatMap((b) => levels.map((acct) => [ap, b, acct] as const)));
  test.each(combos)('RestrictPublicBuckets at access point %s, bucket %s, account %s', (ap, b, acct) => {
    const f = apFinding(bucket({ publicAccessBlock: ap ? RESTRICT_ONLY : ALL_OFF }, { publicAccessBlock: b ? RESTRICT_ONLY : ALL_OFF, accountPublicAccessBlock: acct ? RESTRICT_ONLY : ALL_OFF }));
    const by = ap ? 'access point' : b ? 'bucket' : acct ? 'account' : undefined;
    if (by) {
      expect(f).toMatchObject({ severity: 'LOW', latent: true });
      expect(f!.evidence.accessPoints[0]!.neutralisedBy).toBe(`RestrictPublicBuckets (${by} level)`);
    } else {
      expect(f).toMatchObject({ severity: 'HIGH', latent: false });
    }
  });

  test.each([
    ['BlockPublicPolicy', { ...ALL_OFF, BlockPublicPolicy: true }],
    ['BlockPublicAcls + IgnorePublicAcls (pass-through to the bucket for access points)', { ...ALL_OFF, BlockPublicAcls: true, IgnorePublicAcls: true }],
  ])('%s alone on the access point does not neutralise an existing public policy', (_name, flags) => {
    expect(apFinding(bucket({ publicAccessBlock: flags }))).toMatchObject({ severity: 'HIGH', latent: false });
  });

  test('its Block Public Access unread: full severity, and the gap is INCOMPLETE for this check', () => {
    const s = bucket({ publicAccessBlock: undefined, unreadable: { publicAccessBlock: 'AccessDenied: not authorized to perform s3:GetAccessPoint' } });
    const r = evaluateBucket(s);
    expect(apFinding(s)).toMatchObject({ severity: 'HIGH' });
    expect(apFinding(s)!.evidence.accessPoints[0]!.note).toMatch(/could not be read/);
    expect(r.unknown).toEqual(['accessPoints']);
    expect(r.unknownReasons?.accessPoints).toContain('s3:GetAccessPoint');
  });

  test('no policy, or a policy for named principals only: nothing to report', () => {
    expect(apFinding(bucket({ policy: null, policyStatus: null }))).toBeUndefined();
    const named = { Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/Analyst` }, Action: 's3:GetObject', Resource: `${AP_ARN}/object/*` }] };
    expect(apFinding(bucket({ policy: named, policyStatus: false }))).toBeUndefined();
  });
});

describe('the reference\'s access point rules', () => {
  const arnCondition = { StringEquals: { 's3:DataAccessPointArn': AP_ARN } };
  test('an access point policy that uses s3:DataAccessPointArn is public; the same statement in a bucket policy is not', () => {
    const inAccessPoint = apFinding(bucket({ policy: apPolicy('s3:GetObject', arnCondition) }));
    expect(inAccessPoint).toMatchObject({ severity: 'HIGH' });
    expect(inAccessPoint!.evidence.accessPoints[0]!.publicStatements[0]!.conditionsThatDoNotRestrict).toEqual([
      'StringEquals s3:DataAccessPointArn: in an access point\'s own policy this key restricts nothing (AWS: such a policy is public)',
    ]);
    const inBucket = evaluateBucket(bucket({}, { policy: delegating(arnCondition), accessPoints: [] }));
    expect(inBucket.findings.map((f) => f.checkId)).not.toContain('S3_POLICY_PUBLIC');
  });

  test('in a bucket policy the access point name may be a wildcard if the account is fixed (not public), also for a Multi-Region ARN', () => {
    for (const arn of [`arn:aws:s3:eu-west-1:${ACCOUNT}:accesspoint/*`, `arn:aws:s3::${ACCOUNT}:accesspoint/*`]) {
      const r = evaluateBucket(bucket({}, { policy: delegating({ ArnLike: { 's3:DataAccessPointArn': arn } }), accessPoints: [] }));
      expect({ arn, public: r.findings.some((f) => f.checkId === 'S3_POLICY_PUBLIC') }).toEqual({ arn, public: false });
    }
    const r = evaluateBucket(bucket({}, { policy: delegating({ ArnLike: { 's3:DataAccessPointArn': 'arn:aws:s3:eu-west-1:*:accesspoint/*' } }), accessPoints: [] }));
    expect(r.findings.map((f) => f.checkId)).toContain('S3_POLICY_PUBLIC');
  });

  test('s3:DataAccessPointAccount in an access point\'s own policy is undetermined: reported public, and AWS\'s status decides', () => {
    const condition = { StringEquals: { 's3:DataAccessPointAccount': ACCOUNT } };
    const offline = apFinding(bucket({ policy: apPolicy('s3:GetObject', condition), policyStatus: undefined }));
    expect(offline).toMatchObject({ severity: 'HIGH' });
    expect(offline!.evidence.accessPoints[0]).toMatchObject({ determined: false, oracle: 'absent' });
    const awsSaysNot = apFinding(bucket({ policy: apPolicy('s3:GetObject', condition), policyStatus: false }));
    expect(awsSaysNot).toMatchObject({ severity: 'LOW', latent: false });
    expect(awsSaysNot!.evidence.accessPoints[0]).toMatchObject({ oracle: 'decides', awsSays: 'not public', oracleNote: expect.stringContaining('reported LOW') });
  });
});

describe('delegation: the bucket is as exposed as the access points it delegates to', () => {
  test.each<[string, Record<string, unknown> | null, boolean, string]>([
    ['delegates by account', { StringEquals: { 's3:DataAccessPointAccount': ACCOUNT } }, true, 'delegates access control to it'],
    ['delegates by this access point\'s ARN', { StringEquals: { 's3:DataAccessPointArn': AP_ARN } }, true, 'delegates access control to it'],
    ['delegates by a wildcard ARN of this account', { ArnLike: { 's3:DataAccessPointArn': `arn:aws:s3:eu-west-1:${ACCOUNT}:accesspoint/acme-*` } }, true, 'delegates access control to it'],
    ['delegates to another access point only', { StringEquals: { 's3:DataAccessPointArn': `arn:aws:s3:eu-west-1:${ACCOUNT}:accesspoint/other` } }, false, 'neither delegates'],
    ['delegation pinned by aws:SourceVpce too (the internet cannot pass it)', { StringEquals: { 's3:DataAccessPointAccount': ACCOUNT, 'aws:SourceVpce': 'vpce-1a2b3c4d' } }, false, 'neither delegates'],
    ['no delegating statement', null, false, 'neither delegates'],
  ])('%s', (_name, condition, live, how) => {
    const policy = condition ? delegating(condition) : { Version: '2012-10-17', Statement: [tlsDeny('acme-site')] };
    const f = apFinding(bucket({}, { policy }));
    expect(f).toMatchObject({ latent: !live, severity: live ? 'HIGH' : 'LOW' });
    expect(f!.evidence.accessPoints[0]!.bucketLetsIn).toContain(how);
  });

  test('a delegating bucket with a private access point: compliant (the delegation is not public by itself)', () => {
    const r = evaluateBucket(bucket({ policy: null, policyStatus: null }));
    expect(r.findings.filter((f) => f.checkId !== 'S3_BUCKET_BPA_OFF' && f.checkId !== 'S3_ACCOUNT_BPA_OFF')).toEqual([]);
    expect(r.unknown).toEqual([]);
  });

  test('a bucket policy public itself lets every access point in', () => {
    const open = { Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-site/*' }] };
    expect(apFinding(bucket({}, { policy: open, policyStatus: true }))!.evidence.accessPoints[0]!.bucketLetsIn).toMatch(/public itself/);
  });

  test('a bucket policy that could not be read is taken as letting access points in (the safer reading)', () => {
    const f = apFinding(bucket({}, { policy: undefined, unreadable: { policy: 'AccessDenied: no s3:GetBucketPolicy' } }));
    expect(f).toMatchObject({ severity: 'HIGH', latent: false });
  });

  test('a delegation to another account\'s access points cannot be listed from here: INCOMPLETE for that check, unless RestrictPublicBuckets blocks cross-account', () => {
    const foreign = delegating({ StringEquals: { 's3:DataAccessPointAccount': '444455556666' } });
    const r = evaluateBucket(bucket({ policy: null, policyStatus: null }, { policy: foreign }));
    expect(r.unknown).toEqual(['accessPoints']);
    expect(r.unknownReasons?.accessPoints).toBe('the bucket policy delegates to access points of account 444455556666 (Sid "DelegateToAccessPoints"), which this account cannot list');
    expect(r.findings.find((f) => f.checkId === 'EVALUATION_INCOMPLETE')?.severity).toBe('HIGH');
    const blocked = evaluateBucket(bucket({ policy: null, policyStatus: null }, { policy: foreign, publicAccessBlock: RESTRICT_ONLY }));
    expect(blocked.unknown).toEqual([]);
  });
});

describe('Multi-Region Access Points', () => {
  const mrap = (over: Partial<AccessPointSnapshot> = {}): AccessPointSnapshot => ({
    name: 'acme-global', arn: MRAP_ARN, publicAccessBlock: ALL_OFF, status: 'READY',
    policy: { Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${MRAP_ARN}/object/*` }] }, policyStatus: true, ...over,
  });

  test('a public Multi-Region Access Point the bucket delegates to: reported with S3.24', () => {
    const s = bucket({}, { accessPoints: [], multiRegionAccessPoints: [mrap()], policy: delegating({ StringEquals: { 's3:DataAccessPointArn': MRAP_ARN } }) });
    expect(apFinding(s)).toMatchObject({ severity: 'HIGH', controls: ['S3.24'], title: 'S3 bucket acme-site is publicly readable through multi-region access point acme-global' });
  });

  test('a proposed policy still being applied counts: it is what the access point will let in', () => {
    const s = bucket({}, { accessPoints: [], multiRegionAccessPoints: [mrap({ policy: null, policyStatus: null, proposedPolicy: mrap().policy })] });
    const f = apFinding(s);
    expect(f).toMatchObject({ severity: 'HIGH' });
    expect(f!.evidence.accessPoints[0]!.publicStatements[0]!.pending).toBe('proposed policy, still being applied');
  });

  test('its Block Public Access (from the listing) neutralises like an access point\'s', () => {
    const s = bucket({}, { accessPoints: [], multiRegionAccessPoints: [mrap({ publicAccessBlock: ALL_ON })] });
    expect(apFinding(s)).toMatchObject({ severity: 'LOW', latent: true });
  });
});

describe('AWS\'s own verdict: a second opinion and the tie-breaker', () => {
  const open = { Version: '2012-10-17', Statement: [{ Sid: 'Open', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-site/*' }] };
  const policyFinding = (s: BucketSnapshot) => evaluateBucket(s).findings.find((f): f is FindingOf<'S3_POLICY_PUBLIC'> => f.checkId === 'S3_POLICY_PUBLIC');
  const plain = (over: Partial<BucketSnapshot>) => lockedDownBucket({ name: 'acme-site', publicAccessBlock: ALL_OFF, accountPublicAccessBlock: ALL_OFF, ...over });

  test('both say public: agrees', () => {
    expect(policyFinding(plain({ policy: open, policyStatus: true }))).toMatchObject({ severity: 'HIGH', evidence: { oracle: 'agrees', awsSays: 'public' } });
  });

  test('ours public on a determined reading, AWS says not: the finding stays, says so and why ours is the documented reading', () => {
    const f = policyFinding(plain({ policy: open, policyStatus: false }));
    expect(f).toMatchObject({ severity: 'HIGH', evidence: { oracle: 'disagrees', awsSays: 'not public' } });
    expect(f!.evidence.oracleNote).toMatch(/follows AWS's documented rule .*Sid "Open" grants anyone/);
  });

  test('AWS says public, ours not: the exposure is reported anyway, flagged, naming the statements AWS most likely counts', () => {
    const vpce = { Version: '2012-10-17', Statement: [{ Sid: 'ViaEndpoint', Effect: 'Allow', Principal: '*', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::acme-site/*', Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } } }] };
    const f = policyFinding(plain({ policy: vpce, policyStatus: true }));
    expect(f).toMatchObject({
      severity: 'CRITICAL', title: 'S3 bucket acme-site is publicly writable (bucket policy, by AWS\'s own policy status)',
      evidence: { oracle: 'disagrees', awsSays: 'public', publicStatements: [], statementsAwsMayCount: ['Sid "ViaEndpoint"'] },
    });
  });

  test.each<[string, boolean | undefined, string, string]>([
    ['AWS says public', true, 'HIGH', 'decides'],
    ['AWS says not public', false, 'LOW', 'decides'],
    ['offline (no status)', undefined, 'HIGH', 'absent'],
  ])('an undetermined reading (aws:PrincipalAccount): %s → %s', (_name, status, severity, oracle) => {
    const undetermined = { Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-site/*', Condition: { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } } }] };
    const f = policyFinding(plain({ policy: undetermined, ...(status === undefined ? { policyStatus: undefined } : { policyStatus: status }) }));
    expect(f).toMatchObject({ severity, latent: false, evidence: { oracle, determined: false } });
    if (status === false) expect(f!.title).toBe('S3 bucket acme-site has a bucket policy AWS\'s documentation leaves open; AWS\'s own status says not public');
  });

  test('an access point where AWS says public and ours not: reported, flagged', () => {
    const pinned = { Statement: [{ Sid: 'Vpce', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${AP_ARN}/object/*`, Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } } }] };
    const f = apFinding(bucket({ policy: pinned, policyStatus: true }));
    expect(f).toMatchObject({ severity: 'HIGH' });
    expect(f!.evidence.accessPoints[0]).toMatchObject({ oracle: 'disagrees', awsSays: 'public', statementsAwsMayCount: ['Sid "Vpce"'] });
  });
});

describe('what could not be read or was not given', () => {
  test('AccessDenied on an access point\'s policy: INCOMPLETE for that check only; every other check ran', () => {
    const s = bucket({ policy: undefined, unreadable: { policy: 'AccessDenied: not authorized to perform s3:GetAccessPointPolicy' } });
    const r = evaluateBucket(s);
    expect(r.unknown).toEqual(['accessPoints']);
    expect(r.unknownReasons?.accessPoints).toBe('access point "acme-site-ap": policy: AccessDenied: not authorized to perform s3:GetAccessPointPolicy');
    expect(r.findings.map((f) => f.checkId).sort()).toEqual(['EVALUATION_INCOMPLETE', 'S3_ACCOUNT_BPA_OFF', 'S3_BUCKET_BPA_OFF']);
  });

  test('the listing denied: INCOMPLETE naming the read command; under RestrictPublicBuckets it could only hide LOW', () => {
    const denied = { accessPoints: undefined, unreadable: { accessPoints: 'AccessDenied: not authorized to perform s3:ListAccessPoints' } };
    const r = evaluateBucket(bucket({}, denied));
    const incomplete = r.findings.find((f): f is FindingOf<'EVALUATION_INCOMPLETE'> => f.checkId === 'EVALUATION_INCOMPLETE');
    expect(incomplete).toMatchObject({ severity: 'HIGH', fix: expect.stringContaining(`aws s3control list-access-points --account-id ${ACCOUNT} --bucket acme-site --region eu-west-1`) });
    expect(evaluateBucket(bucket({}, { ...denied, publicAccessBlock: RESTRICT_ONLY })).findings.find((f) => f.checkId === 'EVALUATION_INCOMPLETE')?.severity).toBe('LOW');
  });

  test('a snapshot file without the access point fields says they were not evaluated (the DESIGN contract predates them)', () => {
    const s = lockedDownBucket({ name: 'acme-site' });
    delete s.accessPoints;
    delete s.multiRegionAccessPoints;
    const r = evaluateBucket(s, undefined, { fromFile: true });
    expect(r.status).toBe('COMPLIANT');
    expect(Object.keys(r.notChecked ?? {})).toEqual(['accessPoints', 'multiRegionAccessPoints']);
    // anywhere else (the guard's own reader) a field absent without a reason is unknown, never "not checked"
    expect(evaluateBucket(s)).toMatchObject({ status: 'INCOMPLETE', unknown: ['accessPoints', 'multiRegionAccessPoints'] });
  });
});

describe('the fix', () => {
  test('names the policy-level command (an access point\'s BPA cannot change after creation), and the bucket-level shut-off; never a deletion of the access point', () => {
    const f = apFinding(bucket())!;
    expect(f.fix).toContain(`aws s3control delete-access-point-policy --account-id ${ACCOUNT} --name acme-site-ap --region eu-west-1`);
    expect(f.fix).toContain('remove Sid "Everyone" from its policy');
    expect(f.fix).toContain('aws s3api put-public-access-block --bucket acme-site');
    expect(f.fix).not.toMatch(/delete-access-point /);
  });

  test('a Multi-Region Access Point\'s policy can only be replaced, in us-west-2', () => {
    const mrap: AccessPointSnapshot = { name: 'acme-global', arn: MRAP_ARN, publicAccessBlock: ALL_OFF, policy: apPolicy(), policyStatus: true };
    const f = apFinding(bucket({}, { accessPoints: [], multiRegionAccessPoints: [mrap] }))!;
    expect(f.fix).toContain('aws s3control put-multi-region-access-point-policy --account-id 111122223333 --region us-west-2 --details file://details.json');
  });
});

describe('review fixes', () => {
  test('a bucket with no policy at all lets no anonymous request through an access point: latent LOW', () => {
    const f = apFinding(bucket({}, { policy: null, policyStatus: null }));
    expect(f).toMatchObject({ severity: 'LOW', latent: true });
    expect(f!.evidence.accessPoints[0]!.bucketLetsIn).toBe('the bucket has no policy, so S3 refuses such requests at the bucket');
  });

  test('a delegation of reads only: the access point\'s write grant is refused at the bucket (HIGH, not CRITICAL)', () => {
    const readsOnly = { Version: '2012-10-17', Statement: [{ Sid: 'DelegateReads', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-site/*', Condition: { StringEquals: { 's3:DataAccessPointAccount': ACCOUNT } } }] };
    const f = apFinding(bucket({ policy: apPolicy(['s3:GetObject', 's3:PutObject']) }, { policy: readsOnly }));
    expect(f).toMatchObject({ severity: 'HIGH', latent: false });
    expect(f!.evidence.accessPoints[0]!.severityIfNeutraliserRemoved).toBe('HIGH');
  });

  test.each<[string, Record<string, unknown>, boolean]>([
    ['StringEquals takes "*" literally: no match', { StringEquals: { 's3:DataAccessPointArn': `arn:aws:s3:eu-west-1:${ACCOUNT}:accesspoint/*` } }, false],
    ['StringEqualsIgnoreCase matches whatever the case', { StringEqualsIgnoreCase: { 's3:DataAccessPointArn': AP_ARN.toUpperCase().replace('ARN:AWS:S3', 'arn:aws:s3') } }, true],
    ['ArnLike matches the wildcard', { ArnLike: { 's3:DataAccessPointArn': `arn:aws:s3:eu-west-1:${ACCOUNT}:accesspoint/*` } }, true],
  ])('delegation by ARN: %s', (_name, condition, live) => {
    expect(apFinding(bucket({}, { policy: delegating(condition) }))!.latent).toBe(!live);
  });

  test('a wildcard region in s3:DataAccessPointArn with the account fixed is undetermined: AWS\'s status decides', () => {
    const regionless = delegating({ ArnLike: { 's3:DataAccessPointArn': `arn:aws:s3:*:${ACCOUNT}:accesspoint/*` } });
    const policyFinding = (status: boolean) => evaluateBucket(bucket({ policy: null, policyStatus: null }, { policy: regionless, policyStatus: status }))
      .findings.find((f): f is FindingOf<'S3_POLICY_PUBLIC'> => f.checkId === 'S3_POLICY_PUBLIC');
    expect(policyFinding(false)).toMatchObject({ severity: 'LOW', evidence: { oracle: 'decides', determined: false } });
    expect(policyFinding(true)).toMatchObject({ severity: 'CRITICAL', evidence: { oracle: 'decides', determined: false } });
  });

  test('an access point AWS calls not public where our determined reading does: the finding stays, flagged', () => {
    const f = apFinding(bucket({ policyStatus: false }));
    expect(f).toMatchObject({ severity: 'HIGH' });
    expect(f!.evidence.accessPoints[0]).toMatchObject({ oracle: 'disagrees', awsSays: 'not public', oracleNote: expect.stringContaining('documented rule') });
  });

  test('lowered by AWS\'s status, the title says so rather than "publicly readable"', () => {
    const f = apFinding(bucket({ policy: apPolicy('s3:GetObject', { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } }), policyStatus: false }));
    expect(f).toMatchObject({ severity: 'LOW', title: 'S3 bucket acme-site has access point acme-site-ap with a policy AWS\'s documentation leaves open; AWS\'s own status says not public' });
  });

  test('an access point\'s Block Public Access unread matters only when its policy is public', () => {
    const r = evaluateBucket(bucket({ policy: null, policyStatus: null, publicAccessBlock: undefined, unreadable: { publicAccessBlock: 'AccessDenied' } }));
    expect(r.unknown).toEqual([]);
  });

  test('AWS\'s status unread is said in the result (oracleUnread), never silently dropped', () => {
    const r = evaluateBucket(bucket({ policyStatus: undefined, unreadable: { policyStatus: 'AccessDenied: no s3:GetAccessPointPolicyStatus' } }, {
      policyStatus: undefined, unreadable: { policyStatus: 'AccessDenied: no s3:GetBucketPolicyStatus' },
    }));
    expect(r.oracleUnread).toEqual({ bucket: 'AccessDenied: no s3:GetBucketPolicyStatus', [AP_ARN]: 'AccessDenied: no s3:GetAccessPointPolicyStatus' });
    expect(r.unknown).toEqual([]);
  });
});
