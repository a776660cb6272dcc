#!/usr/bin/env node
/** The CDK app: read config, build the stack, run cdk-nag. Wiring only. */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError } from '../lib/config';
import { ExposureGuardStack } from '../lib/exposure-guard-stack';
import { acknowledgeNagFindings } from '../lib/nag';

const app = new App();
let stack: ExposureGuardStack;
try {
  stack = new ExposureGuardStack(app, 'ExposureGuard', {
    // The construct validates it: a bad key fails synth with one line naming it.
    config: app.node.tryGetContext('exposureGuard') ?? {},
    description: 'Exposure Guard: catches and closes public S3 buckets and world-open security groups',
    // Environment-agnostic: account and region resolve at deploy time, so one template serves every
    // account and region (and a StackSet later).
  });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`Invalid configuration: ${error.message}`);
  process.exit(1);
}
acknowledgeNagFindings(stack);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
