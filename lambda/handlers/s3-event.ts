/** Entry point for the S3 EventBridge rule: bucket and account-level Block Public Access calls. */
import { createEventHandler } from './entry';
import { evaluateS3Target } from './evaluate-s3';

export const handler = createEventHandler(evaluateS3Target);
