import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { BookstoreStack } from '../lib/bookstore-stack.js';
import { CONFIGS } from '../lib/config.js';
import { appEnvironment } from '../lib/contracts.js';
import { only, refId, resourcesOf, synthesized } from './support/synth.js';

const { app, templates } = synthesized();

describe.each(['dev', 'prod'] as const)('stores (%s)', (name) => {
  const template = templates[name];
  const config = CONFIGS[name];
  const prod = name === 'prod';
  const kept = prod ? 'Retain' : 'Delete';

  it('keeps the system of record in the table design of docs/dynamodb.md, encrypted, with PITR and a stream', () => {
    const tables = Object.fromEntries(resourcesOf(template, 'AWS::DynamoDB::Table').map(([, t]) => [t.Properties!.TableName, t]));
    expect(Object.keys(tables).sort()).toEqual([config.dynamodb.tableName, `${config.dynamodb.tableName}-credentials`]);
    const main = tables[config.dynamodb.tableName]!;
    expect(main.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      // Guest carts expire by themselves (src/adapters/dynamodb/dynamodb-guest-carts.ts).
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
    });
    expect(main.Properties!.GlobalSecondaryIndexes.map((i: any) => [i.IndexName, i.KeySchema.map((k: any) => k.AttributeName), i.Projection.ProjectionType])).toEqual([
      ['gsi1', ['gsi1pk', 'gsi1sk'], 'ALL'],
      ['gsi2', ['gsi2pk', 'gsi2sk'], 'ALL'],
    ]);
    const credentials = tables[`${config.dynamodb.tableName}-credentials`]!;
    expect(credentials.Properties!.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }]);
    // A password hash must never enter a change feed.
    expect(credentials.Properties!.StreamSpecification).toBeUndefined();
    for (const table of [main, credentials]) {
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        // SSEEnabled without a key is KMS with the AWS-managed key aws/dynamodb.
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: prod,
      });
      expect([undefined, 'KMS']).toContain(table.Properties!.SSESpecification.SSEType);
      expect(table.DeletionPolicy).toBe(kept);
    }
  });

  it('runs OpenSearch in the VPC, encrypted at rest and in transit, HTTPS with TLS 1.2+ only', () => {
    const [, domain] = only(template, 'AWS::OpenSearchService::Domain');
    const p = domain.Properties!;
    expect(p).toMatchObject({
      EncryptionAtRestOptions: { Enabled: true },
      NodeToNodeEncryptionOptions: { Enabled: true },
      DomainEndpointOptions: { EnforceHTTPS: true, TLSSecurityPolicy: expect.stringMatching(/^Policy-Min-TLS-1-2/) },
    });
    expect(p.VPCOptions.SubnetIds).toHaveLength(config.opensearch.availabilityZoneCount);
    expect(p.ClusterConfig.InstanceCount).toBe(config.opensearch.dataNodeCount);
    expect(p.ClusterConfig.InstanceType).toBe(config.opensearch.dataNodeInstanceType);
    if (prod) {
      expect(p.ClusterConfig).toMatchObject({ ZoneAwarenessEnabled: true, ZoneAwarenessConfig: { AvailabilityZoneCount: 3 } });
      expect(p.ClusterConfig.InstanceCount).toBeGreaterThanOrEqual(3);
    } else {
      expect(p.ClusterConfig).toMatchObject({ ZoneAwarenessEnabled: false, InstanceCount: 1, InstanceType: 't3.small.search' });
    }
    expect(domain.DeletionPolicy).toBe(kept);
  });

  it('lets only IAM roles into the OpenSearch domain (no Principal *)', () => {
    const [, domain] = only(template, 'AWS::OpenSearchService::Domain');
    const statements = domain.Properties!.AccessPolicies?.Statement ?? [];
    expect(statements.length).toBeGreaterThan(0);
    const roles = new Set<string>();
    for (const statement of statements) {
      expect(statement.Effect).toBe('Allow');
      const principals = [statement.Principal?.AWS].flat();
      expect(principals.length).toBeGreaterThan(0);
      for (const principal of principals) {
        expect(principal).not.toBe('*');
        expect(principal).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
        roles.add(refId(principal)!);
      }
      for (const action of [statement.Action].flat()) expect(action).toMatch(/^es:ESHttp[A-Z][a-z]+$/);
    }
    // Exactly the roles of the three app functions (HTTP, stream, rebuild).
    const functionRoles = resourcesOf(template, 'AWS::Lambda::Function')
      .filter(([, f]) => f.Properties!.Environment?.Variables?.BOOKSTORE_PROFILE === 'engines')
      .map(([, f]) => refId(f.Properties!.Role));
    expect(functionRoles).toHaveLength(3);
    expect([...roles].sort()).toEqual(functionRoles.sort());
  });

  it('runs Valkey Serverless (cluster mode, TLS and encryption at rest by design) behind IAM authentication', () => {
    const [, cache] = only(template, 'AWS::ElastiCache::ServerlessCache');
    expect(cache.Properties).toMatchObject({ Engine: 'valkey', ServerlessCacheName: config.resourcePrefix });
    expect(cache.Properties!.SubnetIds).toHaveLength(config.network.azCount);
    const users = resourcesOf(template, 'AWS::ElastiCache::User').map(([id, u]) => [id, u.Properties!] as const);
    const iamUser = users.find(([, u]) => u.AuthenticationMode?.Type === 'iam')!;
    expect(iamUser[1].UserId).toBe(`${config.resourcePrefix}-app`);
    expect(iamUser[1].UserName).toBe(iamUser[1].UserId);
    const defaultUser = users.find(([, u]) => u.UserName === 'default')!;
    expect(defaultUser[1].AccessString).toMatch(/^off\b/);
    expect(users).toHaveLength(2);
    const [groupId, group] = only(template, 'AWS::ElastiCache::UserGroup');
    expect(group.Properties!.UserIds.sort()).toEqual([iamUser[1].UserId, defaultUser[1].UserId].sort());
    expect(cache.Properties!.UserGroupId).toBe(group.Properties!.UserGroupId);
    expect((cache as { DependsOn?: string[] }).DependsOn).toContain(groupId);
    expect(cache.DeletionPolicy).toBe(kept);
  });

  it('runs Neptune in the VPC with IAM auth and encrypted storage, a reader in another AZ in prod', () => {
    const [clusterId, cluster] = only(template, 'AWS::Neptune::DBCluster');
    expect(cluster.Properties).toMatchObject({
      IamAuthEnabled: true,
      StorageEncrypted: true,
      DeletionProtection: prod,
      BackupRetentionPeriod: config.neptune.backupRetentionDays,
    });
    expect(cluster.DeletionPolicy).toBe(prod ? 'Snapshot' : 'Delete');
    const instances = resourcesOf(template, 'AWS::Neptune::DBInstance').map(([, i]) => i.Properties!);
    expect(instances).toHaveLength(1 + config.neptune.readerCount);
    for (const instance of instances) {
      expect(refId(instance.DBClusterIdentifier)).toBe(clusterId);
      expect(instance.DBInstanceClass).toBe(config.neptune.instanceClass);
    }
    if (prod) {
      const azs = new Set(instances.map((i) => JSON.stringify(i.AvailabilityZone)));
      expect(azs.size).toBe(2);
    } else {
      expect(config.neptune.instanceClass).toBe('db.t4g.medium');
    }
  });

  it('signs users in with a Cognito pool the VPC endpoint can reach: email usernames, no domain, admin-only accounts', () => {
    const [, pool] = only(template, 'AWS::Cognito::UserPool');
    expect(pool.Properties).toMatchObject({
      UsernameAttributes: ['email'],
      UsernameConfiguration: { CaseSensitive: false },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      DeletionProtection: prod ? 'ACTIVE' : 'INACTIVE',
      Policies: { PasswordPolicy: { MinimumLength: 10 } },
    });
    expect(pool.Properties!.Schema).toEqual(expect.arrayContaining([expect.objectContaining({ Name: 'bookstore_id', Mutable: true })]));
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 0);
    const [, client] = only(template, 'AWS::Cognito::UserPoolClient');
    expect(client.Properties).toMatchObject({ GenerateSecret: false, ClientName: 'bookstore-api' });
    expect(client.Properties!.ExplicitAuthFlows.sort()).toEqual(['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_PASSWORD_AUTH']);
    expect(client.Properties!.ReadAttributes).toContain('custom:bookstore_id');
    expect(client.Properties!.WriteAttributes ?? []).not.toContain('custom:bookstore_id');
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'admin' });
    expect(pool.DeletionPolicy).toBe(kept);
  });

  it('hands the functions the environment src/config.ts reads, pointing every engine at its AWS service', () => {
    const stack = app.stacks[name];
    const env = stack.resolve(appEnvironment(stack.data, config)) as Record<string, unknown>;
    expect(env).toMatchObject({
      BOOKSTORE_PROFILE: 'engines',
      BOOKSTORE_PROVISION: 'false',
      BOOKSTORE_DYNAMODB_ENDPOINT: 'aws',
      BOOKSTORE_DYNAMODB_TABLE: { Ref: expect.stringMatching(/^TablesMain/) },
      BOOKSTORE_OPENSEARCH_AUTH: 'sigv4',
      BOOKSTORE_OPENSEARCH_REPLICAS: String(config.opensearch.indexReplicas),
      BOOKSTORE_REDIS_MODE: 'cluster',
      BOOKSTORE_REDIS_AUTH: 'iam',
      BOOKSTORE_REDIS_IAM_USER: `${config.resourcePrefix}-app`,
      BOOKSTORE_REDIS_IAM_CACHE: config.resourcePrefix,
      BOOKSTORE_REDIS_IAM_SERVERLESS: 'true',
      BOOKSTORE_GREMLIN_AUTH: 'sigv4',
      BOOKSTORE_COGNITO_ENDPOINT: 'aws',
      BOOKSTORE_COGNITO_USER_POOL_ID: { Ref: expect.stringMatching(/^IdentityUsers/) },
      BOOKSTORE_COGNITO_CLIENT_ID: { Ref: expect.stringMatching(/^IdentityUsersApiClient/) },
    });
    const joined = (key: string) => JSON.stringify(env[key]);
    expect(joined('BOOKSTORE_OPENSEARCH_URL')).toMatch(/^\{"Fn::Join":\["",\["https:\/\/",\{"Fn::GetAtt":\["SearchDomain\w+","DomainEndpoint"\]\}/);
    expect(joined('BOOKSTORE_REDIS_URL')).toMatch(/"rediss:\/\/",\{"Fn::GetAtt":\["CacheServerless\w+","Endpoint.Address"\]\},":",\{"Fn::GetAtt":\["CacheServerless\w+","Endpoint.Port"\]\}/);
    expect(joined('BOOKSTORE_GREMLIN_URL')).toMatch(/"wss:\/\/",\{"Fn::GetAtt":\["GraphCluster\w+","Endpoint"\]\},":",\{"Fn::GetAtt":\["GraphCluster\w+","Port"\]\},"\/gremlin"/);
  });
});

describe('a node-based cache (the config alternative to Serverless)', () => {
  const config = { ...CONFIGS.prod, stackName: 'NodeCache', redis: { kind: 'replication-group' as const, engineVersion: '8.0', nodeType: 'cache.t4g.small', replicasPerShard: 1, snapshotRetentionDays: 7 } };
  const stack = new BookstoreStack(new App(), 'NodeCache', { config });
  const template = Template.fromStack(stack);

  it('is a TLS-only, encrypted replication group with a replica in another AZ and automatic failover, behind IAM auth', () => {
    template.resourceCountIs('AWS::ElastiCache::ServerlessCache', 0);
    const [, group] = only(template, 'AWS::ElastiCache::ReplicationGroup');
    expect(group.Properties).toMatchObject({
      Engine: 'valkey',
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
      AtRestEncryptionEnabled: true,
      AutomaticFailoverEnabled: true,
      MultiAZEnabled: true,
      ReplicasPerNodeGroup: 1,
    });
    expect(group.Properties!.UserGroupIds).toHaveLength(1);
    const env = Stack.of(stack).resolve(appEnvironment(stack.data, config)) as Record<string, unknown>;
    expect(env).toMatchObject({ BOOKSTORE_REDIS_MODE: 'standalone', BOOKSTORE_REDIS_IAM_SERVERLESS: 'false', BOOKSTORE_REDIS_AUTH: 'iam' });
  });
});
