/**
 * Which security groups an EC2 CloudTrail event touched. Only group ids are taken from the event:
 * the state is always re-read, because requestParameters is what was asked, not what is. Every
 * documented place of the id is read for every event, because the same call is recorded
 * differently by the console, the SDKs and the CLI's flat form.
 */
import { firstString, isObject, items, type CloudTrailEnvelope, type Json } from './cloudtrail';
import type { Target, TargetsResult } from './targets';

export const EC2_RULE_EVENTS = [
  'AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress',
  'RevokeSecurityGroupEgress', 'ModifySecurityGroupRules', 'CreateSecurityGroup',
] as const;
/** Attachment changes: a world-open group becomes live (or latent) without any rule change. */
export const EC2_ATTACHMENT_EVENTS = ['ModifyNetworkInterfaceAttribute', 'RunInstances', 'CreateNetworkInterface'] as const;
export const EC2_EVENT_NAMES: readonly string[] = [...EC2_RULE_EVENTS, ...EC2_ATTACHMENT_EVENTS];

const GROUP_ID = /^sg-[0-9a-f]{8,17}$/;

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
    return `ModifyNetworkInterfaceAttribute${eni ? ` on ${eni}` : ''} changes no security groups (no groupSet)`;
  }
  return `${e.eventName} names no security group id (no groupId in the request or response)`;
}

function groupIdsOf(e: CloudTrailEnvelope): TargetsResult {
  const found: Found = { ids: [], names: [] };
  const rp = e.requestParameters;
  const re = e.responseElements;
  if ((EC2_RULE_EVENTS as readonly string[]).includes(e.eventName)) fromRuleCalls(rp, re, found);
  else fromAttachments(rp, re, found);
  const texts = dedupe(found.ids.map(firstString).filter((t): t is string => t !== undefined).map((t) => t.trim()));
  const valid = texts.filter((t) => GROUP_ID.test(t));
  if (valid.length === 0) return { targets: [], skipped: skipReason(e, found, texts) };
  const base = { ...(e.account ? { account: e.account } : {}), ...(e.region ? { region: e.region } : {}) };
  const targets: Target[] = valid.map((groupId) => ({ type: 'security-group', groupId, ...base }));
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
