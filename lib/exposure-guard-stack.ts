import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { ExposureGuardConfig } from './config';
import { ExposureGuard } from './exposure-guard';

export interface ExposureGuardStackProps extends StackProps {
  readonly config: ExposureGuardConfig;
}

/** The deployable unit: one ExposureGuard per account and region. */
export class ExposureGuardStack extends Stack {
  public readonly guard: ExposureGuard;

  constructor(scope: Construct, id: string, props: ExposureGuardStackProps) {
    super(scope, id, props);
    this.guard = new ExposureGuard(this, 'Guard', { config: props.config });
  }
}
