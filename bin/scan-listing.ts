/**
 * A listing the scan could not make is a row of its own, never a gap: an INCOMPLETE result for
 * what it could not list (resource id `*`), with EVALUATION_INCOMPLETE at the worst that could be
 * hiding there (an unlisted bucket or group could be CRITICAL; an unread account setting MEDIUM).
 */
import { buildResult } from '../lambda/core/model/result';
import { incompleteFinding } from '../lambda/core/model/unread';
import type { EvaluationResult, ResourceRef, Severity } from '../lambda/core/model/types';

export interface Unlisted {
  resource: ResourceRef;
  /** The field named in `unknown`: buckets, securityGroups, regions, account. */
  field: string;
  /** What was not listed, for the title: "buckets of account 111122223333". */
  what: string;
  /** The call and why it failed, in words (cli-aws-words). */
  call: string;
  problem: string;
  /** How many were listed before it failed (a listing that stops part-way). */
  after: number;
  couldHide: Severity;
  decides: string;
  readCommand: string;
}

export function unlistedResult(u: Unlisted): EvaluationResult {
  const reason = `${u.call}: ${u.problem}`;
  const title = u.after > 0
    ? `${u.what}: listing stopped after ${u.after} (${reason}); the rest were not checked`
    : `${u.what}: not listed (${reason})`;
  const finding = incompleteFinding(u.resource, u.what, [{ field: u.field, reason, couldHide: u.couldHide, decides: u.decides, readCommand: u.readCommand }]);
  return buildResult(u.resource, finding ? [{ ...finding, title }] : [], [u.field], { [u.field]: reason });
}
