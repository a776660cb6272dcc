/** The working state of one security-group evaluation, shared by its checks. */
import type { GuardSettings } from '../model/settings';
import type { Finding, SecurityGroupSnapshot } from '../model/types';
import type { reachOf } from './reachability';

export interface Context {
  snapshot: SecurityGroupSnapshot;
  /** Who the group exposes, worked out once for all its findings. */
  reach?: ReturnType<typeof reachOf>;
  settings: GuardSettings;
  /** `sg-… "name"`: the group as titles name it, the name quoted (someone else chose it). */
  readonly label: string;
  findings: Finding[];
  unknown: string[];
  unknownReasons: Record<string, string>;
}

export function markUnknown(ctx: Context, field: string, reason?: string): void {
  if (!ctx.unknown.includes(field)) ctx.unknown.push(field);
  const r = ctx.snapshot.unreadable?.[field] ?? reason;
  if (r && !ctx.unknownReasons[field]) ctx.unknownReasons[field] = r;
}

/** Settings arrays live as long as the function; their port sets are built once each. */
const PORT_SETS = new WeakMap<readonly number[], Set<number>>();
const NO_PORTS = new Set<number>();

export function validPorts(ports: readonly number[] | undefined): Set<number> {
  if (!ports) return NO_PORTS;
  let set = PORT_SETS.get(ports);
  if (!set) PORT_SETS.set(ports, (set = new Set(ports.filter((p) => Number.isInteger(p) && p >= 0 && p <= 65535))));
  return set;
}
