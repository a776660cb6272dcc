/**
 * How long an event took from the API call (CloudTrail's eventTime) to the function's start:
 * trail → EventBridge → rule → Lambda. AWS gives no SLA for it, so the guard measures it.
 */
export function deliveryLatencyMs(eventTime: string | undefined, receivedAt: Date): number | undefined {
  if (!eventTime) return undefined;
  const at = Date.parse(eventTime);
  if (!Number.isFinite(at)) return undefined;
  // eventTime has whole seconds and another clock: a call "after" its delivery is a delivery of ~0.
  return Math.max(0, receivedAt.getTime() - at);
}
