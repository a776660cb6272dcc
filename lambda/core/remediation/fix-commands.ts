/** The exact AWS CLI commands a responder can paste to close each finding. */

/** POSIX single-quote a value only when it needs it, so commands stay readable. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9._\-/:=,@+]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

const ALL_ON = 'BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true';

export function putBucketBpaCommand(bucket: string): string {
  return `aws s3api put-public-access-block --bucket ${shellQuote(bucket)} --public-access-block-configuration ${ALL_ON}`;
}

export function putAccountBpaCommand(account: string | undefined): string {
  return `aws s3control put-public-access-block --account-id ${shellQuote(account ?? '<account-id>')} --public-access-block-configuration ${ALL_ON}`;
}

export function editBucketPolicyCommand(bucket: string, statementLabels: string[]): string {
  const b = shellQuote(bucket);
  return [
    `aws s3api get-bucket-policy --bucket ${b} --query Policy --output text > policy.json`,
    `# remove ${statementLabels.join(', ')} from policy.json, then:`,
    `aws s3api put-bucket-policy --bucket ${b} --policy file://policy.json`,
  ].join('\n');
}

/**
 * An access point's policy, narrowed or deleted: its Block Public Access cannot change after
 * creation. A Multi-Region Access Point's policy cannot be deleted, only replaced (us-west-2).
 */
export function accessPointPolicyCommand(kind: 'access point' | 'multi-region access point', name: string, account: string | undefined, region: string | undefined, statementLabels: string[]): string {
  const id = `--account-id ${shellQuote(account ?? '<account-id>')}`;
  if (kind === 'multi-region access point') {
    return [
      `aws s3control get-multi-region-access-point-policy ${id} --name ${shellQuote(name)} --region us-west-2 --query Policy.Established.Policy --output text > policy.json`,
      `# remove ${statementLabels.join(', ')} from policy.json, then:`,
      `jq -n --arg name ${shellQuote(name)} --rawfile policy policy.json '{Name: $name, Policy: $policy}' > details.json`,
      `aws s3control put-multi-region-access-point-policy ${id} --region us-west-2 --details file://details.json`,
    ].join('\n');
  }
  const where = `${id} --name ${shellQuote(name)}${region ? ` --region ${shellQuote(region)}` : ''}`;
  return [
    `aws s3control delete-access-point-policy ${where}`,
    `# or narrow it: remove ${statementLabels.join(', ')} from its policy`,
    `aws s3control get-access-point-policy ${where} --query Policy --output text > policy.json`,
    `aws s3control put-access-point-policy ${where} --policy file://policy.json`,
  ].join('\n');
}

export function privateAclCommand(bucket: string): string {
  return `aws s3api put-bucket-acl --bucket ${shellQuote(bucket)} --acl private`;
}

export function ownershipEnforcedCommand(bucket: string): string {
  return `aws s3api put-bucket-ownership-controls --bucket ${shellQuote(bucket)} --ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'`;
}

export function loggingCommand(bucket: string): string {
  const status = JSON.stringify({ LoggingEnabled: { TargetBucket: '<log-bucket>', TargetPrefix: `${bucket}/` } });
  return `aws s3api put-bucket-logging --bucket ${shellQuote(bucket)} --bucket-logging-status ${shellQuote(status)}`;
}

/** The Deny statement S3.5 looks for, ready to merge into the bucket policy. */
export function tlsDenyStatement(bucket: string): Record<string, unknown> {
  return {
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}

export function tlsCommand(bucket: string, hasPolicy: boolean): string {
  const statement = JSON.stringify(tlsDenyStatement(bucket));
  if (!hasPolicy) {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [tlsDenyStatement(bucket)] });
    return `aws s3api put-bucket-policy --bucket ${shellQuote(bucket)} --policy ${shellQuote(policy)}`;
  }
  return [
    `aws s3api get-bucket-policy --bucket ${shellQuote(bucket)} --query Policy --output text > policy.json`,
    `# add this statement to policy.json: ${statement}`,
    `aws s3api put-bucket-policy --bucket ${shellQuote(bucket)} --policy file://policy.json`,
  ].join('\n');
}

export function revokeIngressCommand(groupId: string, ruleIds: string[], region?: string): string {
  const r = region ? ` --region ${shellQuote(region)}` : '';
  return `aws ec2 revoke-security-group-ingress --group-id ${shellQuote(groupId)} --security-group-rule-ids ${ruleIds.map(shellQuote).join(' ')}${r}`;
}

export function revokeEgressCommand(groupId: string, ruleIds: string[], region?: string): string {
  const r = region ? ` --region ${shellQuote(region)}` : '';
  return `aws ec2 revoke-security-group-egress --group-id ${shellQuote(groupId)} --security-group-rule-ids ${ruleIds.map(shellQuote).join(' ')}${r}`;
}

export function s3ConsoleLink(bucket: string, region?: string): string {
  const q = region ? `?region=${encodeURIComponent(region)}&tab=permissions` : '?tab=permissions';
  return `https://s3.console.aws.amazon.com/s3/buckets/${encodeURIComponent(bucket)}${q}`;
}

export function s3AccountConsoleLink(): string {
  return 'https://s3.console.aws.amazon.com/s3/settings';
}

export function securityGroupConsoleLink(groupId: string, region?: string): string {
  const r = region ?? 'us-east-1';
  return `https://${r}.console.aws.amazon.com/ec2/home?region=${encodeURIComponent(r)}#SecurityGroup:groupId=${encodeURIComponent(groupId)}`;
}
