/**
 * An account-level Block Public Access change protects or exposes every bucket at once: deleting
 * it turns each latent public policy or ACL live without a single bucket event. So a change that
 * leaves any account flag off re-evaluates every bucket (the sweep's bounded pass), tells each
 * bucket that became exposed, and tells the account once, listing them.
 */
import { isAtLeast } from '../core/severity';
import { buildResult } from '../core/result';
import type { EvaluationResult, Finding } from '../core/types';
import { incompleteFinding, isIncompleteFinding } from '../core/unread';
import { evaluateS3Target } from './evaluate-s3';
import type { Evaluator, PipelineDeps } from './pipeline';
import { evaluateEveryBucket } from './sweep';

/** Buckets in flight at once during the pass: S3's per-bucket reads are cheap, its rate limits generous. */
const CONCURRENCY = 16;
/** How many bucket names the account message lists. */
const LISTED = 25;

const EXPOSURES = new Set(['S3_POLICY_PUBLIC', 'S3_ACL_PUBLIC']);

/** What the pass notifies: a live public policy or ACL, or a bucket whose exposure could not be read. */
function exposedNow(result: EvaluationResult, settings: PipelineDeps['settings']): boolean {
  return result.findings.some((f) => isAtLeast(f.severity, settings.notifyMinSeverity)
    && ((EXPOSURES.has(f.checkId) && !f.latent) || isIncompleteFinding(f)));
}

function leavesBucketsUnprotected(result: EvaluationResult): boolean {
  const fixed = result.remediation?.outcome === 'APPLIED' && result.remediation.verified === true;
  const off = result.findings.some((f) => f.checkId === 'S3_ACCOUNT_BPA_OFF');
  // Unknown counts as off: the change may have turned flags off that the guard cannot see.
  return !fixed && (off || result.unknown.includes('accountPublicAccessBlock'));
}

export const evaluateS3EventTarget: Evaluator = async (target, deps, trigger) => {
  const outcome = await evaluateS3Target(target, deps, trigger);
  if (target.type !== 's3-account' || 'gone' in outcome || !leavesBucketsUnprotected(outcome.result)) return outcome;

  const madeLive: string[] = [];
  const pass = await evaluateEveryBucket({ ...deps, notifyWhen: (r) => exposedNow(r, deps.settings) }, {
    concurrency: CONCURRENCY,
    ...(trigger ? { trigger } : {}),
    shouldContinue: () => deps.deadline === undefined || Date.now() < deps.deadline,
    onOutcome: (o) => { if (o.kind === 'evaluated' && exposedNow(o.result, deps.settings)) madeLive.push(o.result.resource.id); },
  });
  const reached = pass.evaluated + pass.incomplete + pass.gone + pass.failed;
  const summary = {
    bucketsReEvaluated: reached,
    exposedBuckets: madeLive.length,
    ...(madeLive.length > 0 ? { exposed: madeLive.slice(0, LISTED), ...(madeLive.length > LISTED ? { exposedNotListed: madeLive.length - LISTED } : {}) } : {}),
  };
  const result = outcome.result;
  const findings: Finding[] = result.findings.map((f) => (f.checkId === 'S3_ACCOUNT_BPA_OFF' ? { ...f, evidence: { ...f.evidence, ...summary } } : f));
  const unknown = [...result.unknown];
  const reasons = { ...result.unknownReasons };
  if (pass.stopped) {
    const reason = `time ran out after ${reached} bucket(s); the rest were not re-evaluated after this change`;
    unknown.push('buckets');
    reasons.buckets = reason;
    const f = incompleteFinding(result.resource, `Account ${result.resource.id} (S3 account settings)`, [{
      field: 'buckets', reason, couldHide: deps.settings.incompleteSeverity,
      decides: 'whether buckets not reached have a public policy or ACL that this change made live',
      readCommand: `exposure-guard scan --region ${result.resource.region ?? '<region>'}`,
    }]);
    if (f) findings.push(f);
  }
  const rebuilt = buildResult(result.resource, findings, unknown, reasons);
  return { result: { ...rebuilt, ...(result.remediation ? { remediation: result.remediation } : {}) } };
};
