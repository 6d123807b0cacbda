import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import type { BookstoreConfig } from '../config.js';
import type { TablesContract } from '../contracts.js';

export interface TablesProps {
  config: BookstoreConfig;
}

/**
 * The system of record as docs/dynamodb.md designs it: the single main table (pk/sk, gsi1 and gsi2
 * with every attribute projected, a NEW_AND_OLD_IMAGES stream that feeds the derived stores) and the
 * credentials table beside it (pk only, and no stream, so a password hash never enters the feed).
 * The design has no expiring items, so no TTL attribute. Encrypted with the AWS-managed KMS key
 * (`aws/dynamodb`): no key to pay for, and the stream's readers need no kms:Decrypt grant.
 */
export class Tables extends Construct implements TablesContract {
  readonly table: dynamodb.Table;
  readonly credentialsTable: dynamodb.Table;

  constructor(scope: Construct, id: string, props: TablesProps) {
    super(scope, id);
    const { dynamodb: cfg, keepDataOnDelete } = props.config;
    const common = {
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: cfg.pointInTimeRecovery },
      deletionProtection: cfg.deletionProtection,
      removalPolicy: keepDataOnDelete ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    };
    const S = dynamodb.AttributeType.STRING;

    this.table = new dynamodb.Table(this, 'Main', {
      ...common,
      tableName: cfg.tableName,
      partitionKey: { name: 'pk', type: S },
      sortKey: { name: 'sk', type: S },
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      // Guest carts carry their expiry here (src/adapters/dynamodb/dynamodb-guest-carts.ts).
      timeToLiveAttribute: 'ttl',
    });
    for (const index of ['gsi1', 'gsi2']) {
      this.table.addGlobalSecondaryIndex({
        indexName: index,
        partitionKey: { name: `${index}pk`, type: S },
        sortKey: { name: `${index}sk`, type: S },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    // The app derives this name from the main table's (credentialsTableName in dynamodb-items.ts).
    this.credentialsTable = new dynamodb.Table(this, 'Credentials', {
      ...common,
      tableName: `${cfg.tableName}-credentials`,
      partitionKey: { name: 'pk', type: S },
    });
  }
}
