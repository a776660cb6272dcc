/**
 * Which security groups an EC2 CloudTrail event touched. Only group ids are taken from the event:
 * the state is always re-read, because requestParameters is what was asked, not what is. Every
 * documented place of the id is read for every event, because the same call is recorded
 * differently by the console, the SDKs and the CLI's flat form.
 */
import { isObject, type Json } from '../model/json';
import { firstString, items, type CloudTrailEnvelope } from './cloudtrail';
import type { Target, TargetsResult } from './target';

export const EC2_RULE_EVENTS = [
  'AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress',
  'RevokeSecurityGroupEgress', 'ModifySecurityGroupRules', 'CreateSecurityGroup',
] as const;
/** Attachment changes: a world-open group becomes live (or latent) without any rule change. */
export const EC2_ATTACHMENT_EVENTS = ['ModifyNetworkInterfaceAttribute', 'RunInstances', 'CreateNetworkInterface', 'ModifyInstanceAttribute'] as const;
/**
 * Reachability changes: a latent world-open group becomes live when its instance or interface
 * gains a public address (an Elastic IP, an auto-assigned IP on start, an IPv6 address).
 */
export const EC2_REACHABILITY_EVENTS = ['AssociateAddress', 'StartInstances', 'AssignIpv6Addresses'] as const;
/** A prefix list's entries are the sources of every rule that names it. */
export const EC2_PREFIX_LIST_EVENTS = ['ModifyManagedPrefixList', 'RestoreManagedPrefixListVersion'] as const;
export const EC2_EVENT_NAMES: readonly string[] = [...EC2_RULE_EVENTS, ...EC2_ATTACHMENT_EVENTS, ...EC2_REACHABILITY_EVENTS, ...EC2_PREFIX_LIST_EVENTS];

const GROUP_ID = /^sg-[0-9a-f]{8,17}$/;
const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;
const INTERFACE_ID = /^eni-[0-9a-f]{8,17}$/;
const PREFIX_LIST_ID = /^pl-[0-9a-f]{8,17}$/;

/** `{ groupSet: { items: [{ groupId }] } }` → the groupIds (and the groupNames, for the skip reason). */
function groupSet(owner: unknown): { ids: unknown[]; names: string[] } {
  const entries = isObject(owner) ? items(owner.groupSet) : [];
  return {
    ids: entries.map((g) => g.groupId),
    names: entries.map((g) => firstString(g.groupName)).filter((n): n is string => n !== undefined),
  };
}

interface Found {
  ids: unknown[];
  names: string[];
}

function collect(found: Found, part: { ids: unknown[]; names?: string[] }): void {
  found.ids.push(...part.ids);
  found.names.push(...(part.names ?? []));
}

function fromRuleCalls(rp: Json, re: Json, found: Found): void {
  collect(found, { ids: [rp.groupId, re.groupId], names: [firstString(rp.groupName)].filter((n): n is string => n !== undefined) });
  for (const set of [re.securityGroupRuleSet, re.revokedSecurityGroupRuleSet]) {
    collect(found, { ids: items(set).map((r) => r.groupId) });
  }
  // ModifySecurityGroupRules is recorded in the API's PascalCase.
  const modify = rp.ModifySecurityGroupRulesRequest;
  if (isObject(modify)) collect(found, { ids: [modify.GroupId] });
  collect(found, { ids: [rp.GroupId] });
}

function fromAttachments(rp: Json, re: Json, found: Found): void {
  collect(found, groupSet(rp));
  for (const ni of items(rp.networkInterfaceSet)) collect(found, groupSet(ni));
  collect(found, groupSet(re));
  for (const instance of items(re.instancesSet)) {
    collect(found, groupSet(instance));
    for (const ni of items(instance.networkInterfaceSet)) collect(found, groupSet(ni));
  }
  collect(found, groupSet(re.networkInterface));
}

function dedupe<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function skipReason(e: CloudTrailEnvelope, found: Found, invalid: string[]): string {
  if (invalid.length > 0) return `${e.eventName} names no valid security group id (got ${invalid.map((i) => JSON.stringify(i)).join(', ')})`;
  const names = dedupe(found.names);
  if (names.length > 0) {
    return `${e.eventName} names security groups only by name (${names.join(', ')}) and its response carries no group id`;
  }
  if (e.eventName === 'ModifyNetworkInterfaceAttribute') {
    const eni = firstString(e.requestParameters.networkInterfaceId);
    return `ModifyNetworkInterfaceAttribute${eni ? ` on ${eni}` : ''} changes no security groups and no public address (no groupSet, no associatePublicIpAddress)`;
  }
  if (e.eventName === 'ModifyInstanceAttribute') {
    const instance = firstString(e.requestParameters.instanceId);
    return `ModifyInstanceAttribute${instance ? ` on ${instance}` : ''} changes no security groups (no groupSet)`;
  }
  if ((EC2_REACHABILITY_EVENTS as readonly string[]).includes(e.eventName)) {
    return `${e.eventName} names no valid instance or network interface id`;
  }
  return `${e.eventName} names no security group id (no groupId in the request or response)`;
}

/** A boolean as CloudTrail may record it: `true`, `"true"`, `{ "value": true }`. */
function flagSet(value: unknown): boolean {
  const v = isObject(value) ? value.value : value;
  return v === true || v === 'true';
}

function validIds(values: unknown[], pattern: RegExp): string[] {
  return dedupe(values.map(firstString).filter((t): t is string => t !== undefined).map((t) => t.trim()).filter((t) => pattern.test(t)));
}

/** The instances and interfaces whose groups a reachability change concerns. */
function reachabilityTargets(e: CloudTrailEnvelope, base: { account?: string; region?: string }): Target[] {
  const rp = e.requestParameters;
  const re = e.responseElements;
  const instances: unknown[] = [];
  const interfaces: unknown[] = [];
  switch (e.eventName) {
    case 'AssociateAddress':
      instances.push(rp.instanceId);
      interfaces.push(rp.networkInterfaceId);
      break;
    case 'StartInstances':
      instances.push(...items(rp.instancesSet).map((i) => i.instanceId), ...items(re.instancesSet).map((i) => i.instanceId));
      break;
    case 'RunInstances':
      // A new instance is pending when the event arrives: its auto-assigned public IPv4 is not there
      // yet, so its groups are judged once it runs (they are named as groups too, and evaluated once).
      instances.push(...items(re.instancesSet).map((i) => i.instanceId));
      break;
    case 'AssignIpv6Addresses':
      interfaces.push(rp.networkInterfaceId, re.networkInterfaceId);
      break;
    case 'ModifyInstanceAttribute':
      // An SDK record of a group change may name the attribute but not the ids: re-read the instance's groups.
      if (firstString(rp.attribute) === 'groupSet') instances.push(rp.instanceId);
      break;
    case 'ModifyNetworkInterfaceAttribute':
      if (rp.associatePublicIpAddress !== undefined && flagSet(rp.associatePublicIpAddress)) interfaces.push(rp.networkInterfaceId);
      break;
  }
  return [
    ...validIds(instances, INSTANCE_ID).map((instanceId): Target => ({ type: 'ec2-instance', instanceId, ...base })),
    ...validIds(interfaces, INTERFACE_ID).map((networkInterfaceId): Target => ({ type: 'network-interface', networkInterfaceId, ...base })),
  ];
}

/** ModifyManagedPrefixList is recorded in the API's PascalCase (like ModifySecurityGroupRules); lowerCamel accepted too. */
function prefixListTargets(e: CloudTrailEnvelope, base: { account?: string; region?: string }): TargetsResult {
  const rp = e.requestParameters;
  const re = e.responseElements;
  const request = rp[`${e.eventName}Request`];
  const response = re[`${e.eventName}Response`];
  const ids = validIds([
    isObject(request) ? request.PrefixListId : undefined, rp.prefixListId, rp.PrefixListId,
    isObject(response) && isObject(response.prefixList) ? response.prefixList.prefixListId : undefined,
    isObject(re.prefixList) ? re.prefixList.prefixListId : undefined,
  ], PREFIX_LIST_ID);
  if (ids.length === 0) return { targets: [], skipped: `${e.eventName} names no valid prefix list id` };
  return { targets: ids.map((prefixListId) => ({ type: 'prefix-list', prefixListId, ...base })), skipped: null };
}

function groupIdsOf(e: CloudTrailEnvelope): TargetsResult {
  const base = { ...(e.account ? { account: e.account } : {}), ...(e.region ? { region: e.region } : {}) };
  if ((EC2_PREFIX_LIST_EVENTS as readonly string[]).includes(e.eventName)) return prefixListTargets(e, base);
  const found: Found = { ids: [], names: [] };
  const rp = e.requestParameters;
  const re = e.responseElements;
  if ((EC2_RULE_EVENTS as readonly string[]).includes(e.eventName)) fromRuleCalls(rp, re, found);
  else fromAttachments(rp, re, found);
  const texts = dedupe(found.ids.map(firstString).filter((t): t is string => t !== undefined).map((t) => t.trim()));
  const valid = texts.filter((t) => GROUP_ID.test(t));
  const reach = reachabilityTargets(e, base);
  if (valid.length === 0 && reach.length === 0) return { targets: [], skipped: skipReason(e, found, texts) };
  const targets: Target[] = [...valid.map((groupId): Target => ({ type: 'security-group', groupId, ...base })), ...reach];
  return { targets, skipped: null };
}

export function ec2Targets(e: CloudTrailEnvelope): TargetsResult {
  try {
    return groupIdsOf(e);
  } catch (error) {
    // The contract is "never throws": an envelope built by hand (the CLI, a test) may break
    // assumptions readEnvelope guarantees.
    return { targets: [], skipped: `${String(e?.eventName ?? 'event')} could not be read: ${error instanceof Error ? error.message : String(error)}` };
  }
}
