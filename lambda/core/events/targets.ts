/**
 * `targets(event)`: what the handlers re-evaluate for an EventBridge CloudTrail event.
 * Never throws: a malformed, failed or unknown event is skipped with a reason.
 */
import { readEnvelope } from './cloudtrail';
import { S3_EVENT_NAMES, s3Targets } from './s3-targets';
import { ACCESS_POINT_EVENT_NAMES, accessPointTargets } from './access-point-targets';
import { EC2_EVENT_NAMES, ec2Targets } from './ec2-targets';
import type { TargetsResult } from './target';

export function targets(event: unknown): TargetsResult {
  const read = readEnvelope(event);
  if (!read.ok) return { targets: [], skipped: read.reason };
  const e = read.envelope;
  if (S3_EVENT_NAMES.includes(e.eventName)) {
    if (e.eventSource && !/^s3(-control)?\.amazonaws\.com$/.test(e.eventSource)) {
      return { targets: [], skipped: `${e.eventName} from ${e.eventSource} is not an S3 call` };
    }
    return s3Targets(e);
  }
  if (ACCESS_POINT_EVENT_NAMES.includes(e.eventName)) {
    if (e.eventSource && !/^s3(-?control)?\.amazonaws\.com$/.test(e.eventSource)) {
      return { targets: [], skipped: `${e.eventName} from ${e.eventSource} is not an S3 Control call` };
    }
    return accessPointTargets(e);
  }
  if (EC2_EVENT_NAMES.includes(e.eventName)) {
    if (e.eventSource && e.eventSource !== 'ec2.amazonaws.com') {
      return { targets: [], skipped: `${e.eventName} from ${e.eventSource} is not an EC2 call` };
    }
    return ec2Targets(e);
  }
  return { targets: [], skipped: `${e.eventName} is not an event Exposure Guard evaluates` };
}
