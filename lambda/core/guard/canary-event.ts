/**
 * Recognising the sweep's canary write when it comes back as an event: the canary bucket's
 * PutBucketPublicAccessBlock by the sweep coordinator's own role in this account. Anyone else's
 * change to the canary bucket is an ordinary event, evaluated (and told) like any bucket's.
 */
import { isObject } from '../model/json';
import { firstString } from '../events/cloudtrail';
import { deliveryLatencyMs } from '../events/delivery';
import { isOwnCall } from '../events/own-call';
import type { Trigger } from '../model/types';
import type { CanaryHeartbeat } from './canary';

export interface CanaryIdentity {
  bucket: string;
  /** The sweep coordinator's role: the only writer of the canary. */
  writerRole: string;
  account?: string;
}

function bucketOf(detail: Record<string, unknown>): string | undefined {
  const params = detail.requestParameters;
  return isObject(params) ? firstString(params.bucketName) : undefined;
}

/** The canary's write turns every flag on; anything else, even by the coordinator's role, is a real change. */
function allFlagsOn(detail: Record<string, unknown>): boolean {
  const params = detail.requestParameters;
  const config = isObject(params) ? params.PublicAccessBlockConfiguration : undefined;
  if (!isObject(config)) return false;
  return ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'].every((f) => config[f] === true || config[f] === 'true');
}

/** An eventTime this far after the function took the event up is not a clock's skew: not a heartbeat. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

export function canaryHeartbeatOf(event: unknown, trigger: Trigger | undefined, canary: CanaryIdentity, receivedAt: Date): CanaryHeartbeat | undefined {
  if (!isObject(event) || !isObject(event.detail)) return undefined;
  const detail = event.detail;
  if (detail.eventName !== 'PutBucketPublicAccessBlock' || detail.eventSource !== 's3.amazonaws.com') return undefined;
  if (detail.errorCode !== undefined && detail.errorCode !== null) return undefined;
  if (bucketOf(detail) !== canary.bucket) return undefined;
  if (!isOwnCall(trigger, canary.writerRole, canary.account)) return undefined;
  if (!allFlagsOn(detail)) return undefined;
  const eventTime = trigger?.time;
  const delayMs = deliveryLatencyMs(eventTime, receivedAt);
  if (!eventTime || delayMs === undefined) return undefined;
  if (Date.parse(eventTime) > receivedAt.getTime() + FUTURE_TOLERANCE_MS) return undefined;
  const requestId = firstString(detail.requestID);
  return {
    eventTime, receivedAt: receivedAt.toISOString(), delayMs,
    ...(requestId ? { requestId } : {}), ...(trigger?.eventId ? { eventId: trigger.eventId } : {}),
  };
}
