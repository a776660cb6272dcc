import { Aws, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** The DynamoDB calls a function makes on the ledger (TransactWriteItems is authorised as its PutItem and UpdateItem parts). */
export type LedgerAccess = 'dynamodb:BatchGetItem' | 'dynamodb:Query' | 'dynamodb:GetItem' | 'dynamodb:PutItem' | 'dynamodb:UpdateItem' | 'dynamodb:Scan';

/**
 * The findings ledger and the sweep's run records: on-demand (a sweep is a burst, most hours are
 * quiet), encrypted with the stack's key, point-in-time recovery, kept when the stack is deleted
 * (it is the memory of what was told), closed findings and finished runs expiring by TTL.
 */
export class LedgerTable extends Construct {
  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, private readonly key: kms.IKey) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /**
   * Exactly the calls named, on this table only, and the key only through DynamoDB in this region
   * (DynamoDB uses the key on the caller's behalf).
   */
  grant(role: iam.IRole, actions: LedgerAccess[]): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'FindingsLedger', actions: [...actions].sort(), resources: [this.table.tableArn] }));
    const writes = actions.some((a) => a === 'dynamodb:PutItem' || a === 'dynamodb:UpdateItem');
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'FindingsLedgerKey',
      // aws-cdk-lib's table grants give kms:GenerateDataKey* and kms:ReEncrypt*; spelled out here for
      // a symmetric key (no key pairs), so the policy holds no wildcard.
      actions: ['kms:Decrypt', 'kms:DescribeKey', ...(writes ? ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'] : [])],
      resources: [this.key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(this).region}.${Aws.URL_SUFFIX}` } },
    }));
  }
}
