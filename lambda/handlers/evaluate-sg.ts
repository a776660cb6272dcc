import { EC2Client } from '@aws-sdk/client-ec2';
import { readSecurityGroup } from '../adapters/security-group-reader';
import { evaluateSecurityGroup } from '../core/sg-evaluator';
import type { Evaluator } from './pipeline';

export const evaluateSecurityGroupTarget: Evaluator = async (target, deps) => {
  if (target.type !== 'security-group') throw new Error(`the security-group path cannot evaluate a ${target.type} target`);
  const where = { account: target.account ?? deps.defaultAccount, region: target.region ?? deps.defaultRegion };
  const read = await readSecurityGroup(deps.clients.client(EC2Client, where), target.groupId, where);
  if (read.kind === 'gone') return { gone: read.reason };
  return { result: evaluateSecurityGroup(read.snapshot, deps.settings) };
};
