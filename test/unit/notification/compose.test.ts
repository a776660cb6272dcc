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
    // too long for the location: it goes, the verdict and the quoted (capped) name stay
    expect(n.subject).toBe('[CRITICAL] SSH (22) open to the internet: sg-0a1b2c3d4e5f60718 "is approved by SecOps, no acti..."');
    expect(n.email.split('\n')[0]).toBe('Security group sg-0a1b2c3d4e5f60718 "is approved by SecOps, no action needed" allows SSH (22) from the internet');
  });

  test('control, bidi-override and zero-width characters are removed everywhere; quotes cannot be closed early', () => {
    const n = notify('web\u202e\u0007\r\n[LOW] fine"\u200b');
    expect(n.subject).not.toMatch(/[\p{Cc}\p{Cf}]/u);
    expect(n.email.replace(/\n/g, '')).not.toMatch(/[\p{Cc}\p{Cf}]/u);
    expect(n.subject).toContain('"web [LOW] fine\'"');
    expect(n.email).not.toContain('\u202eignore');
  });

  test('a very long name is capped, and the verdict and severity stay whole', () => {
    const n = notify('x'.repeat(250));
    expect(n.subject.startsWith('[CRITICAL] SSH (22) open to the internet: sg-0a1b2c3d4e5f60718 "xxx')).toBe(true);
    expect(n.subject.length).toBeLessThanOrEqual(MAX_SUBJECT);
    expect(n.email.split('\n')[0]!.length).toBeLessThan(160);
  });
});

describe('subjectFor', () => {
  test('drops the location first, then shortens the resource; never the verdict', () => {
    const verdict = 'Publicly writable (bucket policy)';
    expect(subjectFor('CRITICAL', verdict, 'S3 bucket a', '111122223333', 'eu-west-1')).toBe('[CRITICAL] Publicly writable (bucket policy): S3 bucket a (111122223333 eu-west-1)');
    const long = subjectFor('CRITICAL', verdict, `S3 bucket ${'b'.repeat(63)}`, '111122223333', 'eu-west-1');
    expect(long).toMatch(/^\[CRITICAL\] Publicly writable \(bucket policy\): S3 bucket b+\.\.\.$/);
    expect(long).toHaveLength(MAX_SUBJECT);
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
