/**
 * One read of a reads-table row, as a field: never a rejection for what the guard expects (not
 * configured, AccessDenied, a transient failure), so reads in parallel settle together.
 */
import type { ReadRow } from '../core/model/reads';
import type { PublicAccessBlockFlags } from '../core/model/types';
import { BUCKET_GONE } from '../core/s3/reads';
import { errorMessage, errorName, isAccessDenied, ResourceGoneError } from './aws-errors';

export type Field<T> = { ok: true; value: T } | { ok: false; reason: string };

/** A field whose read failed for a reason that may pass (throttling after the SDK's retries, 5xx, a timeout). */
export type TransientField = { ok: false; reason: string; transient: unknown };

/**
 * One read. The row's "not configured" error maps to the value that means it (null, false, {});
 * AccessDenied leaves the field unknown with the reason; NoSuchBucket means the bucket is gone;
 * anything else (throttling after the SDK's retries, 5xx, a timeout) is kept as a transient
 * failure: the event path rethrows it so Lambda retries, the sweep keeps the field unknown.
 */
export async function read<T>(call: () => Promise<T | undefined>, row: ReadRow): Promise<Field<T> | TransientField> {
  try {
    const value = await call();
    if (value === undefined) return { ok: false, reason: 'empty response' };
    return { ok: true, value };
  } catch (error) {
    const name = errorName(error);
    // A copy: the table's `{}` must not become every untagged bucket's shared object.
    if (row.notConfigured && name === row.notConfigured.error) return { ok: true, value: structuredClone(row.notConfigured.value) as T };
    if (name === BUCKET_GONE) throw new ResourceGoneError(errorMessage(error));
    if (isAccessDenied(error)) return { ok: false, reason: `${name}: ${errorMessage(error)}` };
    return { ok: false, reason: `${name}: ${errorMessage(error)} (after retries)`, transient: error };
  }
}

export const isTransient = (f: Field<unknown> | TransientField): f is TransientField => 'transient' in f;


/** Block Public Access as four booleans: an absent flag is off. */
export function flagsOf(config: PublicAccessBlockFlags | undefined): PublicAccessBlockFlags | undefined {
  if (!config) return undefined;
  return {
    BlockPublicAcls: config.BlockPublicAcls === true,
    IgnorePublicAcls: config.IgnorePublicAcls === true,
    BlockPublicPolicy: config.BlockPublicPolicy === true,
    RestrictPublicBuckets: config.RestrictPublicBuckets === true,
  };
}

