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

async function readTrail(cloudtrail: CloudTrailClient, trail: Trail, region: string): Promise<TrailSnapshot> {
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
  const [status, selectors] = await Promise.allSettled([
    cloudtrail.send(new GetTrailStatusCommand({ Name: name })),
    cloudtrail.send(new GetEventSelectorsCommand({ TrailName: name })),
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
  } else unreadable.selectors = reason(selectors.reason);
  if (Object.keys(unreadable).length > 0) snapshot.unreadable = unreadable;
  return snapshot;
}

export async function readTrails(cloudtrail: CloudTrailClient, region: string): Promise<TrailsSnapshot> {
  let trails: Trail[];
  try {
    trails = (await cloudtrail.send(new DescribeTrailsCommand({ includeShadowTrails: true }))).trailList ?? [];
  } catch (error) {
    return { region, unreadable: reason(error) };
  }
  return { region, trails: await Promise.all(trails.map((t) => readTrail(cloudtrail, t, region))) };
}
