/**
 * Bucket-policy public-ness, rule by rule, from reference/aws-exposure-semantics.md section A.
 * Each row names the rule or the AWS documentation example it checks.
 */
import { enforcesTls, evaluatePolicy } from '../../../lambda/core/s3/policy';

const BUCKET = 'example-bucket';
const RESOURCE = `arn:aws:s3:::${BUCKET}/*`;

function stmt(over: Record<string, unknown>): Record<string, unknown> {
  return { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: RESOURCE, ...over };
}
function policy(...statements: Record<string, unknown>[]) {
  return { Version: '2012-10-17', Statement: statements };
}
function cond(operator: string, key: string, value: unknown) {
  return stmt({ Condition: { [operator]: { [key]: value } } });
}
function verdict(p: unknown) {
  const v = evaluatePolicy(p);
  return { isPublic: v.publicStatements.length > 0, determined: v.publicStatements.every((s) => s.determined), v };
}

describe('AWS documentation examples (S3 User Guide, "The meaning of public")', () => {
  test.each([
    ['Federated graph.facebook.com is public', stmt({ Principal: { Federated: 'graph.facebook.com' } }), true],
    ['Principal "*" with no condition is public', stmt({}), true],
    ['"*" with StringLike aws:SourceVpc "vpc-*" is public', cond('StringLike', 'aws:SourceVpc', 'vpc-*'), true],
    ['"*" with StringEquals aws:SourceVpc "vpc-91237329" is not public', cond('StringEquals', 'aws:SourceVpc', 'vpc-91237329'), false],
    ['{"AWS":"*"} is equivalent to "*"', stmt({ Principal: { AWS: '*' } }), true],
    ['aws:SourceIp 0.0.0.0/1 is public (broader than /8)', cond('IpAddress', 'aws:SourceIp', '0.0.0.0/1'), true],
    ['access point name wildcard with a fixed account is not public',
      cond('StringLike', 's3:DataAccessPointArn', 'arn:aws:s3:us-west-2:123456789012:accesspoint/*'), false],
  ])('%s', (_name, statement, expected) => {
    expect(verdict(policy(statement)).isPublic).toBe(expected);
  });

  const cloudTrail = {
    Sid: 'CloudTrail', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' },
    Action: 's3:PutObject', Resource: RESOURCE,
  };
  const account2 = { Sid: 'Account2', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: 's3:GetObject', Resource: RESOURCE };
  const everyone = { Sid: 'Everyone', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: RESOURCE };

  test('worked example: the third statement ("*", no condition) makes the whole policy public', () => {
    const v = evaluatePolicy(policy(cloudTrail, account2, everyone));
    expect(v.publicStatements.map((s) => s.sid)).toEqual(['Everyone']);
  });
  test('worked example: without the third statement the policy is not public', () => {
    expect(evaluatePolicy(policy(cloudTrail, account2)).publicStatements).toHaveLength(0);
  });
});

describe('principals', () => {
  test.each([
    ['"*"', '*', true],
    ['{"AWS":"*"}', { AWS: '*' }, true],
    ['{"AWS":["<account>","*"]}', { AWS: ['arn:aws:iam::111122223333:root', '*'] }, true],
    ['{"AWS":"arn:aws:iam::*:root"} (a wildcard account; S3 refuses it but the CLI may see it)', { AWS: 'arn:aws:iam::*:root' }, true],
    ['a policy variable in the principal', { AWS: 'arn:aws:iam::111122223333:user/${aws:username}' }, true],
    ['Federated web identity accounts.google.com', { Federated: 'accounts.google.com' }, true],
    ['Federated cognito-identity.amazonaws.com', { Federated: 'cognito-identity.amazonaws.com' }, true],
    ['Federated IAM SAML provider (not on the list of fixed values: undetermined, read as public)', { Federated: 'arn:aws:iam::111122223333:saml-provider/corp' }, true],
    ['Federated IAM OIDC provider for a public IdP', { Federated: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com' }, true],
    ['a fixed account id', { AWS: '111122223333' }, false],
    ['a fixed role ARN', { AWS: 'arn:aws:iam::111122223333:role/reader' }, false],
    ['a malformed account id is still a fixed value', { AWS: '12345' }, false],
    ['a service principal', { Service: 'cloudtrail.amazonaws.com' }, false],
    ['a service principal list', { Service: ['logging.s3.amazonaws.com', 'cloudtrail.amazonaws.com'] }, false],
    ['a canonical user', { CanonicalUser: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' }, false],
  ])('Principal %s → public: %s', (_name, principal, expected) => {
    expect(verdict(policy(stmt({ Principal: principal }))).isPublic).toBe(expected);
  });

  test('Allow with NotPrincipal grants everyone else: public', () => {
    const s = stmt({ Principal: undefined, NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' } });
    const v = verdict(policy(s));
    expect(v.isPublic).toBe(true);
    expect(v.v.publicStatements[0]?.grantee).toMatch(/everyone except/);
  });

  test('an Allow with no Principal is undetermined and read as public', () => {
    const s = stmt({});
    delete s.Principal;
    const v = verdict(policy(s));
    expect(v).toMatchObject({ isPublic: true, determined: false });
  });

  test('a Federated IAM provider ARN is undetermined, with the reason', () => {
    const v = verdict(policy(stmt({ Principal: { Federated: 'arn:aws:iam::111122223333:saml-provider/corp' } })));
    expect(v).toMatchObject({ isPublic: true, determined: false });
    expect(v.v.publicStatements[0]?.undeterminedBy.join(' ')).toContain('identity provider');
  });

  test('an unknown principal type is undetermined and read as public', () => {
    expect(verdict(policy(stmt({ Principal: { Everyone: 'yes' } })))).toMatchObject({ isPublic: true, determined: false });
  });
});

describe('restricting condition keys with fixed values make "*" non-public', () => {
  test.each([
    ['aws:PrincipalOrgID', 'StringEquals', 'o-a1b2c3d4e5'],
    ['aws:SourceIp', 'IpAddress', '203.0.113.0/24'],
    ['aws:SourceArn', 'ArnEquals', 'arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE'],
    ['aws:SourceArn', 'ArnLike', 'arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE'],
    ['aws:SourceVpc', 'StringEquals', 'vpc-91237329'],
    ['aws:SourceVpce', 'StringEquals', 'vpce-1a2b3c4d'],
    ['aws:SourceOwner', 'StringEquals', '111122223333'],
    ['aws:SourceAccount', 'StringEquals', '111122223333'],
    ['s3:x-amz-server-side-encryption-aws-kms-key-id', 'StringEquals', 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
    ['aws:userid', 'StringEquals', 'AIDAJQABLZS4A3QDU576Q'],
    ['aws:userid', 'StringLike', 'AROAEXAMPLEID:*'],
    ['s3:DataAccessPointArn', 'StringEquals', 'arn:aws:s3:us-west-2:123456789012:accesspoint/reports'],
    ['s3:DataAccessPointAccount', 'StringEquals', '123456789012'],
    ['aws:sourcevpce (key names are case-insensitive)', 'StringEquals', 'vpce-1a2b3c4d'],
    ['AWS:SourceVpce (key names are case-insensitive)', 'StringEquals', 'vpce-1a2b3c4d'],
  ])('%s %s', (key, operator, value) => {
    const k = key.split(' ')[0] ?? key;
    expect(verdict(policy(cond(operator, k, value))).isPublic).toBe(false);
  });

  test('several fixed values are still fixed', () => {
    expect(verdict(policy(cond('StringEquals', 'aws:SourceVpce', ['vpce-1a2b3c4d', 'vpce-5e6f7a8b']))).isPublic).toBe(false);
  });

  test('StringLike without a wildcard is a fixed value', () => {
    expect(verdict(policy(cond('StringLike', 'aws:SourceVpc', 'vpc-91237329'))).isPublic).toBe(false);
  });
});

describe('values that are not fixed', () => {
  test.each([
    ['a * wildcard (StringLike)', 'StringLike', 'aws:SourceVpce', 'vpce-*'],
    ['a ? wildcard', 'StringLike', 'aws:SourceVpce', 'vpce-1a2b3c4?'],
    ['a * in StringEquals', 'StringEquals', 'aws:SourceAccount', '*'],
    ['a policy variable', 'StringEquals', 'aws:SourceVpce', '${aws:SourceVpce}'],
    ['one wildcard among fixed values', 'StringEquals', 'aws:SourceVpce', ['vpce-1a2b3c4d', 'vpce-*']],
    ['aws:userid wildcard outside AROLEID:*', 'StringLike', 'aws:userid', 'AIDA*'],
    ['aws:userid "*"', 'StringLike', 'aws:userid', '*'],
    ['access point ARN with a wildcard account', 'StringLike', 's3:DataAccessPointArn', 'arn:aws:s3:us-west-2:*:accesspoint/*'],
    ['access point ARN with a wildcard region', 'StringLike', 's3:DataAccessPointArn', 'arn:aws:s3:*:123456789012:accesspoint/*'],
    ['an empty value list', 'StringEquals', 'aws:SourceVpce', []],
  ])('%s → public', (_name, operator, key, value) => {
    expect(verdict(policy(cond(operator, key, value))).isPublic).toBe(true);
  });
});

describe('negated and unknown operators never restrict', () => {
  test.each([
    ['StringNotEquals', 'aws:SourceVpce', 'vpce-1a2b3c4d'],
    ['StringNotLike', 'aws:SourceVpc', 'vpc-91237329'],
    ['NotIpAddress', 'aws:SourceIp', '203.0.113.0/24'],
    ['ArnNotLike', 'aws:SourceArn', 'arn:aws:sns:eu-west-1:111122223333:topic'],
    ['ArnNotEquals', 'aws:SourceArn', 'arn:aws:sns:eu-west-1:111122223333:topic'],
    ['stringequals (misspelt: operator names are matched as IAM spells them)', 'aws:SourceVpce', 'vpce-1a2b3c4d'],
    ['StringEqualz (unknown operator)', 'aws:SourceVpce', 'vpce-1a2b3c4d'],
    ['NumericEquals (cannot pin a string key)', 'aws:SourceAccount', '111122223333'],
    ['IpAddress on a string key', 'aws:SourceVpc', '10.0.0.0/16'],
    ['StringEquals on aws:SourceIp (IP keys need IpAddress)', 'aws:SourceIp', '203.0.113.7/32'],
  ])('%s → public (determined)', (operator, key, value) => {
    const op = operator.split(' ')[0] ?? operator;
    expect(verdict(policy(cond(op, key, value)))).toMatchObject({ isPublic: true, determined: true });
  });
});

describe('undetermined cases take the safer reading: public, determined false, with the reason', () => {
  test.each([
    ['StringEqualsIfExists', 'aws:SourceVpce', 'vpce-1a2b3c4d'],
    ['Null', 'aws:SourceVpce', 'false'],
    ['ForAnyValue:StringEquals', 'aws:SourceVpce', 'vpce-1a2b3c4d'],
    ['ForAllValues:StringEquals', 'aws:SourceVpce', 'vpce-1a2b3c4d'],
    ['StringEquals', 'aws:PrincipalAccount', '111122223333'],
    ['ArnEquals', 'aws:PrincipalArn', 'arn:aws:iam::111122223333:role/reader'],
    ['StringEquals', 'aws:SourceOrgID', 'o-a1b2c3d4e5'],
    ['ForAnyValue:StringEquals', 'aws:PrincipalOrgPaths', 'o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/'],
    ['StringEquals', 'aws:SourceOrgPaths', 'o-a1b2c3d4e5/r-ab12/'],
    ['IpAddress', 'aws:SourceIp', 'fc00::/7'],
    ['IpAddress', 'aws:SourceIp', 'fd00::/16'],
  ])('%s %s', (operator, key, value) => {
    const v = verdict(policy(cond(operator, key, value)));
    expect(v).toMatchObject({ isPublic: true, determined: false });
    expect(v.v.publicStatements[0]?.undeterminedBy.join(' ')).toContain(key);
  });
});

test('a wildcard value of an undetermined key is simply not fixed: public, determined', () => {
  const v = verdict(policy(cond('ForAnyValue:StringLike', 'aws:PrincipalOrgPaths', 'o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*')));
  expect(v).toMatchObject({ isPublic: true, determined: true });
});

describe('other keys do not restrict (the rule is about the text, not the request)', () => {
  test.each([
    ['StringEquals', 'aws:ResourceAccount', '111122223333'],
    ['StringEquals', 'aws:ResourceOrgID', 'o-a1b2c3d4e5'],
    ['ForAnyValue:StringEquals', 'aws:CalledVia', 'athena.amazonaws.com'],
    ['StringEquals', 'kms:ViaService', 's3.eu-west-1.amazonaws.com'],
    ['StringLike', 's3:prefix', 'public/'],
    ['Bool', 'aws:SecureTransport', 'true'],
    ['StringEquals', 'aws:Referer', 'https://www.example.com/'],
  ])('%s %s → public, determined', (operator, key, value) => {
    expect(verdict(policy(cond(operator, key, value)))).toMatchObject({ isPublic: true, determined: true });
  });
});

describe('aws:SourceIp breadth: broader than /8 (IPv4) or /32 (IPv6) is public, RFC1918 excluded', () => {
  test.each([
    ['0.0.0.0/0', true],
    ['0.0.0.0/1', true],
    ['128.0.0.0/1', true],
    ['8.0.0.0/7', true],
    ['8.0.0.0/8 (exactly /8 is not broader than /8)', false],
    ['203.0.113.0/24', false],
    ['198.51.100.7', false],
    ['10.0.0.0/8', false],
    ['172.16.0.0/12', false],
    ['192.168.0.0/16', false],
    ['::/0', true],
    ['2001:db8::/31', true],
    ['2001:db8::/32 (exactly /32 is not broader)', false],
    ['2001:db8:1234::/48', false],
    ['fd12:3456:789a::/48 (narrow unique-local)', false],
    ['not-an-ip', true],
    ['10.0.0.0/33', true],
  ])('%s → public: %s', (cidr, expected) => {
    const value = cidr.split(' ')[0] ?? cidr;
    expect(verdict(policy(cond('IpAddress', 'aws:SourceIp', value))).isPublic).toBe(expected);
  });

  test('one broad range in the list makes the statement public', () => {
    expect(verdict(policy(cond('IpAddress', 'aws:SourceIp', ['203.0.113.0/24', '0.0.0.0/0']))).isPublic).toBe(true);
  });
});

describe('statement structure', () => {
  test('conditions are ANDed: one fixed restricting key is enough, whatever else the block holds', () => {
    const s = stmt({ Condition: {
      IpAddress: { 'aws:SourceIp': '0.0.0.0/0' },
      StringNotEquals: { 'aws:SourceAccount': '111122223333' },
      StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' },
    } });
    expect(verdict(policy(s)).isPublic).toBe(false);
  });

  test('a fixed restricting key beside an undetermined one: not public', () => {
    const s = stmt({ Condition: { StringEquals: { 'aws:PrincipalAccount': '111122223333', 'aws:SourceVpce': 'vpce-1a2b3c4d' } } });
    expect(verdict(policy(s)).isPublic).toBe(false);
  });

  test('Deny statements never make a policy public', () => {
    expect(verdict(policy(stmt({ Effect: 'Deny', Action: 's3:*' }))).isPublic).toBe(false);
  });

  test('Statement may be a single object instead of an array', () => {
    expect(verdict({ Version: '2012-10-17', Statement: stmt({}) }).isPublic).toBe(true);
  });

  test('the policy may be its JSON text (GetBucketPolicy returns text)', () => {
    expect(verdict(JSON.stringify(policy(stmt({})))).isPublic).toBe(true);
  });

  test('invalid JSON text is reported as unparsed, not as public or private', () => {
    expect(evaluatePolicy('{"Statement": [')).toMatchObject({ parsed: false, error: expect.stringMatching(/not valid JSON/) });
  });

  test('odd statements (not objects) are skipped without crashing', () => {
    expect(verdict({ Statement: [null, 'x', 3, stmt({})] }).isPublic).toBe(true);
  });
});

describe('what a public statement grants decides severity', () => {
  test.each([
    ['s3:GetObject', false],
    [['s3:GetObject', 's3:ListBucket'], false],
    ['s3:Get*', false],
    ['s3:List*', false],
    ['S3:GETOBJECT (action names are case-insensitive)', false],
    ['s3:GetFutureThing (unknown Get)', false],
    ['s3:PutObject', true],
    ['s3:DeleteObject', true],
    ['s3:PutBucketAcl', true],
    ['s3:PutBucketPolicy', true],
    ['s3:*Acl', true],
    ['s3:*', true],
    ['*', true],
    ['s3:FutureWrite (unknown, not Get/List)', true],
  ])('Action %s → write: %s', (action, write) => {
    const a = typeof action === 'string' ? (action.split(' ')[0] ?? action) : action;
    const [s] = evaluatePolicy(policy(stmt({ Action: a }))).publicStatements;
    expect((s?.granted.writes.length ?? 0) > 0).toBe(write);
  });

  test('NotAction with Allow grants everything else, writes included', () => {
    const s = stmt({ Action: undefined, NotAction: 's3:GetObject' });
    delete s.Action;
    const [p] = evaluatePolicy(policy(s)).publicStatements;
    expect(p?.granted.writes).toContain('s3:PutObject');
    expect(p?.granted.actions).not.toContain('s3:GetObject');
  });

  test('permission-changing actions are named', () => {
    const [p] = evaluatePolicy(policy(stmt({ Action: ['s3:PutBucketPolicy', 's3:PutObjectAcl'] }))).publicStatements;
    expect([...(p?.granted.permissionChanges ?? [])].sort()).toEqual(['s3:PutBucketPolicy', 's3:PutObjectAcl']);
  });
});

describe('S3.5 TLS enforcement', () => {
  const deny = (over: Record<string, unknown> = {}) => ({
    Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*',
    Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } }, ...over,
  });
  test.each([
    ['the standard Deny statement', deny(), true],
    ['{"AWS":"*"} principal', deny({ Principal: { AWS: '*' } }), true],
    ['Action "*"', deny({ Action: '*' }), true],
    ['JSON boolean false', deny({ Condition: { Bool: { 'aws:SecureTransport': false } } }), true],
    ['BoolIfExists', deny({ Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } } }), true],
    ['Resource arn:aws:s3:::bucket* (covers the objects)', deny({ Resource: `arn:aws:s3:::${BUCKET}*` }), true],
    ['only s3:GetObject denied', deny({ Action: 's3:GetObject' }), false],
    ['only the bucket ARN, not its objects', deny({ Resource: `arn:aws:s3:::${BUCKET}` }), false],
    ['another bucket', deny({ Resource: 'arn:aws:s3:::other-bucket/*' }), false],
    ['an Allow on SecureTransport true', deny({ Effect: 'Allow', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }), false],
    ['Deny for one account only', deny({ Principal: { AWS: '111122223333' } }), false],
  ])('%s → enforced: %s', (_name, statement, expected) => {
    expect(enforcesTls(policy(statement), BUCKET)).toBe(expected);
  });
});
