/** Entry point for the EC2 EventBridge rule: rule changes, attachments, public addresses and prefix lists. */
import { createEventHandler } from './entry';
import { evaluateSecurityGroupTarget, expandSecurityGroupTargets } from '../app/evaluate-sg';

export const handler = createEventHandler(evaluateSecurityGroupTarget, expandSecurityGroupTargets);
