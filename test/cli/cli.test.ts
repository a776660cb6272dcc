/**
 * The CLI contract (README, "The CLI"): result JSON, targets, exit codes 0/1/2, one-line errors.
 * Most cases run in-process; one spawns the installed bin as a user would.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, type CliIo } from '../../bin/cli';
import packageJson from '../../package.json';

// The spawned bin runs the compiled CLI: build it from these sources first, so it is never stale.
 
beforeAll(() => (require('../../scripts/build-cli.js') as { buildCli: () => Promise<void> }).buildCli(), 60_000);

const ROOT = join(__dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures');

function run(argv: string[], stdin = '', files: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: (t) => { out += t; },
    stderr: (t) => { err += t; },
    readFile: (p) => {
      if (p in files) return files[p]!;
      return readFileSync(p, 'utf8');
    },
    readStdin: () => stdin,
  };
  const code = runCli(argv, io);
  let json: unknown;
  try { json = JSON.parse(out); } catch { json = undefined; }
  return { code, out, err, json: json as Record<string, unknown> & { findings?: { checkId: string; severity: string }[] } };
}

const ALL_OFF = { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false };
const publicBucket = JSON.stringify({
  name: 'acme-site', account: '111122223333', region: 'eu-west-1',
  policy: { Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::acme-site/*' }] },
  acl: { Grants: [] }, publicAccessBlock: ALL_OFF, accountPublicAccessBlock: ALL_OFF, objectOwnership: 'BucketOwnerEnforced', logging: true,
});

describe('evaluate bucket', () => {
  test('prints the evaluation result for a snapshot on stdin, exit 0 whatever the findings', () => {
    const r = run(['evaluate', 'bucket', '-'], publicBucket);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ resource: { type: 's3-bucket', id: 'acme-site' }, status: 'NON_COMPLIANT' });
    expect(r.json.findings?.[0]).toMatchObject({ checkId: 'S3_POLICY_PUBLIC', severity: 'CRITICAL' });
  });

  test('reads a file', () => {
    const r = run(['evaluate', 'bucket', 'b.json'], '', { 'b.json': publicBucket });
    expect(r.json.status).toBe('NON_COMPLIANT');
  });

  test.each([
    ['CRITICAL', 1], ['HIGH', 1], ['critical', 1],
  ])('--fail-on %s with a CRITICAL finding → exit %i', (sev, code) => {
    expect(run(['evaluate', 'bucket', '-', '--fail-on', sev], publicBucket).code).toBe(code);
  });

  test('--fail-on CRITICAL with only MEDIUM findings → exit 0', () => {
    const s = JSON.parse(publicBucket);
    s.policy = null;
    expect(run(['evaluate', 'bucket', '-', '--fail-on', 'CRITICAL'], JSON.stringify(s)).code).toBe(0);
  });
});

describe('bad input: exit 2 with one line naming the file and the problem', () => {
  test.each([
    [['evaluate', 'bucket', '-'], '{oops', /^exposure-guard: stdin: invalid JSON/],
    [['evaluate', 'bucket', 'no/such/file.json'], '', /^exposure-guard: no\/such\/file\.json: no such file$/],
    [['evaluate', 'bucket', '-'], '[]', /^exposure-guard: stdin: a bucket snapshot must be a JSON object$/],
    [['evaluate', 'bucket', '-'], '{"policy":null}', /^exposure-guard: stdin: name: must be the bucket name/],
    [['evaluate', 'bucket', '-'], '{"name":"b","logging":"yes"}', /^exposure-guard: stdin: logging: must be true, false, or where the logs go/],
    [['evaluate', 'bucket', '-'], '{"name":"b","acl":{"Grants":{}}}', /^exposure-guard: stdin: acl: Grants must be an array$/],
    [['evaluate', 'bucket', '-'], '{"name":"b","policy":"{not json"}', /^exposure-guard: stdin: policy: policy is not valid JSON/],
    [['evaluate', 'bucket', '-'], '{"name":"b","publicAccessBlock":{"BlockPublicAcls":"true"}}', /^exposure-guard: stdin: publicAccessBlock: BlockPublicAcls must be true or false$/],
    [['targets', '-'], 'nope', /^exposure-guard: stdin: invalid JSON/],
    [['evaluate', 'bucket', '-', '--fail-on', 'LOUD'], publicBucket, /^exposure-guard: --fail-on: "LOUD" is not a severity/],
  ])('%j', (argv, stdin, message) => {
    const r = run(argv, stdin);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err.trim()).toMatch(message);
  });

  test('usage errors exit 2 and show the usage', () => {
    for (const argv of [[], ['frobnicate'], ['evaluate', 'bucket'], ['evaluate', 'queue', '-'], ['targets', 'a', 'b'], ['--nope']]) {
      const r = run(argv);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^exposure-guard: /);
      expect(r.err).toContain('usage:');
    }
  });

  test('--config with an unknown key names the file and the key', () => {
    const r = run(['evaluate', 'bucket', '-', '--config', 'c.json'], publicBucket, { 'c.json': '{"allowedPorts":[443]}' });
    expect(r.code).toBe(2);
    expect(r.err.trim()).toMatch(/^exposure-guard: c\.json: config\.allowedPorts: unknown key/);
  });
});

describe('targets', () => {
  test('an S3 event → its bucket, skipped null', () => {
    const r = run(['targets', join(FIXTURES, 'cloudtrail', 's3-put-bucket-acl-single-grant.json')]);
    expect(r.code).toBe(0);
    expect(r.json).toEqual({ targets: [{ type: 's3-bucket', name: 'acme-logs', account: '111122223333', region: 'eu-west-1' }], skipped: null });
  });

  test('a failed call → no targets and the reason, exit 0', () => {
    const r = run(['targets', join(FIXTURES, 'cloudtrail', 's3-put-bucket-acl-access-denied.json')]);
    expect(r.code).toBe(0);
    expect(r.json).toEqual({ targets: [], skipped: 'PutBucketAcl failed (AccessDenied): nothing changed' });
  });

  test('JSON that is not an event → no targets, a reason, exit 0 (it parsed; it just names nothing)', () => {
    expect(run(['targets', '-'], '{"hello":1}').json).toEqual({ targets: [], skipped: 'event has no detail object' });
  });
});

test('the installed bin works as a user runs it (spawned, stdin, exit codes; the compiled CLI, no TypeScript at start)', () => {
  const bin = join(ROOT, 'bin', 'exposure-guard.js');
  const ok = spawnSync(process.execPath, [bin, 'evaluate', 'bucket', '-', '--fail-on', 'HIGH'], { input: publicBucket, encoding: 'utf8' });
  expect(ok.status).toBe(1);
  expect(JSON.parse(ok.stdout).findings[0].checkId).toBe('S3_POLICY_PUBLIC');
  const bad = spawnSync(process.execPath, [bin, 'evaluate', 'bucket', '-'], { input: '{oops', encoding: 'utf8' });
  expect(bad.status).toBe(2);
  expect(bad.stderr).not.toMatch(/^\s+at /m);
  expect(bad.stderr).not.toMatch(/dist\/cli\.js is missing/);
  const version = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
  expect([version.status, version.stdout]).toEqual([0, `${packageJson.version}\n`]);
  const help = spawnSync(process.execPath, [bin, 'scan', '--help'], { encoding: 'utf8' });
  expect(help.status).toBe(0);
  expect(help.stdout).toMatch(/^usage: exposure-guard scan/);
});

test('the compiled evaluate loads no AWS SDK: scan is a bundle of its own', () => {
  const probe = `require(${JSON.stringify(join(ROOT, 'dist', 'cli.js'))}); process.stdout.write(JSON.stringify(Object.keys(require.cache)))`;
  const loaded = JSON.parse(spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' }).stdout) as string[];
  expect(loaded.filter((p) => /@aws-sdk|scan\.js|config\.js/.test(p))).toEqual([]);
});

describe('--version and help', () => {
  test('--version prints the package version, exit 0', () => {
    expect(run(['--version'])).toMatchObject({ code: 0, out: `${packageJson.version}\n` });
    expect(run(['evaluate', '--version']).out).toBe(`${packageJson.version}\n`);
  });

  test.each([
    [['--help'], /^usage:\n {2}exposure-guard evaluate bucket/],
    [['help'], /^usage:\n {2}exposure-guard evaluate bucket/],
    [['help', 'scan'], /^usage: exposure-guard scan/],
    [['scan', '--help'], /^usage: exposure-guard scan/],
    [['help', 'evaluate'], /^usage: exposure-guard evaluate bucket\|security-group/],
    [['evaluate', '--help'], /^usage: exposure-guard evaluate bucket\|security-group/],
    [['evaluate', 'bucket', '--help'], /^usage: exposure-guard evaluate bucket\|security-group/],
    [['help', 'targets'], /^usage: exposure-guard targets FILE\|-/],
    [['targets', '-h'], /^usage: exposure-guard targets FILE\|-/],
  ])('%j → its help on stdout, exit 0', (argv, text) => {
    const r = run(argv);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(text);
    expect(r.err).toBe('');
  });

  test('help for a command that does not exist: exit 2 with the usage', () => {
    const r = run(['help', 'frobnicate']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^exposure-guard: help: unknown command "frobnicate"/);
  });
});

describe('evaluate --format text: what the email would say', () => {
  test('the subject and the email body of the notifier, not a second rendering', () => {
    const r = run(['evaluate', 'bucket', '-', '--format', 'text'], publicBucket);
    expect(r.code).toBe(0);
     
    const { composeNotification } = require('../../lambda/core/notification/compose') as typeof import('../../lambda/core/notification/compose');
     
    const { resolveSettings } = require('../../lambda/core/model/settings') as typeof import('../../lambda/core/model/settings');
    const json = run(['evaluate', 'bucket', '-'], publicBucket).json as unknown as Parameters<typeof composeNotification>[0];
    const message = composeNotification(json, resolveSettings())!;
    // The snapshot file names no access points: after the email, the CLI says they were not checked.
    expect(r.out).toBe(`Subject: ${message.subject}\n\n${message.email}\n`
      + 'Not checked: accessPoints: the snapshot has no such field: its access points were not evaluated ([] means "none")\n'
      + 'Not checked: multiRegionAccessPoints: the snapshot has no such field: its access points were not evaluated ([] means "none")\n');
    expect(r.out).toMatch(/^Subject: \[CRITICAL\] .*acme-site/);
    expect(r.out).toContain('WHAT IS EXPOSED');
  });

  test('nothing that would send a message: says so, and lists what is below the threshold', () => {
    const quiet = JSON.parse(publicBucket);
    Object.assign(quiet, { policy: null, publicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true }, accountPublicAccessBlock: null, logging: false });
    const r = run(['evaluate', 'bucket', '-', '--format', 'text'], JSON.stringify(quiet));
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe('No message would be sent for s3-bucket acme-site: nothing at or above notifyMinSeverity (MEDIUM). Status NON_COMPLIANT.');
    expect(r.out).toContain('[LOW] S3_LOGGING_OFF');
  });

  test('security groups too; json stays the default; a format that does not exist is bad input', () => {
    const sg = readFileSync(join(FIXTURES, 'snapshots', 'sg-web-mixed-ssh.json'), 'utf8');
    expect(run(['evaluate', 'security-group', '-', '--format', 'text'], sg).out).toMatch(/^Subject: \[CRITICAL\]/);
    expect(run(['evaluate', 'security-group', '-'], sg).json.resource).toMatchObject({ type: 'security-group' });
    const bad = run(['evaluate', 'bucket', '-', '--format', 'yaml'], publicBucket);
    expect([bad.code, bad.err.trim()]).toEqual([2, 'exposure-guard: --format: "yaml" is not a format (json, text)']);
  });
});

describe('null is "read, not configured" wherever the snapshot contract says so', () => {
  test.each(['policy', 'acl', 'publicAccessBlock', 'accountPublicAccessBlock', 'objectOwnership', 'logging', 'website', 'tags'])('%s: null is accepted and read as not configured', (field) => {
    const s = { ...JSON.parse(publicBucket), [field]: null };
    const r = run(['evaluate', 'bucket', '-'], JSON.stringify(s));
    expect(r.code).toBe(0);
    expect(r.json.unknown).toEqual([]);
  });

  test('logging: null is logging off (S3.9), like false', () => {
    const off = run(['evaluate', 'bucket', '-'], JSON.stringify({ ...JSON.parse(publicBucket), logging: false })).json.findings;
    const none = run(['evaluate', 'bucket', '-'], JSON.stringify({ ...JSON.parse(publicBucket), logging: null })).json.findings;
    expect(none).toEqual(off);
    expect(none?.map((f) => f.checkId)).toContain('S3_LOGGING_OFF');
  });

  test('the README\'s own snapshot example evaluates', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const example = readme.split('<!-- bucket-snapshot-example -->')[1]?.match(/```json\n([\s\S]*?)```/)?.[1];
    expect(example).toBeDefined();
    const r = run(['evaluate', 'bucket', '-'], example);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ resource: { type: 's3-bucket', id: 'acme-site' }, status: 'NON_COMPLIANT', unknown: [] });
    expect(r.json.findings?.[0]).toMatchObject({ checkId: 'S3_POLICY_PUBLIC', severity: 'HIGH' });
  });
});

describe('--fail-on counts what could not be read', () => {
  const unread = JSON.stringify({ ...JSON.parse(publicBucket), policy: undefined, unreadable: { policy: 'AccessDenied: Access Denied' }, publicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: false }, accountPublicAccessBlock: null });
  test('an unread policy that could be public fails --fail-on HIGH, with a last stderr line', () => {
    const r = run(['evaluate', 'bucket', '-', '--fail-on', 'HIGH'], unread);
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe('exposure-guard: --fail-on HIGH: failing because 1 resource could not be fully read and could hide a finding at or above HIGH (--allow-incomplete gates on what was read only)');
  });
  test('--allow-incomplete: exit 0, and says so', () => {
    const r = run(['evaluate', 'bucket', '-', '--fail-on', 'HIGH', '--allow-incomplete'], unread);
    expect(r.code).toBe(0);
    expect(r.err.trim()).toMatch(/^exposure-guard: --fail-on HIGH: passing with --allow-incomplete although 1 resource/);
  });
});

describe('evaluate security-group', () => {
  const snapshot = readFileSync(join(FIXTURES, 'snapshots', 'sg-web-mixed-ssh.json'), 'utf8');

  test('a SecurityGroupSnapshot → the result with the SSH rule named by its id', () => {
    const r = run(['evaluate', 'security-group', '-'], snapshot);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ resource: { type: 'security-group', id: 'sg-0a1b2c3d4e5f60718' }, status: 'NON_COMPLIANT' });
    expect(r.json.findings?.map((f) => f.checkId)).toEqual(['SG_OPEN_HIGH_RISK_PORT']);
  });

  test('raw `aws ec2 describe-security-groups` output with one group is accepted', () => {
    const group = JSON.parse(snapshot);
    const r = run(['evaluate', 'security-group', '-'], JSON.stringify({ SecurityGroups: [group] }));
    expect(r.code).toBe(0);
    expect(r.json.findings?.map((f) => f.checkId)).toEqual(['SG_OPEN_HIGH_RISK_PORT']);
  });

  test('--config: allowedPublicPorts and highRiskPorts change the verdict', () => {
    const group = { GroupId: 'sg-0123456789abcdef0', GroupName: 'app', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8443, ToPort: 8443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }], IpPermissionsEgress: [], networkInterfaces: [] };
    expect(run(['evaluate', 'security-group', '-'], JSON.stringify(group)).json.findings?.map((f) => f.checkId)).toEqual(['SG_OPEN_UNAUTHORIZED_PORT']);
    const allowed = run(['evaluate', 'security-group', '-', '--config', 'c.json'], JSON.stringify(group), { 'c.json': '{"allowedPublicPorts":[443,8443]}' });
    expect(allowed.json.findings).toEqual([]);
    const risky = run(['evaluate', 'security-group', '-', '--config', 'c.json'], JSON.stringify(group), { 'c.json': '{"highRiskPorts":[8443]}' });
    expect(risky.json.findings?.map((f) => f.checkId)).toEqual(['SG_OPEN_HIGH_RISK_PORT']);
  });

  test.each([
    ['{"SecurityGroups":[]}', /holds 0 groups; pass one/],
    ['{"SecurityGroups":[{"GroupId":"sg-1"},{"GroupId":"sg-2"}]}', /holds 2 groups; pass one/],
    ['{"GroupName":"web"}', /GroupId: must be the security group id/],
    ['{"GroupId":"sg-0123456789abcdef0","IpPermissions":{}}', /IpPermissions: must be an array/],
    ['"sg-1"', /must be a JSON object/],
  ])('%s → exit 2', (input, message) => {
    const r = run(['evaluate', 'security-group', '-'], input);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(message);
  });

  test('targets for an EC2 event → the security groups', () => {
    expect(run(['targets', join(FIXTURES, 'cloudtrail', 'ec2-authorize-ingress-group-name.json')]).json).toEqual({
      targets: [{ type: 'security-group', groupId: 'sg-0c4d5e6f7a8b9c0d1', account: '123456789012', region: 'eu-west-1' }], skipped: null,
    });
  });
});
