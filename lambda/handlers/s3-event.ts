/** Entry point for the S3 EventBridge rule: bucket, account-level Block Public Access and access point calls. */
import { evaluateS3EventTarget } from '../app/account-change';
import { expandAccessPointTargets } from '../app/access-point-change';
import { createEventHandler } from './entry';

export const handler = createEventHandler(evaluateS3EventTarget, expandAccessPointTargets);
