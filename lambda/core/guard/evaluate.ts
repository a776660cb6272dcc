/**
 * GUARD_BLIND: the guard's own sight, judged each sweep as a resource of its own (`guard`,
 * `event-path`, per account and region). Blind when no trail logs this region's management write
 * events, or when the canary's write never came back as an event. What could not be read (the
 * trails, the canary's state) is INCOMPLETE, never taken for sight.
 */
import { buildResult } from '../model/result';
import { incompleteFinding, type UnreadField } from '../model/unread';
import type { EvaluationResult, FindingOf, ResourceRef } from '../model/types';
import type { CanaryVerdict } from './canary';
import type { Coverage } from './trail-coverage';

export const GUARD_RESOURCE_ID = 'event-path';

/** What the check reads: while either is unknown (or the canary not yet proven), an open GUARD_BLIND stays open. */
export type GuardField = 'trails' | 'canary';

export interface GuardHealth {
  account: string;
  region: string;
  coverage: Coverage;
  canary: CanaryVerdict;
  canaryBucket: string;
}

export function guardResource(account: string, region: string): ResourceRef {
  return { type: 'guard', id: GUARD_RESOURCE_ID, account, region };
}

function trailFix(coverage: Extract<Coverage, { kind: 'blind' }>, region: string): string[] {
  if (coverage.trails.length === 0) {
    return [
      '# Deploy Exposure Guard with createTrail: true, or create a multi-region trail that logs management events:',
      `aws cloudtrail create-trail --name exposure-guard --s3-bucket-name <an-existing-log-bucket> --is-multi-region-trail --region ${region}`,
      `aws cloudtrail start-logging --name exposure-guard --region ${region}`,
    ];
  }
  const lines: string[] = [];
  for (const t of coverage.trails) {
    const home = t.homeRegion ?? region;
    if (t.reason?.startsWith('not logging')) lines.push(`aws cloudtrail start-logging --name ${t.arn ?? t.name} --region ${home}`);
    else if (t.reason?.includes('event selectors')) {
      lines.push(`# ${t.name}: add a selector that logs management write events (put-event-selectors replaces every selector: keep the trail's own from get-event-selectors)`,
        `aws cloudtrail get-event-selectors --trail-name ${t.arn ?? t.name} --region ${home}`);
    }
  }
  return lines.length > 0 ? lines : ['# No trail covers this region: make one multi-region, or create one here (see createTrail in the README).'];
}

function canaryFix(region: string, bucket: string): string[] {
  return [
    '# The canary\'s write did not come back through CloudTrail -> EventBridge -> the S3 rule -> the S3 function.',
    '# Check the trail, that the S3 rule is ENABLED, and the S3 function\'s errors and the dead-letter queue:',
    `aws cloudtrail describe-trails --include-shadow-trails --region ${region}`,
    `aws events list-rules --region ${region} --query "Rules[?contains(Name, 'S3Calls')].[Name,State]"`,
    `aws s3api get-public-access-block --bucket ${bucket}`,
  ];
}

function blindFinding(health: GuardHealth): FindingOf<'GUARD_BLIND'> | undefined {
  const { coverage, canary, region } = health;
  const trailBlind = coverage.kind === 'blind' ? coverage : undefined;
  const canarySilent = canary.kind === 'silent' ? canary : undefined;
  if (!trailBlind && !canarySilent) return undefined;
  const causes = [trailBlind?.reason, canarySilent?.reason].filter((r): r is string => r !== undefined);
  return {
    checkId: 'GUARD_BLIND',
    severity: 'CRITICAL',
    title: trailBlind
      ? `Exposure Guard is blind in ${region}: no trail delivers the API calls it watches`
      : `Exposure Guard is blind in ${region}: its canary change never reached it`,
    evidence: {
      reason: causes.join('. '),
      causes: [...(trailBlind ? ['trail' as const] : []), ...(canarySilent ? ['canary' as const] : [])],
      ...(trailBlind ? { trail: { reason: trailBlind.reason, trails: trailBlind.trails } } : {}),
      ...(canarySilent ? {
        canary: { bucket: health.canaryBucket, reason: canarySilent.reason, write: canarySilent.write, ...(canarySilent.lastHeartbeat ? { lastHeartbeat: canarySilent.lastHeartbeat } : {}) },
      } : {}),
      consequence: 'until this is fixed, a bucket or security group made public is found only by the next sweep, not within seconds',
    },
    controls: [],
    fix: [...(trailBlind ? trailFix(trailBlind, region) : []), ...(canarySilent ? canaryFix(region, health.canaryBucket) : [])].join('\n'),
    latent: false,
  };
}

export function evaluateGuard(health: GuardHealth): EvaluationResult {
  const resource = guardResource(health.account, health.region);
  const unread: UnreadField[] = [];
  if (health.coverage.kind === 'unknown') {
    unread.push({ field: 'trails', reason: health.coverage.reason, couldHide: 'CRITICAL', decides: 'whether any trail delivers the API calls the guard watches (GUARD_BLIND)',
      readCommand: `aws cloudtrail describe-trails --include-shadow-trails --region ${health.region}` });
  }
  if (health.canary.kind === 'unknown') {
    unread.push({ field: 'canary', reason: health.canary.reason, couldHide: 'CRITICAL', decides: 'whether a change reaches the guard end to end (GUARD_BLIND)' });
  }
  const blind = blindFinding(health);
  const incomplete = incompleteFinding(resource, `Exposure Guard's event path in ${health.region}`, unread);
  // Not yet proven (no canary judged yet) is not a failure to tell anyone about, but it is not sight
  // either: the field stays unknown, so nothing is taken as closed on its account.
  const reasons: Record<string, string> = Object.fromEntries(unread.map((u) => [u.field, u.reason ?? 'not read']));
  if (health.canary.kind === 'unproven') reasons.canary = health.canary.reason;
  return buildResult(resource, [...(blind ? [blind] : []), ...(incomplete ? [incomplete] : [])], Object.keys(reasons), reasons);
}
