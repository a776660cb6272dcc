import { BPA_FLAGS, type BpaFlag, type PublicAccessBlockFlags } from '../model/types';

/** A flag's state: true/false, or undefined when the level that decides it could not be read. */
export type FlagState = boolean | undefined;

/** One level's flag: absent config (null) means off; an absent snapshot field means unknown. */
export function levelFlag(config: PublicAccessBlockFlags | null | undefined, flag: BpaFlag): FlagState {
  if (config === undefined) return undefined;
  if (config === null) return false;
  return config[flag] === true;
}

/** S3 applies the most restrictive combination: a flag on at either level is on. */
export function effectiveFlag(
  bucket: PublicAccessBlockFlags | null | undefined,
  account: PublicAccessBlockFlags | null | undefined,
  flag: BpaFlag,
): { on: FlagState; by?: 'bucket' | 'account' } {
  const b = levelFlag(bucket, flag);
  const a = levelFlag(account, flag);
  if (b === true) return { on: true, by: 'bucket' };
  if (a === true) return { on: true, by: 'account' };
  if (b === false && a === false) return { on: false };
  return { on: undefined };
}

export function flagsOff(config: PublicAccessBlockFlags | null): BpaFlag[] {
  return BPA_FLAGS.filter((f) => levelFlag(config, f) === false);
}
