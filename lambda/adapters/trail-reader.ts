/**
 * The trails that could deliver this region's events, as the guard's role sees them. Every call
 * that fails leaves its part unknown with the error (never "not logging"), so the judgement
 * (core/guard/trail-coverage.ts) can say INCOMPLETE rather than guess.
 */
import { CloudTrailClient, DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand, type Trail } from '@aws-sdk/client-cloudtrail';
import type { AdvancedEventSelector, BasicEventSelector, TrailSnapshot, TrailsSnapshot } from '../core/guard/trail-coverage';
import { describeError } from './aws-errors';

function reason(error: unknown): string {
  const e = describeError(error);
  return `${e.name}: ${e.message}`;
}

/** The account a trail's ARN names (an organization trail's is the management account). */
function accountOf(arn: string | undefined): string | undefined {
  return arn?.split(':')[4] || undefined;
}

/** CloudTrail's answer when a member account asks for its organization trail's selectors. */
const FOREIGN_TRAIL_ERRORS = new Set(['CloudTrailARNInvalidException', 'AccessDeniedException', 'TrailNotFoundException', 'UnsupportedOperationException']);

async function readTrail(clientFor: (region: string) => CloudTrailClient, trail: Trail, region: string, account: string | undefined): Promise<TrailSnapshot> {
  const snapshot: TrailSnapshot = {
    name: trail.Name ?? trail.TrailARN ?? '(unnamed trail)',
    ...(trail.TrailARN ? { arn: trail.TrailARN } : {}),
    ...(trail.HomeRegion ? { homeRegion: trail.HomeRegion } : {}),
    multiRegion: trail.IsMultiRegionTrail === true,
    organization: trail.IsOrganizationTrail === true,
  };
  // A single-region trail of another region cannot cover this one: no need to read it.
  if (!snapshot.multiRegion && snapshot.homeRegion !== undefined && snapshot.homeRegion !== region) return snapshot;
  // A shadow trail (another home region, or another account's organization trail) is named by its ARN.
  const name = trail.TrailARN ?? trail.Name;
  const unreadable: NonNullable<TrailSnapshot['unreadable']> = {};
  // GetTrailStatus answers for a shadow trail here (by ARN); the selectors are asked of the trail's home region.
  const [status, selectors] = await Promise.allSettled([
    clientFor(region).send(new GetTrailStatusCommand({ Name: name })),
    clientFor(snapshot.homeRegion ?? region).send(new GetEventSelectorsCommand({ TrailName: name })),
  ]);
  if (status.status === 'fulfilled') {
    if (typeof status.value.IsLogging === 'boolean') snapshot.logging = status.value.IsLogging;
    else unreadable.logging = 'GetTrailStatus returned no IsLogging';
  } else unreadable.logging = reason(status.reason);
  if (selectors.status === 'fulfilled') {
    snapshot.selectors = {
      ...(selectors.value.EventSelectors ? { basic: selectors.value.EventSelectors as BasicEventSelector[] } : {}),
      ...(selectors.value.AdvancedEventSelectors ? { advanced: selectors.value.AdvancedEventSelectors as AdvancedEventSelector[] } : {}),
    };
  } else if (snapshot.organization && account !== undefined && accountOf(trail.TrailARN) !== account && FOREIGN_TRAIL_ERRORS.has(describeError(selectors.reason).name)) {
    snapshot.selectorsHidden = reason(selectors.reason);
  } else unreadable.selectors = reason(selectors.reason);
  if (Object.keys(unreadable).length > 0) snapshot.unreadable = unreadable;
  return snapshot;
}

export async function readTrails(clientFor: (region: string) => CloudTrailClient, region: string, account: string | undefined): Promise<TrailsSnapshot> {
  let trails: Trail[];
  try {
    trails = (await clientFor(region).send(new DescribeTrailsCommand({ includeShadowTrails: true }))).trailList ?? [];
  } catch (error) {
    return { region, unreadable: reason(error) };
  }
  // A few trails at most (CloudTrail allows five per region): read one after another, gently.
  const read: TrailSnapshot[] = [];
  for (const t of trails) read.push(await readTrail(clientFor, t, region, account));
  return { region, trails: read };
}
