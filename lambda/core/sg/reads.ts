/**
 * The security-group reader's reads (model/reads.ts says what a row is), and the look-ups that
 * lead from an instance, interface or prefix list to the groups it concerns. Each read declares
 * the snapshot fields it fills, and a compile-time check holds those to every SecurityGroupSnapshot
 * field; the reader's own code is held to the table by test/handler/reads.test.ts (it sends exactly
 * these commands and fills every declared field). Roles and the fault matrix derive from it.
 */
import type { ReadRow } from '../model/reads';
import type { Same } from '../model/same';
import type { SecurityGroupSnapshot } from '../model/types';

export type GroupField = Exclude<keyof SecurityGroupSnapshot, 'GroupId' | 'account' | 'region' | 'unreadable'>;

/** A group that is gone (or never was): the evaluation ends as "resource gone". */
export const GROUP_GONE: readonly string[] = ['InvalidGroup.NotFound', 'InvalidGroupId.Malformed'];
/** A prefix list deleted or shared away since the rule was written: its entries are unknown, the rule unresolved. */
export const PREFIX_LIST_GONE: readonly string[] = ['InvalidPrefixListID.NotFound', 'InvalidPrefixListId.NotFound', 'InvalidPrefixListID.Malformed'];

export const GROUP_READS = {
  group: {
    service: 'EC2', command: 'DescribeSecurityGroups', iam: 'ec2:DescribeSecurityGroups', grant: 'none',
    fields: ['GroupName', 'VpcId', 'OwnerId', 'Description', 'IpPermissions', 'IpPermissionsEgress', 'Tags'],
  },
  rules: { service: 'EC2', command: 'DescribeSecurityGroupRules', iam: 'ec2:DescribeSecurityGroupRules', grant: 'none', fields: ['rules'] },
  networkInterfaces: { service: 'EC2', command: 'DescribeNetworkInterfaces', iam: 'ec2:DescribeNetworkInterfaces', grant: 'none', fields: ['networkInterfaces'] },
  prefixLists: { service: 'EC2', command: 'GetManagedPrefixListEntries', iam: 'ec2:GetManagedPrefixListEntries', grant: 'prefix-list', fields: ['prefixLists'] },
} as const satisfies Record<string, ReadRow & { fields: readonly GroupField[] }>;

/** Compile-time: the reads fill every snapshot field. */
export const EVERY_GROUP_FIELD_IS_READ: Same<(typeof GROUP_READS)[keyof typeof GROUP_READS]['fields'][number], GroupField> = true;

/** From an event's instance, interface or prefix list to the groups it concerns. */
export const GROUP_LOOKUPS = {
  instance: { service: 'EC2', command: 'DescribeInstances', iam: 'ec2:DescribeInstances', grant: 'none' },
  networkInterface: { service: 'EC2', command: 'DescribeNetworkInterfaces', iam: 'ec2:DescribeNetworkInterfaces', grant: 'none' },
  prefixList: { service: 'EC2', command: 'DescribeManagedPrefixLists', iam: 'ec2:DescribeManagedPrefixLists', grant: 'none' },
  prefixListUsers: { service: 'EC2', command: 'GetManagedPrefixListAssociations', iam: 'ec2:GetManagedPrefixListAssociations', grant: 'own-prefix-list' },
} as const satisfies Record<string, ReadRow>;

/** The sweep's coordinator lists the region's groups (their rules are read by the workers). */
export const GROUP_LISTINGS = {
  groups: { service: 'EC2', command: 'DescribeSecurityGroups', iam: 'ec2:DescribeSecurityGroups', grant: 'none' },
} as const satisfies Record<string, ReadRow>;
