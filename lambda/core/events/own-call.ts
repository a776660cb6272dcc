import type { Trigger } from '../model/types';

/**
 * CloudTrail records a Lambda's calls as `arn:<partition>:sts::<account>:assumed-role/<role>/<function>`.
 * The account is part of the match: a role of the same name in another account (a cross-account
 * caller) must never be mistaken for the guard and silence its own alert.
 */
export function isOwnCall(trigger: Trigger | undefined, roleName: string | undefined, account: string | undefined): boolean {
  if (!trigger?.actor || !roleName || !account) return false;
  return new RegExp(`^arn:aws[a-z-]*:(sts::${account}:assumed-role/${escapeRegExp(roleName)}/[^/]+|iam::${account}:role/${escapeRegExp(roleName)})$`).test(trigger.actor);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
