/**
 * `targets(event)`: what the handlers re-evaluate for an EventBridge CloudTrail event.
 * Never throws: a malformed, failed or unknown event is skipped with a reason.
 */
import { readEnvelope } from './cloudtrail';
import { S3_EVENT_NAMES, s3Targets } from './targets-s3';
import { EC2_EVENT_NAMES, ec2Targets } from './targets-ec2';

export type Target =
  | { type: 's3-bucket'; name: string; account?: string; region?: string }
  | { type: 'security-group'; groupId: string; account?: string; region?: string }
  | { type: 's3-account'; account: string; region?: string }
  // Calls that change who can reach a group, not its rules: the handler resolves them to the
  // security groups they concern (the instance's or interface's groups, the list's users).
  | { type: 'ec2-instance'; instanceId: string; account?: string; region?: string }
  | { type: 'network-interface'; networkInterfaceId: string; account?: string; region?: string }
  | { type: 'prefix-list'; prefixListId: string; account?: string; region?: string };

export interface TargetsResult {
  targets: Target[];
  skipped: string | null;
}

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
  if (EC2_EVENT_NAMES.includes(e.eventName)) {
    if (e.eventSource && e.eventSource !== 'ec2.amazonaws.com') {
      return { targets: [], skipped: `${e.eventName} from ${e.eventSource} is not an EC2 call` };
    }
    return ec2Targets(e);
  }
  return { targets: [], skipped: `${e.eventName} is not an event Exposure Guard evaluates` };
}

export function targetId(t: Target): string {
  switch (t.type) {
    case 's3-bucket':
      return t.name;
    case 'security-group':
      return t.groupId;
    case 's3-account':
      return t.account;
    case 'ec2-instance':
      return t.instanceId;
    case 'network-interface':
      return t.networkInterfaceId;
    case 'prefix-list':
      return t.prefixListId;
  }
}
