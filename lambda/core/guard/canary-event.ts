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

export function canaryHeartbeatOf(event: unknown, trigger: Trigger | undefined, canary: CanaryIdentity, receivedAt: Date): CanaryHeartbeat | undefined {
  if (!isObject(event) || !isObject(event.detail)) return undefined;
  const detail = event.detail;
  if (detail.eventName !== 'PutBucketPublicAccessBlock' || detail.eventSource !== 's3.amazonaws.com') return undefined;
  if (detail.errorCode !== undefined && detail.errorCode !== null) return undefined;
  if (bucketOf(detail) !== canary.bucket) return undefined;
  if (!isOwnCall(trigger, canary.writerRole, canary.account)) return undefined;
  const eventTime = trigger?.time;
  const delayMs = deliveryLatencyMs(eventTime, receivedAt);
  if (!eventTime || delayMs === undefined) return undefined;
  const requestId = firstString(detail.requestID);
  return {
    eventTime, receivedAt: receivedAt.toISOString(), delayMs,
    ...(requestId ? { requestId } : {}), ...(trigger?.eventId ? { eventId: trigger.eventId } : {}),
  };
}
