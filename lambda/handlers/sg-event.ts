/** Entry point for the EC2 EventBridge rule: security-group rule changes and group attachments. */
import { createEventHandler } from './entry';
import { evaluateSecurityGroupTarget } from './evaluate-sg';

export const handler = createEventHandler(evaluateSecurityGroupTarget);
