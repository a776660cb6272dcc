/**
 * AWS's own verdict on a policy (GetBucketPolicyStatus, GetAccessPointPolicyStatus) as a second
 * opinion. AWS decides whether S3 lets the public in, so its "public" is never overruled; where
 * our reading is the documented one and AWS disagrees, the finding stays and says so; where AWS's
 * text leaves the reading open, AWS's verdict decides the severity. Offline (the CLI, tests) there
 * is no oracle and the safer reading stands.
 */
import { statementLabel } from './policy-document';
import type { PublicStatement, RestrictedStatement } from './policy';

/**
 * - `agrees` / `disagrees`: our reading was determined, and AWS's status matches it or not;
 * - `decides`: our reading was undetermined, and AWS's status set the severity;
 * - `absent`: AWS's status was not read (offline, or the read failed): the safer reading stands.
 */
export type OracleReading = 'agrees' | 'disagrees' | 'decides' | 'absent';

export interface OracleEvidence {
  oracle: OracleReading;
  /** What AWS's status says, when read. */
  awsSays?: 'public' | 'not public';
  /** Why the finding stands as it does, in words. */
  oracleNote?: string;
}

export type OracleOutcome = OracleEvidence & {
  /** Our reading was undetermined and AWS says not public: reported LOW, not paged. */
  lowered: boolean;
};

/** The oracle's word on a policy our evaluator found public statements in (some, or none). */
export function consultOracle(
  publicStatements: readonly PublicStatement[],
  awsIsPublic: boolean | null | undefined,
  call: string,
  unreadBecause?: string,
): OracleOutcome {
  if (awsIsPublic === undefined || awsIsPublic === null) {
    const why = unreadBecause ? ` (${unreadBecause})` : '';
    return { oracle: 'absent', lowered: false, ...(publicStatements.some((s) => !s.determined) ? { oracleNote: `${call} was not read${why}: the safer reading (public) stands` } : {}) };
  }
  const awsSays = awsIsPublic ? 'public' : 'not public';
  const determined = publicStatements.filter((s) => s.determined);
  if (determined.length > 0) {
    if (awsIsPublic) return { oracle: 'agrees', awsSays, lowered: false };
    return {
      oracle: 'disagrees', awsSays, lowered: false,
      oracleNote: `AWS's ${call} says not public; this finding follows AWS's documented rule (S3 User Guide, "The meaning of public"): `
        + `${determined.map(statementLabel).join(', ')} grants ${determined[0]?.grantee ?? 'anyone'} with no condition that pins it to fixed values of a listed key`,
    };
  }
  const undetermined = publicStatements.filter((s) => !s.determined);
  if (undetermined.length === 0) {
    // Our reading found nothing public.
    return awsIsPublic
      ? { oracle: 'disagrees', awsSays, lowered: false, oracleNote: `AWS's ${call} says public though our reading found no public statement: reported, because AWS decides whether S3 lets the public in` }
      : { oracle: 'agrees', awsSays, lowered: false };
  }
  const open = undetermined.flatMap((s) => s.undeterminedBy).slice(0, 3).join('; ');
  return awsIsPublic
    ? { oracle: 'decides', awsSays, lowered: false, oracleNote: `AWS's documentation does not decide this reading (${open}); AWS's ${call} says public, so it is reported at full severity` }
    : { oracle: 'decides', awsSays, lowered: true, oracleNote: `AWS's documentation does not decide this reading (${open}); AWS's ${call} says not public, so it is reported LOW` };
}

/**
 * When AWS says public and our reading found nothing: the statements AWS most likely counts are
 * those a condition made non-public in our reading (a public principal, pinned by a key).
 */
export function suspectStatements(restricted: readonly RestrictedStatement[]): { labels: string[]; writes: boolean } {
  return { labels: restricted.map(statementLabel), writes: restricted.some((s) => s.granted.writes.length > 0) };
}
