/** The check catalog is the one place a check's facts live: the README's table is rendered from it. */
import type { BucketSnapshot } from '../../lambda/core/model/types';
import { lockedDownBucket } from '../helpers/s3-account';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateBucketSnapshots, generateSecurityGroupSnapshots } from '../../bench/generate';
import { CHECK_IDS, CHECKS, pagesOn, remediationConcerns, renderCheckTable } from '../../lambda/core/checks';
import { evaluateBucket } from '../../lambda/core/s3/evaluator';
import { DEFAULT_SETTINGS } from '../../lambda/core/model/settings';
import { evaluateSecurityGroup } from '../../lambda/core/sg/evaluator';

test('the README\'s check table is the rendered catalog', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.split('<!-- checks:start -->')[1]?.split('<!-- checks:end -->')[0]?.trim();
  expect(section).toBe(renderCheckTable());
});

test('every catalog id is the DESIGN check set plus EVALUATION_INCOMPLETE, GUARD_BLIND and S3_ACCESS_POINT_PUBLIC, each with a summary and a severity', () => {
  expect(CHECK_IDS).toEqual([
    'S3_POLICY_PUBLIC', 'S3_ACL_PUBLIC', 'S3_ACCESS_POINT_PUBLIC', 'S3_BUCKET_BPA_OFF', 'S3_ACCOUNT_BPA_OFF', 'S3_TLS_NOT_ENFORCED', 'S3_ACLS_ENABLED', 'S3_LOGGING_OFF',
    'SG_OPEN_ALL_TRAFFIC', 'SG_OPEN_HIGH_RISK_PORT', 'SG_OPEN_UNAUTHORIZED_PORT', 'SG_DEFAULT_HAS_RULES', 'EVALUATION_INCOMPLETE', 'GUARD_BLIND',
  ]);
  for (const id of CHECK_IDS) expect(CHECKS[id].summary.length * CHECKS[id].severity.length * CHECKS[id].verdict.length).toBeGreaterThan(0);
});

test('remediation scopes and paging derive from the catalog', () => {
  const bucket = remediationConcerns('s3BucketPublicAccess');
  // Bucket-level RestrictPublicBuckets shuts the bucket's access points too (the most restrictive combination).
  expect(CHECK_IDS.filter((checkId) => bucket({ checkId }))).toEqual(['S3_POLICY_PUBLIC', 'S3_ACL_PUBLIC', 'S3_ACCESS_POINT_PUBLIC', 'S3_BUCKET_BPA_OFF']);
  const sg = remediationConcerns('securityGroupIngress');
  expect(CHECK_IDS.filter((checkId) => sg({ checkId }))).toEqual(['SG_OPEN_ALL_TRAFFIC', 'SG_OPEN_HIGH_RISK_PORT']);
  expect(pagesOn('S3_ACCOUNT_BPA_OFF', 's3-bucket')).toBe(false);
  expect(pagesOn('S3_ACCOUNT_BPA_OFF', 's3-account')).toBe(true);
  expect(pagesOn('S3_POLICY_PUBLIC', 's3-bucket')).toBe(true);
});

test('every finding the evaluators produce names only controls its catalog entry lists', () => {
  const findings = [
    ...generateBucketSnapshots(300, 7).flatMap((s) => evaluateBucket(s).findings),
    ...generateSecurityGroupSnapshots(300, 7).flatMap((s) => evaluateSecurityGroup(s, DEFAULT_SETTINGS).findings),
  ];
  expect(new Set(findings.map((f) => f.checkId)).size).toBeGreaterThanOrEqual(9);
  for (const f of findings) {
    const listed = CHECKS[f.checkId].controls as readonly string[];
    expect({ checkId: f.checkId, stray: f.controls.filter((c) => !listed.includes(c)) }).toEqual({ checkId: f.checkId, stray: [] });
  }
});

describe('a check whose read is unknown does not run, and says so (no check depends on another having run)', () => {
  const OFF = { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false };
  const exposed = (): BucketSnapshot => lockedDownBucket({
    publicAccessBlock: OFF, accountPublicAccessBlock: OFF,
    policy: { Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::b/*' }] },
    acl: { Owner: { ID: 'o' }, Grants: [{ Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'READ' }] },
    objectOwnership: 'ObjectWriter', logging: false,
  });
  const s3Checks = CHECK_IDS.filter((id) => CHECKS[id].resource.startsWith('s3') && CHECKS[id].reads.length > 0);
  const fields = [...new Set(s3Checks.flatMap((id) => CHECKS[id].reads))];
  test.each(fields)('%s unknown', (field) => {
    const snapshot: BucketSnapshot = { ...exposed(), unreadable: { [field]: 'AccessDenied: not authorized (injected)' } };
    delete snapshot[field as keyof BucketSnapshot];
    const r = evaluateBucket(snapshot);
    expect(r.unknown).toContain(field);
    const ran = new Set(r.findings.map((f) => f.checkId));
    for (const id of s3Checks.filter((c) => (CHECKS[c].reads as readonly string[]).includes(field))) expect({ id, ran: ran.has(id) }).toEqual({ id, ran: false });
  });
});
