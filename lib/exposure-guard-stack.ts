import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { ExposureGuardProps } from './exposure-guard';
import { ExposureGuard } from './exposure-guard';

export interface ExposureGuardStackProps extends StackProps, ExposureGuardProps {}

/** The deployable unit: one ExposureGuard per account and region. */
export class ExposureGuardStack extends Stack {
  public readonly guard: ExposureGuard;

  constructor(scope: Construct, id: string, props: ExposureGuardStackProps = {}) {
    super(scope, id, props);
    this.guard = new ExposureGuard(this, 'Guard', { config: props.config });
  }
}
