/**
 * What could not be read is a finding of its own (EVALUATION_INCOMPLETE), never silence: a bucket
 * whose policy is hidden from the guard may be the one that is public. Its severity is as high as
 * what the unread field could hide, judged from what was read (a hidden policy under
 * RestrictPublicBuckets could only be latent); where nothing bounds it, the configured
 * `incompleteSeverity` (HIGH by default).
 */
import { maxSeverity } from './severity';
import type { Finding, FindingOf, ResourceRef, Severity } from './types';

export const INCOMPLETE_CHECK_ID = 'EVALUATION_INCOMPLETE' as const;

export interface UnreadField {
  field: string;
  /** Why it could not be read (the AWS error), when known. */
  reason?: string;
  /** The most severe finding the field could be hiding. */
  couldHide: Severity;
  /** Why that severity: what the field decides. */
  decides: string;
  /** The command that reads it by hand. */
  readCommand?: string;
}

export interface IncompleteEvidence {
  resourceId: string;
  /** A security group's name, so the message can name the group. */
  groupName?: string;
  unread: { field: string; reason?: string; couldHide: Severity; decides: string }[];
  reading: string;
}

export function isIncompleteFinding(f: Pick<Finding, 'checkId'>): boolean {
  return f.checkId === INCOMPLETE_CHECK_ID;
}

export function incompleteFinding(resource: ResourceRef, label: string, unread: readonly UnreadField[], context: Pick<IncompleteEvidence, 'groupName'> = {}): FindingOf<'EVALUATION_INCOMPLETE'> | undefined {
  const severity = maxSeverity(unread.map((u) => u.couldHide));
  if (!severity) return undefined;
  const fields = unread.map((u) => u.field);
  const commands = [...new Set(unread.map((u) => u.readCommand).filter((c): c is string => !!c))];
  return {
    checkId: INCOMPLETE_CHECK_ID,
    severity,
    title: `${label} could not be fully checked: ${fields.join(', ')} not read`,
    evidence: {
      resourceId: resource.id,
      ...context,
      unread: unread.map((u) => ({
        field: u.field, ...(u.reason ? { reason: u.reason } : {}), couldHide: u.couldHide, decides: u.decides,
      })),
      reading: 'what could not be read is never taken as compliant: this finding stands until every field can be read',
    },
    controls: [],
    fix: [
      '# Give the guard\'s role the read permission named in each error (or lift the bucket/SCP Deny), then read by hand:',
      ...commands,
    ].join('\n'),
    latent: false,
  };
}
