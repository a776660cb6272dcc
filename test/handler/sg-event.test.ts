/**
 * The security-group path end to end with aws-sdk-client-mock: every event shape that can add
 * a world-open SSH rule → one CRITICAL email naming the rule id, the exposed interfaces and the fix.
 */
import { DescribeNetworkInterfacesCommand, DescribeSecurityGroupRulesCommand, DescribeSecurityGroupsCommand, EC2Client, DescribeInstancesCommand, DescribeManagedPrefixListsCommand, GetManagedPrefixListAssociationsCommand, GetManagedPrefixListEntriesCommand, RevokeSecurityGroupIngressCommand, type NetworkInterface } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { LocalClientFactory } from '../../lambda/adapters/clients';
import { SnsNotifier } from '../../lambda/adapters/sns-notifier';
import { resolveSettings } from '../../lambda/core/model/settings';
import { targets as targetsOf } from '../../lambda/core/events/targets';
import { evaluateSecurityGroupTarget, expandSecurityGroupTargets } from '../../lambda/app/evaluate-sg';
import { processEvent, type PipelineDeps } from '../../lambda/app/pipeline';
import { cloudTrailFixture } from '../fixtures/load';
import { ec2Error, snsError } from '../helpers/aws-errors';
import { mockGroupAccount, resetGroupAccount, type RuleSpec } from '../helpers/ec2-account';
import { RecordingLogger } from '../helpers/recording-logger';

const ec2 = mockClient(EC2Client);
const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ExposureGuard-Findings';
const META = { $metadata: { httpStatusCode: 200, requestId: 'EXAMPLE', attempts: 1, totalRetryDelay: 0 } };
const ACCOUNT = '123456789012';

let logger: RecordingLogger;
function deps(over: Partial<PipelineDeps> = {}): PipelineDeps {
  const clients = new LocalClientFactory('eu-west-1');
  // polls of a pending instance or a list change in progress never sleep in a test
  return { settings: resolveSettings(), clients, logger, notifier: new SnsNotifier(clients.client(SNSClient, {}), TOPIC), sleep: async () => undefined, ...over };
}

type Rule = RuleSpec;

/** A group in the mocked account (test/helpers/ec2-account.ts), its rules as EC2 lists them. */
function group(groupId: string, rules: Rule[], name = 'web'): void {
  mockGroupAccount(ec2, { groupId, rules, name });
}

function attached(interfaces: NetworkInterface[]): void {
  ec2.on(DescribeNetworkInterfacesCommand).resolves({ ...META, NetworkInterfaces: interfaces });
}
const publicEni = (groupId: string): NetworkInterface => ({
  NetworkInterfaceId: 'eni-0abc1234def567890', InterfaceType: 'interface', Description: 'Primary network interface',
  Attachment: { InstanceId: 'i-0123456789abcdef0', DeviceIndex: 0, Status: 'attached' },
  Association: { PublicIp: '203.0.113.25', PublicDnsName: 'ec2-203-0-113-25.eu-west-1.compute.amazonaws.com', IpOwnerId: 'amazon' },
  PrivateIpAddress: '10.0.1.15', Groups: [{ GroupId: groupId, GroupName: 'web' }], Ipv6Addresses: [],
});

const SSH_OPEN = (id = 'sgr-0a1a1a1a1a1a1a1a1'): Rule => ({ id, protocol: 'tcp', from: 22, to: 22, cidr: '0.0.0.0/0', description: 'temp ssh' });
const HTTPS_OPEN: Rule = { id: 'sgr-0b2b2b2b2b2b2b2b2', protocol: 'tcp', from: 443, to: 443, cidr: '0.0.0.0/0' };

beforeEach(() => {
  ec2.reset();
  resetGroupAccount(ec2);
  sns.reset();
  sns.on(PublishCommand).resolves({ ...META, MessageId: 'c3d2a4c1-7c1e-5f3e-9d2a-0f1e2d3c4b5a' });
  // a RunInstances' new instance, read once it runs: its groups are the ones the event names
  ec2.on(DescribeInstancesCommand).callsFake((input: { InstanceIds: string[] }) => ({ ...META, Reservations: [{ Instances: input.InstanceIds.map((InstanceId) => ({
    InstanceId, State: { Code: 16, Name: 'running' }, SecurityGroups: [],
  })) }] }));
  logger = new RecordingLogger();
});

function onlyMessage() {
  const calls = sns.commandCalls(PublishCommand);
  expect(calls).toHaveLength(1);
  const input = calls[0]!.args[0].input;
  const message = JSON.parse(input.Message!) as { default: string; email: string };
  return { input, email: message.email, result: JSON.parse(message.default) };
}

describe('a world-open SSH rule added by any event shape → one CRITICAL email', () => {
  test.each([
    ['SDK/console shape', 'ec2-authorize-ingress-sdk.json'],
    ['CLI flat shape (--cidr --port)', 'ec2-authorize-ingress-cli-flat.json'],
    ['groupName instead of groupId (id from responseElements)', 'ec2-authorize-ingress-group-name.json'],
    ['ModifySecurityGroupRules (PascalCase)', 'ec2-modify-security-group-rules.json'],
    ['CreateSecurityGroup (id only in responseElements)', 'ec2-create-security-group.json'],
    ['RunInstances attaching the group', 'ec2-run-instances-group-ids.json'],
  ])('%s', async (_name, file) => {
    const event = cloudTrailFixture(file);
    const { targets } = targetsOf(event);
    const groupId = (targets[0] as { groupId: string }).groupId;
    group(groupId, [SSH_OPEN(), HTTPS_OPEN]);
    attached([publicEni(groupId)]);
    ec2.on(DescribeInstancesCommand).resolves({ ...META, Reservations: [{ Instances: [{
      InstanceId: 'i-0a1b2c3d4e5f60718', State: { Code: 16, Name: 'running' }, SecurityGroups: [{ GroupId: groupId, GroupName: 'web' }],
    }] }] });

    await processEvent(event, deps(), evaluateSecurityGroupTarget, expandSecurityGroupTargets);

    const { input, email, result } = onlyMessage();
    expect(input.Subject).toBe(`[CRITICAL] SSH (22) open to the internet: ${groupId} "web" (123456789012 eu-west-1)`);
    expect(input.Subject!.length).toBeLessThan(100);
    expect(input.MessageAttributes).toMatchObject({
      severity: { StringValue: 'CRITICAL' }, resourceType: { StringValue: 'security-group' },
      checkIds: { StringValue: '["SG_OPEN_HIGH_RISK_PORT"]' }, account: { StringValue: ACCOUNT }, region: { StringValue: 'eu-west-1' },
    });
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({ checkId: 'SG_OPEN_HIGH_RISK_PORT', severity: 'CRITICAL', latent: false });
    expect(email).toContain('sgr-0a1a1a1a1a1a1a1a1');
    expect(email).toContain('eni-0abc1234def567890');
    expect(email).toContain('203.0.113.25');
    expect(email).toContain(`aws ec2 revoke-security-group-ingress --group-id ${groupId} --security-group-rule-ids sgr-0a1a1a1a1a1a1a1a1`);
    expect(email).not.toContain('sgr-0b2b2b2b2b2b2b2b2'); // 443 is allowed: never named
  });
});

test('the reads: group, rules and interfaces filtered by group-id', async () => {
  group('sg-0a1b2c3d4e5f60718', [SSH_OPEN()]);
  attached([]);
  await processEvent(cloudTrailFixture('ec2-authorize-ingress-sdk.json'), deps(), evaluateSecurityGroupTarget, expandSecurityGroupTargets);
  expect(ec2).toHaveReceivedCommandWith(DescribeSecurityGroupsCommand, { GroupIds: ['sg-0a1b2c3d4e5f60718'] });
  expect(ec2).toHaveReceivedCommandWith(DescribeSecurityGroupRulesCommand, { Filters: [{ Name: 'group-id', Values: ['sg-0a1b2c3d4e5f60718'] }] });
  expect(ec2).toHaveReceivedCommandWith(DescribeNetworkInterfacesCommand, { Filters: [{ Name: 'group-id', Values: ['sg-0a1b2c3d4e5f60718'] }] });
  expect(ec2).not.toHaveReceivedCommand(GetManagedPrefixListEntriesCommand);
});

test('a public 443 rule produces nothing at or above the default notify severity', async () => {
  group('sg-0a1b2c3d4e5f60718', [HTTPS_OPEN]);
  attached([publicEni('sg-0a1b2c3d4e5f60718')]);
  const [outcome] = await processEvent(cloudTrailFixture('ec2-authorize-ingress-sdk.json'), deps(), evaluateSecurityGroupTarget, expandSecurityGroupTargets);
  expect(outcome).toMatchObject({ kind: 'evaluated', notified: false, result: { status: 'COMPLIANT', findings: [] } });
  expect(sns).not.toHaveReceivedCommand(PublishCommand);
});

test('the same SSH rule on a group attached to nothing: latent MEDIUM, still reported', async () => {
  group('sg-0a1b2c3d4e5f60718', [SSH_OPEN()]);
  attached([]);
  await processEvent(cloudTrailFixture('ec2-authorize-ingress-sdk.json'), deps(), evaluateSecurityGroupTarget, expandSecurityGroupTargets);
  const { input, result } = onlyMessage();
  expect(input.Subject).toMatch(/^\[MEDIUM\]/);
  expect(result.findings[0]).toMatchObject({ checkId: 'SG_OPEN_HIGH_RISK_PORT', severity: 'MEDIUM', latent: true });
});

test('interfaces unreadable (UnauthorizedOperation): full severity, networkInterfaces listed as unknown', async () => {
  group('sg-0a1b2c3d4e5f60718', [SSH_OPEN()]);
  ec2.on(DescribeNetworkInterfacesCommand).rejects(ec2Error('UnauthorizedOperation', 403, 'You are not authorized to perform this operation.'));
  await processEvent(cloudTrailFixture('ec2-authorize-ingress-sdk.json'), deps(), evaluateSecurityGroupTarget, expandSecurityGroupTargets);
  const { result } = onlyMessage();
  expect(result.findings[0]).toMatchObject({ severity: 'CRITICAL', latent: false });
  expect(result.unknown).toContain('networkInterfaces');
});

test('prefix-list sources are resolved with GetManagedPrefixListEntries (all pages)', async () => {
  group('sg-0a1b2c3d4e5f60718', [{ id: 'sgr-0c3c3c3c3c3c3c3c3', protocol: 'tcp', from: 3389, to: 3389, prefixList: 'pl-0a1b2c3d4e5f67890' }]);
  attached([publicEni('sg-0a1b2c3d4e5f60718')]);
  ec2.on(GetManagedPrefixListEntriesCommand, { PrefixListId: 'pl-0a1b2c3d4e5f67890', MaxResults: 100 })
    .resolvesOnce({ ...META, Entries: [{ Cidr: '198.51.100.0/24', Description: 'office' }], NextToken: 'page-2' })
    .resolvesOnce({ ...META, Entries: [{ Cidr: '0.0.0.0/0', Description: 'oops' }] });
  await processEvent(cloudTrailFixture('ec2-authorize-ingress-sdk.json'), deps(), evaluateSecurityGroupTarget, expandSecurityGroupTargets);
  expect(ec2).toHaveReceivedCommandTimes(GetManagedPrefixListEntriesCommand, 2);
  const { result } = onlyMessage();
  expect(result.findings[0]).toMatchObject({ checkId: 'SG_OPEN_HIGH_RISK_PORT', severity: 'CRITICAL' });
});

test('an unreadable prefix list on an SSH rule: INCOMPLETE and notified at what it could hide (CRITICAL), with the read command', async () => {
  group('sg-0a1b2c3d4e5f60718', [{ id: 'sgr-0c3c3c3c3c3c3c3c3', protocol: 'tcp', from: 22, to: 22, prefixList: 'pl-0a1b2c3d4e5f67890' }]);
  attached([publicEni('sg-0a1b2c3d4e5f60718')]);
  ec2.on(GetManagedPrefixListEntriesCommand).rejects(ec2Error('UnauthorizedOperation', 403, 'You are not authorized to perform this operation.'));
  await processEvent(cloudTrailFixture('ec2-authorize-ingress-sdk.json'), deps(), evaluateSecurityGroupTarget, expandSecurityGroupTargets);
  const { input, email, result } = onlyMessage();
  expect(input.Subject).toBe('[CRITICAL] Could not be fully checked: sg-0a1b2c3d4e5f60718 "web" (123456789012 eu-west-1)');
  expect(result.status).toBe('INCOMPLETE');
  expect(email).toContain('prefixList:pl-0a1b2c3d4e5f67890: UnauthorizedOperation');
  expect(email).toContain('aws ec2 get-managed-prefix-list-entries --prefix-list-id pl-0a1b2c3d4e5f67890');
});

describe('a latent group made reachable, or a prefix list made the internet: the groups concerned are re-read', () => {
  const LATENT_GROUP = 'sg-0a1b2c3d4e5f60718';

  const running = (instanceId: string, state = 'running') => ({
    InstanceId: instanceId, State: { Code: state === 'running' ? 16 : 0, Name: state }, SecurityGroups: [{ GroupId: LATENT_GROUP, GroupName: 'web' }],
    NetworkInterfaces: [{ NetworkInterfaceId: 'eni-0abc1234def567890', Groups: [{ GroupId: LATENT_GROUP, GroupName: 'web' }] }],
  });
  beforeEach(() => {
    ec2.on(DescribeInstancesCommand).callsFake((input: { InstanceIds: string[] }) => ({ ...META, Reservations: [{ Instances: input.InstanceIds.map((id) => running(id)) }] }));
    ec2.on(DescribeManagedPrefixListsCommand).resolves({ ...META, PrefixLists: [{ PrefixListId: 'pl-0b8c9d0e1f2a3b4c5', State: 'modify-complete', Version: 4 }] });
  });

  test('AssociateAddress (an Elastic IP on the instance): the instance\'s groups are found and the now-public SSH rule is CRITICAL', async () => {
    group(LATENT_GROUP, [SSH_OPEN()]);
    attached([publicEni(LATENT_GROUP)]);
    await processEvent(cloudTrailFixture('ec2-associate-address-instance.json'), deps(), evaluateSecurityGroupTarget, expandSecurityGroupTargets);
    expect(ec2).toHaveReceivedCommandWith(DescribeInstancesCommand, { InstanceIds: ['i-0a1b2c3d4e5f60718'] });
    expect(onlyMessage().input.Subject).toMatch(/^\[CRITICAL\] SSH \(22\) open to the internet: sg-0a1b2c3d4e5f60718/);
  });

  test('StartInstances: a pending instance is read again until running (its auto-assigned public IP comes on the way), then judged', async () => {
    let reads = 0;
    ec2.on(DescribeInstancesCommand).callsFake((input: { InstanceIds: string[] }) => {
      reads += 1;
      return { ...META, Reservations: [{ Instances: input.InstanceIds.map((id) => running(id, reads <= 2 ? 'pending' : 'running')) }] };
    });
    group(LATENT_GROUP, [SSH_OPEN()]);
    attached([publicEni(LATENT_GROUP)]);
    const waits: number[] = [];
    const d = deps({ sleep: async (ms) => { waits.push(ms); } });
    await processEvent(cloudTrailFixture('ec2-start-instances.json'), d, evaluateSecurityGroupTarget, expandSecurityGroupTargets);
    expect(waits.length).toBeGreaterThan(0);
    expect(onlyMessage().input.Subject).toMatch(/^\[CRITICAL\] SSH \(22\) open/);
  });

  test('an instance still pending after every read: the event is retried, not judged on a missing address', async () => {
    ec2.on(DescribeInstancesCommand).callsFake((input: { InstanceIds: string[] }) => ({ ...META, Reservations: [{ Instances: input.InstanceIds.map((id) => running(id, 'pending')) }] }));
    await expect(processEvent(cloudTrailFixture('ec2-associate-address-instance.json'), deps({ sleep: async () => undefined }), evaluateSecurityGroupTarget, expandSecurityGroupTargets))
      .rejects.toMatchObject({ name: 'ChangeInProgressError' });
  });

  test.each([
    ['AssociateAddress (on an interface)', 'ec2-associate-address-eni.json', 'network-interface-id', 'eni-0b2c3d4e5f6a7b8c9'],
    ['AssignIpv6Addresses', 'ec2-assign-ipv6-addresses.json', 'network-interface-id', 'eni-0e5f6a7b8c9d0e1f2'],
    ['ModifyNetworkInterfaceAttribute with associatePublicIpAddress', 'ec2-modify-network-interface-public-ip.json', 'network-interface-id', 'eni-0a7b8c9d0e1f2a3b4'],
  ])('%s: the interface\'s groups are found and the now-public SSH rule is CRITICAL', async (_name, file, filter, id) => {
    group(LATENT_GROUP, [SSH_OPEN()]);
    attached([publicEni(LATENT_GROUP)]);
    const outcomes = await processEvent(cloudTrailFixture(file), deps(), evaluateSecurityGroupTarget, expandSecurityGroupTargets);
    expect(ec2).toHaveReceivedCommandWith(DescribeNetworkInterfacesCommand, { Filters: [{ Name: filter, Values: [id] }] });
    expect(outcomes).toHaveLength(1);
    const { input, result } = onlyMessage();
    expect(input.Subject).toMatch(/^\[CRITICAL\] SSH \(22\) open to the internet: sg-0a1b2c3d4e5f60718/);
    expect(result.trigger.eventName).toBe(cloudTrailFixture(file).detail.eventName);
  });

  test('ModifyManagedPrefixList still in progress: read again until applied; still in progress after every read → retried', async () => {
    ec2.on(DescribeManagedPrefixListsCommand).resolves({ ...META, PrefixLists: [{ PrefixListId: 'pl-0b8c9d0e1f2a3b4c5', State: 'modify-in-progress', Version: 3 }] });
    await expect(processEvent(cloudTrailFixture('ec2-modify-managed-prefix-list.json'), deps({ sleep: async () => undefined }), evaluateSecurityGroupTarget, expandSecurityGroupTargets))
      .rejects.toMatchObject({ name: 'ChangeInProgressError' });
    expect(ec2).toHaveReceivedCommandTimes(DescribeManagedPrefixListsCommand, 10);
    expect(ec2).not.toHaveReceivedCommand(GetManagedPrefixListAssociationsCommand);
  });

  test('a prefix list also used by another account\'s group: that group is not read here, and a warning names it', async () => {
    ec2.on(GetManagedPrefixListAssociationsCommand).resolves({ ...META, PrefixListAssociations: [{ ResourceId: 'sg-0ffffffffffffffff', ResourceOwner: '999988887777' }] });
    const outcomes = await processEvent(cloudTrailFixture('ec2-modify-managed-prefix-list.json'), deps(), evaluateSecurityGroupTarget, expandSecurityGroupTargets);
    expect(outcomes).toEqual([]);
    expect(logger.find('prefix list shared')[0]).toMatchObject({ level: 'warn', data: { groupsInOtherAccounts: [{ groupId: 'sg-0ffffffffffffffff', account: '999988887777' }] } });
  });

  test('StartInstances with two instances sharing a group: the group evaluated once', async () => {
    group(LATENT_GROUP, [SSH_OPEN()]);
    attached([publicEni(LATENT_GROUP)]);
    const outcomes = await processEvent(cloudTrailFixture('ec2-start-instances.json'), deps(), evaluateSecurityGroupTarget, expandSecurityGroupTargets);
    expect(outcomes).toHaveLength(1);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  test('an instance gone before the read: logged as gone, nothing evaluated, no error', async () => {
    ec2.on(DescribeInstancesCommand).rejects(ec2Error('InvalidInstanceID.NotFound', 400, "The instance ID 'i-0a1b2c3d4e5f60718' does not exist"));
    const outcomes = await processEvent(cloudTrailFixture('ec2-associate-address-instance.json'), deps(), evaluateSecurityGroupTarget, expandSecurityGroupTargets);
    expect(outcomes).toEqual([]);
    expect(logger.find('resource gone')[0]?.data).toMatchObject({ reason: expect.stringContaining('i-0a1b2c3d4e5f60718') });
    // read again first: just after a launch EC2 may not know the id yet
    expect(ec2).toHaveReceivedCommandTimes(DescribeInstancesCommand, 10);
  });

  test('the instance cannot be read: the error propagates (Lambda retries, the dead-letter queue and its alarm keep it)', async () => {
    ec2.on(DescribeInstancesCommand).rejects(ec2Error('UnauthorizedOperation', 403, 'You are not authorized to perform this operation.'));
    await expect(processEvent(cloudTrailFixture('ec2-associate-address-instance.json'), deps(), evaluateSecurityGroupTarget, expandSecurityGroupTargets))
      .rejects.toMatchObject({ name: 'UnauthorizedOperation' });
  });

  test('a group named outright is evaluated even when the interface beside it cannot be resolved; then the error propagates', async () => {
    group(LATENT_GROUP, [SSH_OPEN()]);
    ec2.on(DescribeNetworkInterfacesCommand).callsFake((input: { Filters?: { Name: string }[] }) => {
      if (input.Filters?.[0]?.Name === 'network-interface-id') throw ec2Error('RequestLimitExceeded', 503, 'Request limit exceeded.');
      return { ...META, NetworkInterfaces: [publicEni(LATENT_GROUP)] };
    });
    const event = cloudTrailFixture('ec2-modify-network-interface-groups.json');
    Object.assign(event.detail.requestParameters as object, { groupSet: { items: [{ groupId: LATENT_GROUP }] }, associatePublicIpAddress: true });
    await expect(processEvent(event, deps(), evaluateSecurityGroupTarget, expandSecurityGroupTargets)).rejects.toMatchObject({ name: 'RequestLimitExceeded' });
    expect(onlyMessage().input.Subject).toMatch(/^\[CRITICAL\] SSH \(22\) open to the internet: sg-0a1b2c3d4e5f60718/);
    expect(logger.find('event failed')[0]?.data).toMatchObject({ step: 'resolving targets', error: { name: 'RequestLimitExceeded' } });
  });

  test('ModifyManagedPrefixList adding 0.0.0.0/0: every group using the list is re-read; enforce never revokes the prefix-list rule, it names the entry to remove', async () => {
    const LIST = 'pl-0b8c9d0e1f2a3b4c5';
    group(LATENT_GROUP, [{ id: 'sgr-0c3c3c3c3c3c3c3c3', protocol: 'tcp', from: 22, to: 22, prefixList: LIST }]);
    attached([publicEni(LATENT_GROUP)]);
    ec2.on(GetManagedPrefixListAssociationsCommand).resolves({ ...META, PrefixListAssociations: [
      { ResourceId: LATENT_GROUP, ResourceOwner: ACCOUNT }, { ResourceId: 'rtb-0a1b2c3d4e5f60718', ResourceOwner: ACCOUNT },
    ] });
    ec2.on(GetManagedPrefixListEntriesCommand).resolves({ ...META, Entries: [{ Cidr: '198.51.100.0/24', Description: 'office' }, { Cidr: '0.0.0.0/0', Description: 'anywhere' }] });
    const d = deps({ settings: resolveSettings({ remediation: { securityGroupIngress: 'enforce' } }) });
    const outcomes = await processEvent(cloudTrailFixture('ec2-modify-managed-prefix-list.json'), d, evaluateSecurityGroupTarget, expandSecurityGroupTargets);
    expect(ec2).toHaveReceivedCommandWith(GetManagedPrefixListAssociationsCommand, { PrefixListId: LIST });
    expect(outcomes).toHaveLength(1);
    expect(ec2).not.toHaveReceivedCommand(RevokeSecurityGroupIngressCommand);
    const { input, email, result } = onlyMessage();
    expect(input.Subject).toMatch(/^\[CRITICAL\] SSH \(22\) open to the internet: sg-0a1b2c3d4e5f60718/);
    expect(result.remediation).toMatchObject({ outcome: 'SKIPPED_UNSAFE' });
    expect(email).toContain(`aws ec2 modify-managed-prefix-list --prefix-list-id ${LIST} --region eu-west-1 --remove-entries Cidr=0.0.0.0/0`);
  });

  test('a prefix list no group uses: recorded, nothing evaluated', async () => {
    ec2.on(GetManagedPrefixListAssociationsCommand).resolves({ ...META, PrefixListAssociations: [] });
    const outcomes = await processEvent(cloudTrailFixture('ec2-modify-managed-prefix-list.json'), deps(), evaluateSecurityGroupTarget, expandSecurityGroupTargets);
    expect(outcomes).toEqual([]);
    expect(logger.find('prefix list unused')).toHaveLength(1);
  });
});

test('a prefix list that cannot be read: INCOMPLETE, never COMPLIANT', async () => {
  group('sg-0a1b2c3d4e5f60718', [{ id: 'sgr-0c3c3c3c3c3c3c3c3', protocol: 'tcp', from: 22, to: 22, prefixList: 'pl-0a1b2c3d4e5f67890' }]);
  attached([publicEni('sg-0a1b2c3d4e5f60718')]);
  ec2.on(GetManagedPrefixListEntriesCommand).rejects(ec2Error('InvalidPrefixListID.NotFound', 400, "The prefix list ID 'pl-0a1b2c3d4e5f67890' does not exist"));
  const [outcome] = await processEvent(cloudTrailFixture('ec2-authorize-ingress-sdk.json'), deps(), evaluateSecurityGroupTarget, expandSecurityGroupTargets);
  expect(outcome).toMatchObject({ kind: 'evaluated', result: { status: 'INCOMPLETE' } });
  expect((outcome as { result: { unknown: string[] } }).result.unknown.join(' ')).toContain('pl-0a1b2c3d4e5f67890');
});

test('the group deleted before evaluation (InvalidGroup.NotFound): logged as gone, no finding, no error', async () => {
  ec2.on(DescribeSecurityGroupsCommand).rejects(ec2Error('InvalidGroup.NotFound', 400, "The security group 'sg-0a1b2c3d4e5f60718' does not exist"));
  ec2.on(DescribeSecurityGroupRulesCommand).resolves({ ...META, SecurityGroupRules: [] });
  attached([]);
  const outcomes = await processEvent(cloudTrailFixture('ec2-authorize-ingress-sdk.json'), deps(), evaluateSecurityGroupTarget, expandSecurityGroupTargets);
  expect(outcomes).toEqual([{ kind: 'gone', reason: expect.stringMatching(/sg-0a1b2c3d4e5f60718 no longer exists/) }]);
  expect(sns).not.toHaveReceivedCommand(PublishCommand);
  expect(logger.find('resource gone')).toHaveLength(1);
});

test('RunInstances with two network interfaces evaluates each group once', async () => {
  const event = cloudTrailFixture('ec2-run-instances-network-interfaces.json');
  group('sg-0b2c3d4e5f6a7b8c9', [HTTPS_OPEN], 'lb');
  group('sg-0c4d5e6f7a8b9c0d1', [HTTPS_OPEN], 'app');
  attached([]);
  const outcomes = await processEvent(event, deps(), evaluateSecurityGroupTarget, expandSecurityGroupTargets);
  expect(outcomes.map((o) => o.kind === 'evaluated' && o.result.resource.id)).toEqual(['sg-0b2c3d4e5f6a7b8c9', 'sg-0c4d5e6f7a8b9c0d1']);
});

test('throttling that outlasts the SDK retries propagates for Lambda to retry', async () => {
  ec2.on(DescribeSecurityGroupsCommand).rejects(ec2Error('RequestLimitExceeded', 503, 'Request limit exceeded.'));
  ec2.on(DescribeSecurityGroupRulesCommand).resolves({ ...META, SecurityGroupRules: [] });
  attached([]);
  await expect(processEvent(cloudTrailFixture('ec2-authorize-ingress-sdk.json'), deps(), evaluateSecurityGroupTarget, expandSecurityGroupTargets)).rejects.toMatchObject({ name: 'RequestLimitExceeded' });
});

test('SNS failing propagates after the evaluation is logged', async () => {
  group('sg-0a1b2c3d4e5f60718', [SSH_OPEN()]);
  attached([publicEni('sg-0a1b2c3d4e5f60718')]);
  sns.on(PublishCommand).rejects(snsError('ThrottledException', 400, 'Rate exceeded'));
  await expect(processEvent(cloudTrailFixture('ec2-authorize-ingress-sdk.json'), deps(), evaluateSecurityGroupTarget, expandSecurityGroupTargets)).rejects.toMatchObject({ name: 'ThrottledException' });
  expect(logger.find('notification failed')).toHaveLength(1);
});

test('an event that names no group is skipped with a reason and reads nothing', async () => {
  expect(await processEvent(cloudTrailFixture('ec2-modify-network-interface-source-dest.json'), deps(), evaluateSecurityGroupTarget, expandSecurityGroupTargets)).toEqual([]);
  expect(ec2.calls()).toHaveLength(0);
  expect(logger.find('event skipped')[0]?.data.reason).toMatch(/changes no security groups/);
});

test('the deployed entry point builds from the environment and fails fast without TOPIC_ARN', () => {
  const env = { ...process.env };
  delete process.env.TOPIC_ARN;
  expect(() => jest.isolateModules(() => require('../../lambda/handlers/sg-event'))).toThrow(/TOPIC_ARN/);
  process.env = env;
});
