/**
 * Whether some CloudTrail trail delivers, in this region, the management write events the guard's
 * rules match. EventBridge receives "AWS API Call via CloudTrail" events only while a trail that
 * logs them is logging; without one the guard is blind and nothing else says so.
 *
 * Judged per trail from DescribeTrails (shadow trails included: a multi-region or organization
 * trail of another home region covers this one), GetTrailStatus and GetEventSelectors (basic or
 * advanced selectors). A trail whose status or selectors could not be read is unknown, never
 * taken as logging; where the documentation leaves a selector open, it is read as not covering.
 */

/** One operator set of an advanced field selector (GetEventSelectors output shape). */
export interface FieldSelector {
  Field?: string;
  Equals?: string[];
  StartsWith?: string[];
  EndsWith?: string[];
  NotEquals?: string[];
  NotStartsWith?: string[];
  NotEndsWith?: string[];
}

export interface AdvancedEventSelector {
  Name?: string;
  FieldSelectors?: FieldSelector[];
}

export interface BasicEventSelector {
  ReadWriteType?: string;
  IncludeManagementEvents?: boolean;
  ExcludeManagementEventSources?: string[];
}

export interface TrailSnapshot {
  name: string;
  arn?: string;
  homeRegion?: string;
  multiRegion: boolean;
  organization: boolean;
  /** GetTrailStatus IsLogging; absent when it could not be read. */
  logging?: boolean;
  /** GetEventSelectors; absent when it could not be read. */
  selectors?: { basic?: BasicEventSelector[]; advanced?: AdvancedEventSelector[] };
  /** Why `logging` or `selectors` is absent. */
  unreadable?: { logging?: string; selectors?: string };
  /**
   * Another account's organization trail: CloudTrail shows its selectors to the management
   * account only. Logging is then taken as covering, and the canary proves the delivery.
   */
  selectorsHidden?: string;
}

export interface TrailsSnapshot {
  region: string;
  /** Absent when DescribeTrails itself failed. */
  trails?: TrailSnapshot[];
  unreadable?: string;
}

/** A management write event the guard's rules need, by its CloudTrail fields. */
export interface NeededEvent {
  eventSource: string;
  eventName: string;
}

export interface TrailVerdict {
  name: string;
  arn?: string;
  homeRegion?: string;
  covers: 'yes' | 'no' | 'unknown';
  /** Why it does not cover this region's write events (or could not be judged). */
  reason?: string;
}

export type Coverage =
  | { kind: 'covered'; by: string; trails: TrailVerdict[] }
  | { kind: 'blind'; reason: string; trails: TrailVerdict[] }
  | { kind: 'unknown'; reason: string; trails: TrailVerdict[] };

/** Whether the event's value for one field passes a field selector (includes: any; excludes: none). */
function passes(selector: FieldSelector, value: string): boolean {
  const includes = [
    ...(selector.Equals ?? []).map((v) => value === v),
    ...(selector.StartsWith ?? []).map((v) => value.startsWith(v)),
    ...(selector.EndsWith ?? []).map((v) => value.endsWith(v)),
  ];
  if (includes.length > 0 && !includes.some(Boolean)) return false;
  if ((selector.NotEquals ?? []).includes(value)) return false;
  if ((selector.NotStartsWith ?? []).some((v) => value.startsWith(v))) return false;
  if ((selector.NotEndsWith ?? []).some((v) => value.endsWith(v))) return false;
  return true;
}

/**
 * The fields of a management write event the guard knows; a selector on any other field
 * (userIdentity.arn, say) filters on something the guard cannot predict, so it is not counted.
 */
function fieldsOf(event: NeededEvent): Record<string, string> {
  return { eventCategory: 'Management', readOnly: 'false', eventSource: event.eventSource, eventName: event.eventName };
}

function advancedLogs(selector: AdvancedEventSelector, event: NeededEvent): { logs: boolean; why?: string } {
  const fields = fieldsOf(event);
  const list = selector.FieldSelectors ?? [];
  const category = list.filter((f) => f.Field === 'eventCategory');
  if (category.length === 0) return { logs: false, why: 'a selector without eventCategory' };
  // A data or network-activity selector says nothing about management events.
  if (!category.every((f) => passes(f, 'Management'))) return { logs: false };
  for (const f of list) {
    const value = f.Field === undefined ? undefined : fields[f.Field];
    if (value === undefined) return { logs: false, why: `a selector filters on ${f.Field ?? 'an unnamed field'}, which the guard cannot judge` };
    if (!passes(f, value)) return { logs: false };
  }
  return { logs: true };
}

function basicLogs(selector: BasicEventSelector, event: NeededEvent): boolean {
  if (selector.IncludeManagementEvents === false) return false;
  // CloudTrail's default for ReadWriteType is All.
  const rw = selector.ReadWriteType ?? 'All';
  if (rw !== 'All' && rw !== 'WriteOnly') return false;
  return !(selector.ExcludeManagementEventSources ?? []).includes(event.eventSource);
}

/** The needed events this trail's selectors do not log ([] = all logged), with why, when a selector says. */
function unlogged(selectors: NonNullable<TrailSnapshot['selectors']>, needed: readonly NeededEvent[]): { missing: NeededEvent[]; why?: string } {
  const advanced = selectors.advanced ?? [];
  const basic = selectors.basic ?? [];
  let why: string | undefined;
  const missing = needed.filter((event) => {
    // A trail uses advanced or basic selectors, never both; either may be the list returned.
    if (advanced.length > 0) {
      const judged = advanced.map((s) => advancedLogs(s, event));
      why ??= judged.find((j) => j.why)?.why;
      return !judged.some((j) => j.logs);
    }
    return !basic.some((s) => basicLogs(s, event));
  });
  return { missing, ...(why ? { why } : {}) };
}

function describeMissing(missing: readonly NeededEvent[], needed: readonly NeededEvent[]): string {
  const sources = [...new Set(needed.map((e) => e.eventSource))];
  const whole = sources.filter((s) => needed.filter((e) => e.eventSource === s).every((e) => missing.includes(e)));
  const partial = missing.filter((e) => !whole.includes(e.eventSource));
  const parts = [
    ...whole.map((s) => `no management write events from ${s}`),
    ...(partial.length > 0 ? [`not ${partial.slice(0, 5).map((e) => e.eventName).join(', ')}${partial.length > 5 ? ` and ${partial.length - 5} more` : ''}`] : []),
  ];
  return parts.join('; ');
}

function judgeTrail(trail: TrailSnapshot, region: string, needed: readonly NeededEvent[]): TrailVerdict {
  const base = { name: trail.name, ...(trail.arn ? { arn: trail.arn } : {}), ...(trail.homeRegion ? { homeRegion: trail.homeRegion } : {}) };
  if (!trail.multiRegion && trail.homeRegion !== undefined && trail.homeRegion !== region) {
    return { ...base, covers: 'no', reason: `a single-region trail of ${trail.homeRegion}` };
  }
  if (trail.logging === false) return { ...base, covers: 'no', reason: 'not logging (StopLogging was called)' };
  if (trail.selectors !== undefined) {
    const { missing, why } = unlogged(trail.selectors, needed);
    if (missing.length > 0) {
      return { ...base, covers: 'no', reason: `its event selectors log ${describeMissing(missing, needed)}${why ? ` (${why})` : ''}` };
    }
  }
  if (trail.logging === undefined) return { ...base, covers: 'unknown', reason: `its status could not be read (${trail.unreadable?.logging ?? 'unknown error'})` };
  if (trail.selectors === undefined && trail.selectorsHidden !== undefined) {
    return { ...base, covers: 'yes', reason: `logging; an organization trail whose event selectors only its management account can read (${trail.selectorsHidden}): the canary checks that events arrive` };
  }
  if (trail.selectors === undefined) return { ...base, covers: 'unknown', reason: `its event selectors could not be read (${trail.unreadable?.selectors ?? 'unknown error'})` };
  return { ...base, covers: 'yes' };
}

export function trailCoverage(snapshot: TrailsSnapshot, needed: readonly NeededEvent[]): Coverage {
  if (snapshot.trails === undefined) {
    return { kind: 'unknown', reason: `the trails could not be listed (${snapshot.unreadable ?? 'unknown error'})`, trails: [] };
  }
  const trails = snapshot.trails.map((t) => judgeTrail(t, snapshot.region, needed));
  const covering = trails.find((t) => t.covers === 'yes');
  if (covering) return { kind: 'covered', by: covering.name, trails };
  if (trails.length === 0) return { kind: 'blind', reason: `no CloudTrail trail exists for ${snapshot.region}`, trails };
  const unknown = trails.filter((t) => t.covers === 'unknown');
  if (unknown.length > 0) {
    return { kind: 'unknown', reason: `no trail is known to log this region's management write events; ${unknown.map((t) => `${t.name}: ${t.reason}`).join('; ')}`, trails };
  }
  return {
    kind: 'blind',
    reason: `no trail logs this region's management write events: ${trails.map((t) => `${t.name}: ${t.reason}`).join('; ')}`,
    trails,
  };
}
