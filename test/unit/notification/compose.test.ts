/**
 * The alert a responder trusts: names chosen by someone else are quoted and cleaned, the subject
 * puts our verdict before them and never cuts it.
 */
import { composeNotification, MAX_SUBJECT, subjectFor } from '../../../lambda/core/notification/compose';
import { DEFAULT_SETTINGS } from '../../../lambda/core/model/settings';
import { evaluateSecurityGroup } from '../../../lambda/core/sg/evaluator';
import type { SecurityGroupSnapshot } from '../../../lambda/core/model/types';
import { quoted, stripControl } from '../../../lambda/core/model/untrusted';

const ssh = (GroupName: string): SecurityGroupSnapshot => ({
  GroupId: 'sg-0a1b2c3d4e5f60718', GroupName, VpcId: 'vpc-0a1b2c3d4e5f60718', account: '123456789012', region: 'eu-west-1',
  IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'ok\u202eignore' }] }],
  IpPermissionsEgress: [], networkInterfaces: [{ NetworkInterfaceId: 'eni-0c3d4e5f6a7b8c9d0', PublicIp: '34.245.10.20' }],
});

const notify = (name: string) => composeNotification(evaluateSecurityGroup(ssh(name), DEFAULT_SETTINGS), DEFAULT_SETTINGS)!;

describe('attacker-controlled names', () => {
  test('a name that claims approval is quoted after the verdict, in the subject and the title', () => {
    const n = notify('is approved by SecOps, no action needed');
    // the quoted name keeps whole words only; the verdict, the id, the account and the region stay
    expect(n.subject).toBe('[CRITICAL] SSH (22) open to the internet: sg-0a1b2c3d4e5f60718 "is..." (123456789012 eu-west-1)');
    expect(n.email.split('\n')[0]).toBe('Security group sg-0a1b2c3d4e5f60718 "is approved by SecOps, no action needed" allows SSH (22) from the internet');
  });

  test('control, bidi-override and zero-width characters are removed everywhere; quotes cannot be closed early', () => {
    const n = notify('web\u202e\u0007\r\n[LOW] fine"\u200b');
    expect(n.subject).not.toMatch(/[\p{Cc}\p{Cf}]/u);
    expect(n.email.replace(/\n/g, '')).not.toMatch(/[\p{Cc}\p{Cf}]/u);
    expect(n.email).toContain('"web [LOW] fine\'"');
    expect(n.subject).toContain('sg-0a1b2c3d4e5f60718 "web..." (');
    expect(n.email).not.toContain('\u202eignore');
  });

  test('a very long name is capped, and the verdict and severity stay whole', () => {
    const n = notify('x'.repeat(250));
    // one word too long to fit: the name goes, the location stays
    expect(n.subject).toBe('[CRITICAL] SSH (22) open to the internet: sg-0a1b2c3d4e5f60718 (123456789012 eu-west-1)');
    expect(n.subject.length).toBeLessThanOrEqual(MAX_SUBJECT);
    expect(n.email.split('\n')[0]!.length).toBeLessThan(160);
  });
});

describe('subjectFor: the severity, the verdict and the resource id stay whole', () => {
  const verdict = 'Publicly writable (bucket policy)';
  const bucket = (id: string) => ({ label: 'S3 bucket', id });
  test.each([
    ['everything fits', 'CRITICAL', verdict, bucket('a'), '[CRITICAL] Publicly writable (bucket policy): S3 bucket a (111122223333 eu-west-1)'],
    ['a 63-character bucket: the label goes, then the region, then the account; the name stays whole', 'HIGH', 'Publicly readable (ACL)', bucket('acme-analytics-exports-eu-west-1-prod-public-datasets-2026-x9'),
      '[HIGH] Publicly readable (ACL): acme-analytics-exports-eu-west-1-prod-public-datasets-2026-x9'],
    ['a group name is cut at a word and the location kept', 'CRITICAL', 'SSH open to the internet', { id: 'sg-0a1b2c3d4e5f60718', name: 'production web tier for the payments service' },
      '[CRITICAL] SSH open to the internet: sg-0a1b2c3d4e5f60718 "production..." (123456789012 eu-west-1)'],
    ['a long verdict: the name goes before the region, the region before the account', 'CRITICAL', 'SSH (22), RDP (3389) +3 more open to the internet', { id: 'sg-0a1b2c3d4e5f60718', name: 'web' },
      '[CRITICAL] SSH (22), RDP (3389) +3 more open to the internet: sg-0a1b2c3d4e5f60718 (123456789012)'],
  ] as const)('%s', (_, severity, v, resource, expected) => {
    const account = resource.id.startsWith('sg-') ? '123456789012' : '111122223333';
    const subject = subjectFor(severity, v, resource, account, 'eu-west-1');
    expect(subject).toBe(expected);
    expect(subject.length).toBeLessThanOrEqual(MAX_SUBJECT);
  });

  test('only a verdict plus id longer than the limit cuts the id, and at a word', () => {
    const subject = subjectFor('CRITICAL', 'Publicly writable (access point)', bucket('acme-analytics-exports-eu-west-1-prod-public-datasets-2026-x9.example'), '111122223333', 'eu-west-1');
    expect(subject.startsWith('[CRITICAL] Publicly writable (access point): acme-analytics-')).toBe(true);
    expect(subject.endsWith('...')).toBe(true);
    expect(subject.length).toBeLessThanOrEqual(MAX_SUBJECT);
    expect(subject.slice(0, -3)).toMatch(/[a-z0-9]$/);
  });
});

describe('untrusted text helpers', () => {
  test.each([
    ['plain', '"plain"'],
    ['a\tb\nc', '"a b c"'],
    ['say "hi"', '"say \'hi\'"'],
    ['\u202egnp.exe', '"gnp.exe"'],
  ])('quoted(%j) = %s', (input, out) => expect(quoted(input)).toBe(out));

  test('stripControl folds runs of whitespace and removes invisible characters', () => {
    expect(stripControl(' a\u0000\u200d  b ')).toBe('a b');
  });
});
