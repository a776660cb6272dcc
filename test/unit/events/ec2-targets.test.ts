/**
 * `ec2Targets` / `targets()` for every EC2 event name, on the shapes of reference/cloudtrail-events.md:
 * console/SDK `ipPermissions.items`, the CLI flat form with `"ipPermissions": {}`, `groupName` with
 * the id only in the response, ModifySecurityGroupRules in PascalCase, CreateSecurityGroup's id in
 * the response, `{}` for empty lists, RunInstances' three places for groups.
 */
import fc from 'fast-check';
import { readEnvelope, type CloudTrailEnvelope } from '../../../lambda/core/events/cloudtrail';
import { EC2_EVENT_NAMES, ec2Targets } from '../../../lambda/core/events/ec2-targets';
import { targets } from '../../../lambda/core/events/targets';
import { cloudTrailFixture } from '../../fixtures/load';

const sg = (...groupIds: string[]) => ({
  targets: groupIds.map((groupId) => ({ type: 'security-group', groupId, account: '123456789012', region: 'eu-west-1' })),
  skipped: null,
});

const of = (...targets: Record<string, string>[]) => ({
  targets: targets.map((t) => ({ ...t, account: '123456789012', region: 'eu-west-1' })),
  skipped: null,
});

/** RunInstances also names the new instance: its groups are judged again once it runs (its public IP comes then). */
const withInstance = (r: ReturnType<typeof sg>, instanceId: string) => ({
  targets: [...r.targets, { type: 'ec2-instance', instanceId, account: '123456789012', region: 'eu-west-1' }] as Record<string, string>[],
  skipped: null,
});

function envelope(event: unknown): CloudTrailEnvelope {
  const read = readEnvelope(event);
  if (!read.ok) throw new Error(read.reason);
  return read.envelope;
}

const named: Array<[string, { targets: Record<string, string>[]; skipped: null }]> = [
  ['ec2-authorize-ingress-sdk.json', sg('sg-0a1b2c3d4e5f60718')],
  ['ec2-authorize-ingress-cli-flat.json', sg('sg-08f3e2d1c0b9a8776')],
  ['ec2-authorize-ingress-group-name.json', sg('sg-0c4d5e6f7a8b9c0d1')],
  ['ec2-authorize-egress.json', sg('sg-0b2c3d4e5f6a7b8c9')],
  ['ec2-revoke-ingress-rule-ids.json', sg('sg-0a1b2c3d4e5f60718')],
  ['ec2-revoke-egress.json', sg('sg-0d5e6f7a8b9c0d1e2')],
  ['ec2-modify-security-group-rules.json', sg('sg-0e6f7a8b9c0d1e2f3')],
  ['ec2-create-security-group.json', sg('sg-0f7a8b9c0d1e2f3a4')],
  ['ec2-modify-network-interface-groups.json', sg('sg-0a1b2c3d4e5f60718', 'sg-0b2c3d4e5f6a7b8c9')],
  ['ec2-run-instances-group-ids.json', withInstance(sg('sg-0a1b2c3d4e5f60718'), 'i-0a1b2c3d4e5f60718')],
  ['ec2-run-instances-network-interfaces.json', withInstance(sg('sg-0b2c3d4e5f6a7b8c9', 'sg-0c4d5e6f7a8b9c0d1'), 'i-0b2c3d4e5f6a7b8c9')],
  ['ec2-run-instances-group-names.json', withInstance(sg('sg-0c4d5e6f7a8b9c0d1'), 'i-0c4d5e6f7a8b9c0d1')],
  ['ec2-run-instances-default-group.json', withInstance(sg('sg-0123abcd4567ef890'), 'i-0d5e6f7a8b9c0d1e2')],
  ['ec2-create-network-interface.json', sg('sg-0e6f7a8b9c0d1e2f3')],
  ['ec2-modify-instance-attribute-groupset.json', sg('sg-0a1b2c3d4e5f60718', 'sg-0f6a7b8c9d0e1f2a3')],
  ['ec2-associate-address-instance.json', of({ type: 'ec2-instance', instanceId: 'i-0a1b2c3d4e5f60718' })],
  ['ec2-associate-address-eni.json', of({ type: 'network-interface', networkInterfaceId: 'eni-0b2c3d4e5f6a7b8c9' })],
  ['ec2-start-instances.json', of({ type: 'ec2-instance', instanceId: 'i-0c3d4e5f6a7b8c9d0' }, { type: 'ec2-instance', instanceId: 'i-0d4e5f6a7b8c9d0e1' })],
  ['ec2-assign-ipv6-addresses.json', of({ type: 'network-interface', networkInterfaceId: 'eni-0e5f6a7b8c9d0e1f2' })],
  ['ec2-modify-network-interface-public-ip.json', of({ type: 'network-interface', networkInterfaceId: 'eni-0a7b8c9d0e1f2a3b4' })],
  ['ec2-modify-managed-prefix-list.json', of({ type: 'prefix-list', prefixListId: 'pl-0b8c9d0e1f2a3b4c5' })],
  ['ec2-restore-managed-prefix-list-version.json', of({ type: 'prefix-list', prefixListId: 'pl-0b8c9d0e1f2a3b4c5' })],
];

describe('every event shape names its groups', () => {
  test.each(named)('targets(%s)', (file, expected) => {
    expect(targets(cloudTrailFixture(file))).toEqual(expected);
  });

  test.each(named)('ec2Targets(%s)', (file, expected) => {
    expect(ec2Targets(envelope(cloudTrailFixture(file)))).toEqual(expected);
  });

  test('every EC2 event name has a fixture', () => {
    const covered = new Set(named.map(([file]) => cloudTrailFixture(file).detail.eventName));
    expect([...covered].sort()).toEqual([...EC2_EVENT_NAMES].sort());
  });

  test('fixtures are full EventBridge CloudTrail events', () => {
    for (const [file] of named) {
      const e = cloudTrailFixture(file);
      expect(e).toMatchObject({ version: '0', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.ec2', resources: [] });
      expect(e.detail).toMatchObject({ eventSource: 'ec2.amazonaws.com', eventType: 'AwsApiCall', recipientAccountId: '123456789012' });
      for (const key of ['eventVersion', 'userIdentity', 'eventTime', 'awsRegion', 'sourceIPAddress', 'userAgent', 'requestParameters', 'responseElements', 'requestID', 'eventID']) {
        expect(e.detail).toHaveProperty(key);
      }
    }
  });
});

describe('shapes that break naive parsers', () => {
  const base = () => cloudTrailFixture('ec2-authorize-ingress-sdk.json');
  const withDetail = (patch: Record<string, unknown>) => {
    const e = base();
    return { ...e, detail: { ...e.detail, ...patch } };
  };

  test.each<[string, Record<string, unknown>, ReturnType<typeof sg>]>([
    ['groupId wrapped in an array (older records)', { requestParameters: { groupId: ['sg-0a1b2c3d4e5f60718'] }, responseElements: null }, sg('sg-0a1b2c3d4e5f60718')],
    ['the same id in request and response is one target', {}, sg('sg-0a1b2c3d4e5f60718')],
    ['request and response disagree: both re-evaluated', { responseElements: { securityGroupRuleSet: { items: [{ groupId: 'sg-0ffffffffffffffff' }] } } }, sg('sg-0a1b2c3d4e5f60718', 'sg-0ffffffffffffffff')],
    ['an 8-hex legacy id', { requestParameters: { groupId: 'sg-1a2b3c4d' }, responseElements: {} }, sg('sg-1a2b3c4d')],
    ['a single rule item as an object, not an array', { requestParameters: { groupName: 'x' }, responseElements: { securityGroupRuleSet: { items: { groupId: 'sg-0a1b2c3d4e5f60718' } } } }, sg('sg-0a1b2c3d4e5f60718')],
    ['ModifySecurityGroupRules with GroupId at the top (a flattened recorder)', { eventName: 'ModifySecurityGroupRules', requestParameters: { GroupId: 'sg-0e6f7a8b9c0d1e2f3' }, responseElements: {} }, sg('sg-0e6f7a8b9c0d1e2f3')],
  ])('%s', (_name, patch, expected) => {
    expect(targets(withDetail(patch))).toEqual(expected);
  });

  test('valid ids are kept when an invalid one sits beside them', () => {
    const e = cloudTrailFixture('ec2-modify-network-interface-groups.json');
    e.detail.requestParameters = { networkInterfaceId: 'eni-1', groupSet: { items: [{ groupId: 'sg-NOPE' }, { groupId: 'sg-0a1b2c3d4e5f60718' }, { groupId: 42 }] } };
    expect(targets(e)).toEqual(sg('sg-0a1b2c3d4e5f60718'));
  });

  test('groups referenced as a rule source are not targets (they did not change)', () => {
    const e = base();
    e.detail.requestParameters = {
      groupId: 'sg-0a1b2c3d4e5f60718',
      ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, groups: { items: [{ groupId: 'sg-0bbbbbbbbbbbbbbbb' }] } }] },
    };
    e.detail.responseElements = { _return: true, securityGroupRuleSet: { items: [{ groupId: 'sg-0a1b2c3d4e5f60718', referencedGroupInfo: { groupId: 'sg-0bbbbbbbbbbbbbbbb' } }] } };
    expect(targets(e)).toEqual(sg('sg-0a1b2c3d4e5f60718'));
  });

  test('account and region come from the envelope, and are left out when unknown', () => {
    const e = base();
    delete (e as Record<string, unknown>).account;
    delete (e as Record<string, unknown>).region;
    delete e.detail.recipientAccountId;
    delete e.detail.awsRegion;
    delete (e.detail.userIdentity as Record<string, unknown>).accountId;
    expect(targets(e)).toEqual({ targets: [{ type: 'security-group', groupId: 'sg-0a1b2c3d4e5f60718' }], skipped: null });
  });
});

describe('nothing to name: skipped with a clear reason, never thrown', () => {
  test.each<[string, RegExp]>([
    ['ec2-authorize-ingress-group-name-no-response.json', /AuthorizeSecurityGroupIngress names security groups only by name \(launch-wizard-4\) and its response carries no group id/],
    ['ec2-authorize-ingress-invalid-group-id.json', /names no valid security group id \(got "sg-NOTREAL"\)/],
    ['ec2-modify-network-interface-source-dest.json', /ModifyNetworkInterfaceAttribute on eni-0b2c3d4e5f6a7b8c9 changes no security groups and no public address/],
    ['ec2-modify-instance-attribute-other.json', /ModifyInstanceAttribute on i-[0-9a-f]+ changes no security groups \(no groupSet\)/],
  ])('%s', (file, reason) => {
    for (const r of [targets(cloudTrailFixture(file)), ec2Targets(envelope(cloudTrailFixture(file)))]) {
      expect(r.targets).toEqual([]);
      expect(r.skipped).toMatch(reason);
    }
  });

  test('a failed call (errorCode) is skipped by targets() before ec2Targets sees it', () => {
    expect(targets(cloudTrailFixture('ec2-authorize-ingress-error.json'))).toEqual({
      targets: [],
      skipped: 'AuthorizeSecurityGroupIngress failed (Client.InvalidPermission.Duplicate): nothing changed',
    });
  });

  const base = () => cloudTrailFixture('ec2-authorize-ingress-sdk.json');
  test.each<[string, unknown, RegExp]>([
    ['null', null, /not a JSON object/],
    ['missing detail', { ...base(), detail: undefined }, /no detail/],
    ['detail is an array', { ...base(), detail: [] }, /no detail/],
    ['no eventName', { ...base(), detail: { ...base().detail, eventName: undefined } }, /eventName is missing/],
    ['requestParameters null, responseElements null', { ...base(), detail: { ...base().detail, requestParameters: null, responseElements: null } }, /names no security group id/],
    ['requestParameters a string', { ...base(), detail: { ...base().detail, requestParameters: 'groupId=sg-0a1b2c3d4e5f60718', responseElements: null } }, /names no security group id/],
    ['items is null', { ...base(), detail: { ...base().detail, requestParameters: { groupSet: { items: null } }, responseElements: { securityGroupRuleSet: { items: null } } } }, /names no security group id/],
    ['an EC2 name from another service', { ...base(), detail: { ...base().detail, eventSource: 's3.amazonaws.com' } }, /is not an EC2 call/],
    ['RunInstances with nothing but {}', { ...base(), detail: { ...base().detail, eventName: 'RunInstances', requestParameters: { groupSet: {}, networkInterfaceSet: {} }, responseElements: { instancesSet: {} } } }, /RunInstances names no security group id/],
    ['AssociateAddress naming neither instance nor interface (EC2-Classic publicIp only)', { ...base(), detail: { ...base().detail, eventName: 'AssociateAddress', requestParameters: { publicIp: '203.0.113.9' }, responseElements: { _return: true } } }, /AssociateAddress names no valid instance or network interface id/],
    ['ModifyManagedPrefixList without an id', { ...base(), detail: { ...base().detail, eventName: 'ModifyManagedPrefixList', requestParameters: { ModifyManagedPrefixListRequest: { AddEntry: { cidr: '0.0.0.0/0' } } }, responseElements: null } }, /names no valid prefix list id/],
    ['an event no rule matches', { ...base(), detail: { ...base().detail, eventName: 'DescribeInstances' } }, /not an event Exposure Guard evaluates/],
  ])('%s', (_name, event, reason) => {
    const r = targets(event);
    expect(r.targets).toEqual([]);
    expect(r.skipped).toMatch(reason);
  });

  test('a hand-built envelope with missing parts does not throw', () => {
    const broken = { eventName: 'RunInstances', eventSource: 'ec2.amazonaws.com', detail: {} } as unknown as CloudTrailEnvelope;
    expect(ec2Targets(broken)).toEqual({ targets: [], skipped: expect.stringMatching(/^RunInstances could not be read/) });
  });

  test('never throws, whatever the request and response hold', () => {
    fc.assert(fc.property(fc.constantFrom(...EC2_EVENT_NAMES), fc.jsonValue(), fc.jsonValue(), (eventName, rp, re) => {
      const e = base();
      e.detail = { ...e.detail, eventName, requestParameters: rp, responseElements: re };
      const r = targets(e);
      expect(Array.isArray(r.targets)).toBe(true);
      for (const t of r.targets) {
        expect(t).toEqual(expect.objectContaining(t.type === 'security-group' ? { groupId: expect.stringMatching(/^sg-[0-9a-f]{8,17}$/) }
          : t.type === 'ec2-instance' ? { instanceId: expect.stringMatching(/^i-[0-9a-f]{8,17}$/) }
            : t.type === 'network-interface' ? { networkInterfaceId: expect.stringMatching(/^eni-[0-9a-f]{8,17}$/) }
              : { prefixListId: expect.stringMatching(/^pl-[0-9a-f]{8,17}$/) }));
      }
      expect(r.targets.length > 0 ? r.skipped === null : typeof r.skipped === 'string').toBe(true);
    }), { numRuns: 500 });
  });
});
