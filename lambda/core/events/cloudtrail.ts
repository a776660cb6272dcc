/**
 * Reading an EventBridge "AWS API Call via CloudTrail" event defensively: every field may be
 * missing or of another type than documented, and older records wrap scalars in arrays.
 */
import { isObject, type Json } from '../model/json';
import type { Trigger } from '../model/types';

/** A string, or the first string of an array (older records: `"host": ["…"]`). */
export function firstString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.find((v): v is string => typeof v === 'string');
  return undefined;
}

/** EC2 wraps lists as `{"items": [...]}` and writes an empty list as `{}`. */
export function items(value: unknown): Json[] {
  if (Array.isArray(value)) return value.filter(isObject);
  if (isObject(value)) {
    const inner = value.items ?? value.item;
    if (Array.isArray(inner)) return inner.filter(isObject);
    if (isObject(inner)) return [inner];
  }
  return [];
}

export interface CloudTrailEnvelope {
  detail: Json;
  eventName: string;
  eventSource: string;
  account?: string;
  region?: string;
  requestParameters: Json;
  responseElements: Json;
}

export type EnvelopeResult = { ok: true; envelope: CloudTrailEnvelope } | { ok: false; reason: string };

export function readEnvelope(event: unknown): EnvelopeResult {
  if (!isObject(event)) return { ok: false, reason: 'event is not a JSON object' };
  const detail = event.detail;
  if (!isObject(detail)) return { ok: false, reason: 'event has no detail object' };
  const eventName = detail.eventName;
  if (typeof eventName !== 'string' || eventName === '') return { ok: false, reason: 'detail.eventName is missing' };
  const errorCode = detail.errorCode;
  if (errorCode !== undefined && errorCode !== null && errorCode !== '') {
    return { ok: false, reason: `${eventName} failed (${String(errorCode)}): nothing changed` };
  }
  const account = firstString(detail.recipientAccountId) ?? firstString(event.account)
    ?? firstString(isObject(detail.userIdentity) ? detail.userIdentity.accountId : undefined);
  const region = firstString(detail.awsRegion) ?? firstString(event.region);
  return {
    ok: true,
    envelope: {
      detail,
      eventName,
      eventSource: typeof detail.eventSource === 'string' ? detail.eventSource : '',
      account,
      region,
      requestParameters: isObject(detail.requestParameters) ? detail.requestParameters : {},
      responseElements: isObject(detail.responseElements) ? detail.responseElements : {},
    },
  };
}

/** The actor in words an auditor can search: the IAM ARN, the role behind a session, or the service. */
function actorOf(identity: unknown): string | undefined {
  if (!isObject(identity)) return undefined;
  const arn = firstString(identity.arn);
  if (arn) return arn;
  const issuer = isObject(identity.sessionContext) ? identity.sessionContext.sessionIssuer : undefined;
  if (isObject(issuer) && typeof issuer.arn === 'string') return issuer.arn;
  const invokedBy = firstString(identity.invokedBy);
  if (invokedBy) return invokedBy;
  const type = firstString(identity.type);
  const principal = firstString(identity.principalId);
  return type || principal ? [type, principal].filter(Boolean).join(':') : undefined;
}

export function triggerOf(event: unknown): Trigger | undefined {
  if (!isObject(event) || !isObject(event.detail)) return undefined;
  const d = event.detail;
  if (typeof d.eventName !== 'string') return undefined;
  const trigger: Trigger = { eventName: d.eventName };
  const eventId = firstString(d.eventID) ?? firstString(event.id);
  if (eventId) trigger.eventId = eventId;
  const actor = actorOf(d.userIdentity);
  if (actor) trigger.actor = actor;
  const ip = firstString(d.sourceIPAddress);
  if (ip) trigger.sourceIp = ip;
  const time = firstString(d.eventTime) ?? firstString(event.time);
  if (time) trigger.time = time;
  const ua = firstString(d.userAgent);
  if (ua) trigger.userAgent = ua;
  return trigger;
}
