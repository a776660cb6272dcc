/** Entry point for the S3 EventBridge rule: bucket and account-level Block Public Access calls. */
import { evaluateS3EventTarget } from '../app/account-change';
import { createEventHandler } from './entry';

export const handler = createEventHandler(evaluateS3EventTarget);
