/**
 * A finding is typed by its check id: each check's evidence interface lives beside the check
 * (s3/evidence.ts, sg/evidence.ts, model/unread.ts), and the type checker fails when a catalog id
 * has none, so a new check cannot ship evidence nobody declared.
 */
import type { CheckId, CHECKS } from './checks';
import type { CanaryHeartbeat, CanaryWrite } from './guard/canary';
import type { TrailVerdict } from './guard/trail-coverage';
import type { Same } from './model/same';
import type { RemediationModes } from './model/settings';
import type { Severity } from './model/types';
import type { IncompleteEvidence } from './model/unread';
import type { S3EvidenceByCheck } from './s3/evidence';
import type { SgEvidenceByCheck } from './sg/evidence';

/** GUARD_BLIND: why the guard cannot see, by cause (core/guard/evaluate.ts). */
export interface GuardBlindEvidence {
  reason: string;
  causes: ('trail' | 'canary')[];
  trail?: { reason: string; trails: TrailVerdict[] };
  canary?: { bucket: string; reason: string; write: CanaryWrite; lastHeartbeat?: CanaryHeartbeat };
  consequence: string;
}

export interface EvidenceByCheck extends S3EvidenceByCheck, SgEvidenceByCheck {
  EVALUATION_INCOMPLETE: IncompleteEvidence;
  GUARD_BLIND: GuardBlindEvidence;
}

/** Compile-time: every catalog id has an evidence type, and nothing else does. */
export const EVERY_CHECK_HAS_EVIDENCE: Same<keyof EvidenceByCheck, CheckId> = true;

/** What every finding's evidence may carry besides its own. */
export interface CommonEvidence {
  /** On the findings a remediation concerned: what was done about them. */
  remediation?: string;
}

interface FindingFor<C extends CheckId> {
  checkId: C;
  severity: Severity;
  title: string;
  evidence: EvidenceByCheck[C] & CommonEvidence;
  /** AWS Security Hub FSBP control ids this check mirrors. */
  controls: string[];
  /** CIS AWS Foundations Benchmark recommendations of the check (from the catalog; set on every result's findings). */
  cis?: string[];
  /** A concrete fix: the CLI command that closes it. */
  fix: string;
  /** True when the exposure exists on paper but another setting neutralises it today. */
  latent: boolean;
}

export type Finding = { [C in CheckId]: FindingFor<C> }[CheckId];

/** The findings of these check ids, each with its own evidence. */
export type FindingOf<C extends CheckId> = Extract<Finding, { checkId: C }>;

/** The check ids a remediation mode's action closes, from the catalog. */
export type RemediatedBy<M extends keyof RemediationModes> = {
  [K in CheckId]: (typeof CHECKS)[K] extends { remediation: M } ? K : never;
}[CheckId];

/** The same finding with more evidence (what remediation did, what an account pass found). */
export function withEvidence<F extends Finding>(f: F, extra: Partial<F['evidence']>): F {
  return { ...f, evidence: { ...f.evidence, ...extra } };
}
