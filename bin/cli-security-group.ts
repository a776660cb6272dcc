import { isObject } from '../lambda/core/model/json';
import type { GuardSettings } from '../lambda/core/model/settings';
import { evaluateSecurityGroup } from '../lambda/core/sg/evaluator';
import type { EvaluationResult, SecurityGroupSnapshot } from '../lambda/core/model/types';
import { InputError } from './cli-errors';

const LIST_FIELDS = ['IpPermissions', 'IpPermissionsEgress', 'Tags', 'rules', 'networkInterfaces'] as const;

/** A SecurityGroupSnapshot, or `aws ec2 describe-security-groups` output holding exactly one group. */
export function securityGroupSnapshotFrom(value: unknown, label: string): SecurityGroupSnapshot {
  let group = value;
  if (isObject(value) && Array.isArray(value.SecurityGroups)) {
    if (value.SecurityGroups.length !== 1) {
      throw new InputError(`${label}: describe-security-groups output holds ${value.SecurityGroups.length} groups; pass one (--group-ids)`);
    }
    group = value.SecurityGroups[0];
  }
  if (!isObject(group)) throw new InputError(`${label}: a security group snapshot must be a JSON object`);
  if (typeof group.GroupId !== 'string' || !group.GroupId) throw new InputError(`${label}: GroupId: must be the security group id (a non-empty string)`);
  for (const field of LIST_FIELDS) {
    if (group[field] !== undefined && !Array.isArray(group[field])) throw new InputError(`${label}: ${field}: must be an array`);
  }
  if (group.prefixLists !== undefined && !isObject(group.prefixLists)) throw new InputError(`${label}: prefixLists: must be an object of prefix list id → CIDRs`);
  return group as unknown as SecurityGroupSnapshot;
}

export function evaluateSecurityGroupInput(input: { label: string; value: unknown }, settings: GuardSettings): EvaluationResult {
  return evaluateSecurityGroup(securityGroupSnapshotFrom(input.value, input.label), settings);
}
