import type { CloudTrailEnvelope } from './cloudtrail';
import type { TargetsResult } from './targets';

// Replaced by the security-group work (issue 3); until then EC2 events are reported as not handled.
export const EC2_EVENT_NAMES: readonly string[] = [];

export function ec2Targets(e: CloudTrailEnvelope): TargetsResult {
  return { targets: [], skipped: `${e.eventName} is not handled yet` };
}
