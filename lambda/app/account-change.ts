/**
 * An account-level Block Public Access change protects or exposes every bucket at once: deleting
 * it turns each latent public policy or ACL live without a single bucket event. So a change that
 * leaves IgnorePublicAcls or RestrictPublicBuckets off at the account level re-evaluates every
 * bucket (the sweep's bounded pass), tells each bucket that is exposed, and tells the account once,
 * listing them.
 */
import { withEvidence } from '../core/findings';
import { isAtLeast } from '../core/model/severity';
import { buildResult } from '../core/model/result';
import { describeError } from '../adapters/aws-errors';
import type { EvaluationResult, Finding, Trigger } from '../core/model/types';
import { incompleteFinding, isIncompleteFinding } from '../core/model/unread';
import { evaluateS3Target } from './evaluate-s3';
import type { Evaluator, PipelineDeps } from './pipeline';
import { ClaimInFlightError } from './ledger';
import { evaluateEveryBucket } from './sweep';

/** Buckets in flight at once during the pass: S3's per-bucket reads are cheap, its rate limits generous. */
const CONCURRENCY = 16;
/** Adaptive (client-side rate limiting when S3 throttles) but the event path's 5 attempts: ~30 s at most for a stalled call. */
const PASS_CLIENT_CONFIG = { retryMode: 'adaptive', maxAttempts: 5 };
/** How many bucket names the account message lists. */
const LISTED = 25;

const EXPOSURES = new Set(['S3_POLICY_PUBLIC', 'S3_ACL_PUBLIC', 'S3_ACCESS_POINT_PUBLIC']);

/** What the pass notifies: a live public policy or ACL, or a bucket whose exposure could not be read. */
function exposedNow(result: EvaluationResult, settings: PipelineDeps['settings']): boolean {
  return result.findings.some((f) => isAtLeast(f.severity, settings.notifyMinSeverity)
    && ((EXPOSURES.has(f.checkId) && !f.latent) || isIncompleteFinding(f)));
}

/**
 * Only IgnorePublicAcls and RestrictPublicBuckets change what existing grants expose (the other two
 * refuse future writes), so only an account level with one of them off can have made a latent
 * bucket live. Unknown counts as off: the change may have turned flags off the guard cannot see.
 */
function leavesBucketsUnprotected(result: EvaluationResult): boolean {
  const fixed = result.remediation?.outcome === 'APPLIED' && result.remediation.verified === true;
  if (fixed) return false;
  if (result.unknown.includes('accountPublicAccessBlock') || result.unknown.includes('snapshot')) return true;
  const off = result.findings.find((f) => f.checkId === 'S3_ACCOUNT_BPA_OFF')?.evidence.flagsOff;
  return Array.isArray(off) && off.some((flag) => flag === 'IgnorePublicAcls' || flag === 'RestrictPublicBuckets');
}

interface Pass {
  reached: number;
  exposed: string[];
  /** Exposed buckets whose own message could not be published (in the audit log; NotificationFailures alarmed). */
  undelivered: string[];
  /** Buckets whose message an earlier try of this event claimed and may not have sent. */
  inFlight: string[];
  /** Why the pass ended before the last bucket, if it did. */
  cutShort?: string;
}

/** The sweep's bounded pass over every bucket, notifying only what is exposed now. It never throws. */
async function passOverBuckets(deps: PipelineDeps, trigger: Trigger | undefined): Promise<Pass> {
  const exposed: string[] = [];
  const undelivered: string[] = [];
  const inFlight: string[] = [];
  let reached = 0;
  try {
    const pass = await evaluateEveryBucket({ ...deps, notifyWhen: (r) => exposedNow(r, deps.settings) }, {
      concurrency: CONCURRENCY,
      // The event path's retry budget, not the sweep's: the deadline margin must hold a bucket in flight.
      clientConfig: PASS_CLIENT_CONFIG,
      ...(trigger ? { trigger } : {}),
      shouldContinue: () => deps.deadline === undefined || Date.now() < deps.deadline,
      onOutcome: (o) => {
        reached += 1;
        if (o.kind === 'evaluated' && exposedNow(o.result, deps.settings)) exposed.push(o.result.resource.id);
      },
      // Only a notified bucket can fail here, and under notifyWhen only an exposed one is notified.
      onFailed: (bucket, error) => { reached += 1; (error instanceof ClaimInFlightError ? inFlight : undelivered).push(bucket); },
    });
    return { reached, exposed, undelivered, inFlight, ...(pass.stopped ? { cutShort: `time ran out after ${reached} bucket(s); the rest were not re-evaluated after this change` } : {}) };
  } catch (error) {
    // A listing that fails part-way: what was sent stays sent, and the account message says the rest
    // was not reached. Rethrowing would make Lambda repeat every bucket message already sent.
    const e = describeError(error);
    return { reached, exposed, undelivered, inFlight, cutShort: `listing the buckets failed after ${reached} bucket(s) (${e.name}: ${e.message}); the rest were not re-evaluated` };
  }
}

function withPass(result: EvaluationResult, pass: Pass, settings: PipelineDeps['settings']): EvaluationResult {
  const exposed = [...pass.exposed, ...pass.undelivered];
  const summary = {
    bucketsReEvaluated: pass.reached,
    exposedBuckets: exposed.length,
    ...(exposed.length > 0 ? { exposed: exposed.slice(0, LISTED), ...(exposed.length > LISTED ? { exposedNotListed: exposed.length - LISTED } : {}) } : {}),
    ...(pass.undelivered.length > 0 ? { messagesNotDelivered: pass.undelivered.slice(0, LISTED) } : {}),
  };
  const findings: Finding[] = result.findings.map((f) => (f.checkId === 'S3_ACCOUNT_BPA_OFF' ? withEvidence(f, summary) : f));
  const unknown = [...result.unknown];
  const reasons = { ...result.unknownReasons };
  if (pass.cutShort) {
    unknown.push('buckets');
    reasons.buckets = pass.cutShort;
    const f = incompleteFinding(result.resource, `Account ${result.resource.id} (S3 account settings)`, [{
      field: 'buckets', reason: pass.cutShort, couldHide: settings.incompleteSeverity,
      decides: 'whether buckets not reached have a public policy or ACL that this change made live',
      readCommand: `exposure-guard scan --region ${result.resource.region ?? '<region>'}`,
    }]);
    if (f) findings.push(f);
  }
  const rebuilt = buildResult(result.resource, findings, unknown, reasons);
  return { ...rebuilt, ...(result.remediation ? { remediation: result.remediation } : {}) };
}

export const evaluateS3EventTarget: Evaluator = async (target, deps, trigger) => {
  const outcome = await evaluateS3Target(target, deps, trigger);
  if (target.type !== 's3-account' || 'gone' in outcome || !leavesBucketsUnprotected(outcome.result)) return outcome;
  const pass = await passOverBuckets(deps, trigger);
  // An earlier try of this event died holding claims: fail this try too (after telling all the
  // rest), so Lambda retries once those claims are past their lease and takes them over.
  if (pass.inFlight.length > 0) {
    throw new ClaimInFlightError(`${pass.inFlight.length} bucket message(s) claimed by an earlier try of this event are still within their lease (${pass.inFlight.slice(0, LISTED).join(', ')})`);
  }
  return { result: withPass(outcome.result, pass, deps.settings), othersNotified: true };
};
