import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runInNewContext } from 'node:vm';
import type { App } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { APP_CSP } from '../../src/http/content-security-policies.js';
import { findBundles } from '../lib/compute/bundles.js';
import { STREAM_RETENTION_HOURS } from '../lib/compute/stream-mapping.js';
import { ORIGIN_SECRET_VARIABLE, ORIGIN_VERIFY_HEADER, VIEWER_ADDRESS_HEADER } from '../../src/lambda/origin-headers.js';
import { API_ORIGIN_REQUEST_POLICY, API_PATH_PATTERNS, HASHED_ASSET_CACHE_CONTROL, REVALIDATE_CACHE_CONTROL } from '../lib/compute/storefront.js';
import { CONFIGS } from '../lib/config.js';
import { appEnvironment } from '../lib/contracts.js';
import { computeUnderTest, removeComputeUnderTest } from './compute-fixture.js';
import { refId, resourcesOf, type Resource } from './support/synth.js';

const under = computeUnderTest();
afterAll(removeComputeUnderTest);

/** 2 MiB: the budget for the HTTP bundle, minified. */
const HTTP_BUNDLE_BUDGET_BYTES = 2 * 1024 * 1024;
/** CloudFront's managed policies (their ids are fixed by AWS). */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

/** A Lambda runtime AWS still supports for new functions (Node.js 22+, Python 3.10+). */
function isSupportedRuntime(runtime: string): boolean {
  const node = /^nodejs(\d+)\.x$/.exec(runtime);
  if (node) return Number(node[1]) >= 22;
  const python = /^python3\.(\d+)$/.exec(runtime);
  if (python) return Number(python[1]) >= 10;
  return false;
}

describe.each(['dev', 'prod'] as const)('compute (%s)', (name) => {
  const { template, compute, stack, bundle } = under[name];
  const config = CONFIGS[name];
  const resources = template.toJSON().Resources as Record<string, Resource & { Metadata?: Record<string, any> }>;
  const idOf = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);
  const httpId = idOf(compute.http.function);
  const streamId = idOf(compute.stream.function);
  const rebuildId = idOf(compute.rebuild.function);

  describe('functions', () => {
    it('run every handler on Node.js 24, arm64, from an ES module bundle', () => {
      for (const [id, entry] of [
        [httpId, 'http'],
        [streamId, 'stream'],
        [rebuildId, 'rebuild'],
      ] as const) {
        const fn = resources[id]!;
        expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler' });
        expect(fn.Metadata?.['bookstore:bundle']).toMatchObject({ role: entry, handler: 'index.handler' });
        const { dir, code } = bundle(entry);
        expect(existsSync(join(dir, 'index.mjs'))).toBe(true);
        expect(existsSync(join(dir, 'index.js'))).toBe(false);
        // CommonJS dependencies inside the ES module still find require, __dirname and __filename.
        expect(code.startsWith("import { createRequire as __bookstoreCreateRequire } from 'node:module';")).toBe(true);
        expect(code.includes('const require = __bookstoreCreateRequire(import.meta.url);')).toBe(true);
        expect(code.includes('const __dirname = ')).toBe(true);
      }
    });

    it('puts no function of the stack on a deprecated runtime', () => {
      const functions = resourcesOf(template, 'AWS::Lambda::Function');
      expect(functions.length).toBeGreaterThanOrEqual(3);
      for (const [id, fn] of functions) expect(isSupportedRuntime(fn.Properties!.Runtime), `${id}: ${fn.Properties!.Runtime}`).toBe(true);
    });

    it('sizes both functions from the config', () => {
      expect(resources[httpId]!.Properties).toMatchObject({ MemorySize: config.lambda.httpMemoryMb, Timeout: config.lambda.httpTimeoutSeconds });
      expect(resources[streamId]!.Properties).toMatchObject({ MemorySize: config.lambda.streamMemoryMb, Timeout: config.lambda.streamTimeoutSeconds });
      expect(resources[httpId]!.Properties!.ReservedConcurrentExecutions).toBe(config.lambda.httpReservedConcurrency);
    });

    it("gives all three the app's environment and the metrics namespace and service", () => {
      const expected = Object.keys(appEnvironment(stack.data, config));
      expect(expected.length).toBeGreaterThan(10);
      for (const id of [httpId, streamId, rebuildId]) {
        const variables = resources[id]!.Properties!.Environment.Variables as Record<string, unknown>;
        expect(Object.keys(variables)).toEqual(expect.arrayContaining(expected));
        expect(variables).toMatchObject({
          BOOKSTORE_PROFILE: 'engines',
          BOOKSTORE_PROVISION: 'false',
          POWERTOOLS_METRICS_NAMESPACE: 'Bookstore',
          POWERTOOLS_SERVICE_NAME: 'bookstore',
        });
      }
    });

    it("runs all three in the VPC's isolated subnets with the functions' security group only", () => {
      const isolated = stack.network.vpc.isolatedSubnets.map((s) => stack.getLogicalId(s.node.defaultChild as never));
      expect(isolated.length).toBe(config.network.azCount);
      const sg = stack.getLogicalId(stack.network.functionSecurityGroup.node.defaultChild as never);
      for (const id of [httpId, streamId, rebuildId]) {
        const vpc = resources[id]!.Properties!.VpcConfig;
        expect(vpc.SubnetIds.map(refId).sort()).toEqual([...isolated].sort());
        expect(vpc.SecurityGroupIds.map(refId)).toEqual([sg]);
      }
    });
  });

  describe('bundles', () => {
    /** Every bare module specifier the bundle still imports or requires at run time. */
    function externalImports(code: string): Set<string> {
      const specifiers = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)"([^"]+)"/g)].map((m) => m[1]!);
      // Names only: ajv's generated-code strings mention require("ajv/dist/runtime/…") as text.
      return new Set(specifiers.filter((s) => /^(@[\w.-]+\/)?[\w:-][\w.:-]*(\/[\w.-]+)*$/.test(s) && !s.startsWith('ajv')));
    }

    it.each(['http', 'stream', 'rebuild'] as const)('leave the embedded profile and better-sqlite3 out of the %s bundle', (role) => {
      const { code } = bundle(role);
      // Plain booleans: a failing toContain would print the whole 2 MB bundle.
      expect(code.includes('better-sqlite3')).toBe(false);
      // The embedded adapters' SQLite set-up, which only they contain.
      expect(code.includes('journal_mode = WAL')).toBe(false);
      // The one way to the embedded adapters stays a dynamic import of a file that is not there.
      expect(code.includes('import("./composition-embedded.js")')).toBe(true);
      expect(existsSync(join(bundle(role).dir, 'composition-embedded.js'))).toBe(false);
    });

    it.each(['http', 'stream', 'rebuild'] as const)('import only Node built-ins and the runtime AWS SDK from outside the %s bundle', (role) => {
      const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
      const outside = [...externalImports(bundle(role).code)].filter((s) => !builtins.has(s) && !/^@(aws-sdk|smithy)\//.test(s));
      expect(outside).toEqual([]);
    });

    it.each(['http', 'stream', 'rebuild'] as const)('load the %s bundle as an ES module that exports handler', (role) => {
      // A fresh Node process, as Lambda starts one: no engine is needed, the store opens at the first invocation.
      const url = pathToFileURL(join(bundle(role).dir, 'index.mjs')).href;
      const run = spawnSync(
        process.execPath,
        ['--input-type=module', '-e', `const m = await import(${JSON.stringify(url)}); console.log(typeof m.handler);`],
        { encoding: 'utf8', env: { ...process.env, BOOKSTORE_LOG_LEVEL: 'silent' }, timeout: 60_000 },
      );
      expect(run.stderr).toBe('');
      expect(run.stdout.trim()).toBe('function');
    });

    it('keeps the HTTP bundle under 2 MB minified', () => {
      const bytes = Buffer.byteLength(bundle('http').code);
      console.info(`bundle sizes (${name}): http ${bytes} bytes, stream ${Buffer.byteLength(bundle('stream').code)} bytes`);
      expect(bytes).toBeLessThan(HTTP_BUNDLE_BUDGET_BYTES);
    });

    it("ships Swagger UI's files beside the HTTP bundle, where /docs looks for them", () => {
      const { dir } = bundle('http');
      for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css', 'logo.svg']) expect(existsSync(join(dir, 'static', file)), file).toBe(true);
    });
  });

  describe('stream mapping', () => {
    const [mappingId, mapping] = resourcesOf(template, 'AWS::Lambda::EventSourceMapping').find(([, m]) => refId(m.Properties!.FunctionName) === streamId)!;

    it("reads the main table's stream from the oldest record, in batches from the config", () => {
      expect(mappingId).toBeDefined();
      const tableId = stack.getLogicalId(stack.tables.table.node.defaultChild as never);
      expect(mapping.Properties!.EventSourceArn).toEqual({ 'Fn::GetAtt': [tableId, 'StreamArn'] });
      expect(mapping.Properties).toMatchObject({
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: config.stream.batchSize,
        MaximumBatchingWindowInSeconds: config.stream.maxBatchingWindowSeconds,
        ParallelizationFactor: config.stream.parallelizationFactor,
      });
    });

    it('reports batch item failures, bisects, and gives up only after bounded retries and age', () => {
      expect(mapping.Properties).toMatchObject({
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: config.stream.retryAttempts,
        MaximumRecordAgeInSeconds: config.stream.maxRecordAgeHours * 3600,
      });
      // Strictly under the stream's retention: a record is given up (and its pointer queued) while it can still be replayed.
      expect(mapping.Properties!.MaximumRecordAgeInSeconds).toBeLessThan(STREAM_RETENTION_HOURS * 3600);
      expect(mapping.Properties!.MaximumRecordAgeInSeconds).toBeLessThanOrEqual(12 * 3600);
      expect(config.stream.retryAttempts).toBeGreaterThanOrEqual(1);
      expect(config.stream.retryAttempts).toBeLessThanOrEqual(10);
    });

    it('sends what it gives up on to an encrypted, TLS-only queue', () => {
      const queueId = refId(mapping.Properties!.DestinationConfig.OnFailure.Destination)!;
      const queue = resources[queueId]!;
      expect(queue.Type).toBe('AWS::SQS::Queue');
      expect(queue.Properties!.SqsManagedSseEnabled === true || queue.Properties!.KmsMasterKeyId !== undefined).toBe(true);
      const policies = resourcesOf(template, 'AWS::SQS::QueuePolicy').filter(([, p]) => p.Properties!.Queues.some((q: unknown) => refId(q) === queueId));
      const statements = policies.flatMap(([, p]) => p.Properties!.PolicyDocument.Statement);
      expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
      expect(compute.streamFailureQueue).toBe(compute.streamMapping.failureQueue);
    });
  });

  describe('rebuild function', () => {
    const fn = resources[rebuildId]!;
    const rebuildName = `${config.stackName}-rebuild`;
    /** The statements of the policies attached to a function's role. */
    const statementsOf = (functionId: string) => {
      const roleId = refId(resources[functionId]!.Properties!.Role)!;
      return resourcesOf(template, 'AWS::IAM::Policy')
        .filter(([, p]) => (p.Properties!.Roles as unknown[]).some((r) => refId(r) === roleId))
        .flatMap(([, p]) => p.Properties!.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    };
    const actionsOf = (statement: { Action: string | string[] }) => [statement.Action].flat();

    it('has a fixed name, 15 minutes and the memory of the config', () => {
      expect(config.lambda.rebuildTimeoutSeconds).toBe(900);
      expect(config.lambda.rebuildMemoryMb).toBe(1024);
      expect(fn.Properties).toMatchObject({
        FunctionName: rebuildName,
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: config.lambda.rebuildMemoryMb,
        Timeout: config.lambda.rebuildTimeoutSeconds,
      });
      expect(fn.Properties!.ReservedConcurrentExecutions).toBeUndefined();
    });

    it("runs on the stream function's environment, with the chunk size only when the config sets one", () => {
      const variables = fn.Properties!.Environment.Variables as Record<string, unknown>;
      const stream = resources[streamId]!.Properties!.Environment.Variables as Record<string, unknown>;
      const { BOOKSTORE_REBUILD_CHUNK_SIZE: chunk, ...rest } = variables;
      expect(rest).toEqual(stream);
      expect(chunk).toBe(config.lambda.rebuildChunkSize === undefined ? undefined : String(config.lambda.rebuildChunkSize));
      expect(variables.BOOKSTORE_REBUILD_FUNCTION).toBeUndefined();
    });

    it('is what the HTTP function starts rebuilds with: BOOKSTORE_REBUILD_FUNCTION names it', () => {
      const variables = resources[httpId]!.Properties!.Environment.Variables as Record<string, unknown>;
      expect(variables.BOOKSTORE_REBUILD_FUNCTION).toEqual({ Ref: rebuildId });
      expect(resources[streamId]!.Properties!.Environment.Variables.BOOKSTORE_REBUILD_FUNCTION).toBeUndefined();
    });

    it('gives the HTTP function the storefront address for sitemap.xml and robots.txt, not API Gateway\'s', () => {
      const variables = resources[httpId]!.Properties!.Environment.Variables as Record<string, unknown>;
      const distributionId = resourcesOf(template, 'AWS::CloudFront::Distribution')[0]![0];
      expect(variables.BOOKSTORE_PUBLIC_URL).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }]] });
    });

    it('is invoked through the Lambda API by no function: only by the off-hours schedules (dev), whose role names it alone', () => {
      type Statement = { Action: string | string[]; Resource: unknown };
      const invokes = [
        ...resourcesOf(template, 'AWS::IAM::Policy').map(([id, p]) => [id, p.Properties!.PolicyDocument.Statement as Statement[]] as const),
        ...resourcesOf(template, 'AWS::IAM::Role').flatMap(([id, r]) =>
          ((r.Properties!.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).map((p) => [id, p.PolicyDocument.Statement] as const),
        ),
      ].flatMap(([id, statements]) => statements.filter((s) => actionsOf(s).some((a) => a.startsWith('lambda:'))).map((s) => ({ id, s })));
      const asyncConfigs = resourcesOf(template, 'AWS::Lambda::EventInvokeConfig').filter(([, c]) => refId(c.Properties!.FunctionName) === rebuildId);
      if (!config.neptune.offHours) {
        expect(invokes).toEqual([]);
        expect(asyncConfigs).toEqual([]);
        return;
      }
      const schedulerRole = stack.getLogicalId(stack.offHours!.role.node.defaultChild as never);
      expect(invokes).toEqual([{ id: schedulerRole, s: expect.objectContaining({ Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [rebuildId, 'Arn'] } }) }]);
      expect(asyncConfigs).toHaveLength(1);
    });

    it("is started by a second mapping on the table's stream, filtered to rebuild jobs wanting a worker, one job per invocation", () => {
      const tableId = stack.getLogicalId(stack.tables.table.node.defaultChild as never);
      const mappings = resourcesOf(template, 'AWS::Lambda::EventSourceMapping').filter(([, m]) => refId(m.Properties!.FunctionName) === rebuildId);
      expect(mappings).toHaveLength(1);
      const mapping = mappings[0]![1].Properties!;
      expect(mapping.EventSourceArn).toEqual({ 'Fn::GetAtt': [tableId, 'StreamArn'] });
      expect(mapping).toMatchObject({ StartingPosition: 'LATEST', BatchSize: 1, MaximumRetryAttempts: 2, MaximumRecordAgeInSeconds: 6 * 3600 });
      expect(mapping.FilterCriteria.Filters).toHaveLength(1);
      expect(JSON.parse(mapping.FilterCriteria.Filters[0].Pattern)).toEqual({
        eventName: ['INSERT', 'MODIFY'],
        dynamodb: { Keys: { pk: { S: [{ prefix: 'REBUILD#' }] } }, NewImage: { wantsWorker: { BOOL: [true] } } },
      });
      // The stream function's mapping stays unfiltered: every change reaches the projections.
      const streamMappings = resourcesOf(template, 'AWS::Lambda::EventSourceMapping').filter(([, m]) => refId(m.Properties!.FunctionName) === streamId);
      expect(streamMappings).toHaveLength(1);
      expect(streamMappings[0]![1].Properties!.FilterCriteria).toBeUndefined();
    });

    it('reads the stores the stream function writes, and the main table with the job item', () => {
      const statements = statementsOf(rebuildId);
      const tableId = stack.getLogicalId(stack.tables.table.node.defaultChild as never);
      const onTable = statements
        .filter((s) => [s.Resource].flat().some((r) => refId(r) === tableId))
        .flatMap(actionsOf);
      expect(onTable).toEqual(expect.arrayContaining(['dynamodb:DescribeTable', 'dynamodb:Scan', 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem']));
      expect(onTable).not.toContain('dynamodb:DeleteItem');
      const credentialsId = stack.getLogicalId(stack.tables.credentialsTable.node.defaultChild as never);
      const all = JSON.stringify(statements);
      expect(all).not.toContain(credentialsId);
      expect(all).not.toContain('cognito-idp:');
      for (const action of ['es:ESHttpPost', 'elasticache:Connect', 'neptune-db:WriteDataViaQuery']) expect(all).toContain(action);
    });

    it('sends a job record it gave up on after the retries to an encrypted, TLS-only queue of its own', () => {
      const mapping = resourcesOf(template, 'AWS::Lambda::EventSourceMapping').find(([, m]) => refId(m.Properties!.FunctionName) === rebuildId)![1].Properties!;
      const queueArn = mapping.DestinationConfig.OnFailure.Destination;
      const queueId = (queueArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
      expect(queueId).toBe(stack.getLogicalId(compute.rebuildInvocation.failureQueue.node.defaultChild as never));
      expect(queueId).not.toBe(stack.getLogicalId(compute.streamMapping.failureQueue.node.defaultChild as never));
      const queue = resources[queueId]!;
      expect(queue.Type).toBe('AWS::SQS::Queue');
      expect(queue.Properties!.SqsManagedSseEnabled === true || queue.Properties!.KmsMasterKeyId !== undefined).toBe(true);
      const policies = resourcesOf(template, 'AWS::SQS::QueuePolicy').filter(([, p]) => p.Properties!.Queues.some((q: unknown) => refId(q) === queueId));
      const statements = policies.flatMap(([, p]) => p.Properties!.PolicyDocument.Statement);
      expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
      const sends = statementsOf(rebuildId).filter((s) => actionsOf(s).includes('sqs:SendMessage'));
      expect(sends.map((s) => JSON.stringify(s.Resource))).toEqual([JSON.stringify(queueArn)]);
    });

    it('names itself in the stack output RebuildFunctionName', () => {
      const outputs = Object.entries(template.toJSON().Outputs as Record<string, { Value: unknown }>).filter(([id]) => id.includes('RebuildFunctionName'));
      expect(outputs).toHaveLength(1);
      expect(outputs[0]![1].Value).toEqual({ Ref: rebuildId });
    });
  });

  describe('HTTP API', () => {
    it('sends every request to the HTTP function as a payload 2.0 proxy event on the $default route', () => {
      const [, api] = resourcesOf(template, 'AWS::ApiGatewayV2::Api').find(([id]) => id === idOf(compute.api.api))!;
      expect(api.Properties!.ProtocolType).toBe('HTTP');
      const routes = resourcesOf(template, 'AWS::ApiGatewayV2::Route');
      expect(routes.map(([, r]) => r.Properties!.RouteKey)).toEqual(['$default']);
      const integrationId = (routes[0]![1].Properties!.Target['Fn::Join'][1] as unknown[]).map(refId).find(Boolean)!;
      expect(resources[integrationId]!.Properties).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
      expect(refId(resources[integrationId]!.Properties!.IntegrationUri)).toBe(httpId);
    });

    it('throttles the $default stage and writes JSON access logs to a log group with a retention', () => {
      const [, stage] = resourcesOf(template, 'AWS::ApiGatewayV2::Stage')[0]!;
      expect(resourcesOf(template, 'AWS::ApiGatewayV2::Stage')).toHaveLength(1);
      expect(stage.Properties).toMatchObject({
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: config.api.throttleRatePerSecond, ThrottlingBurstLimit: config.api.throttleBurst },
      });
      const format = JSON.parse(stage.Properties!.AccessLogSettings.Format);
      expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status', routeKey: '$context.routeKey' });
      const logGroup = resources[refId(stage.Properties!.AccessLogSettings.DestinationArn)!]!;
      expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
      expect(logGroup.Properties!.RetentionInDays).toBe(config.api.accessLogRetentionDays);
    });
  });

  describe('storefront', () => {
    const bucketId = idOf(compute.storefront.bucket);
    const [, distribution] = resourcesOf(template, 'AWS::CloudFront::Distribution')[0]!;
    const dist = distribution.Properties!.DistributionConfig;

    it('keeps the build in a private, versioned, S3-encrypted bucket', () => {
      expect(resources[bucketId]!.Properties).toMatchObject({
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      });
    });

    it('lets only this distribution read the bucket, over TLS only', () => {
      const [, policy] = resourcesOf(template, 'AWS::S3::BucketPolicy').find(([, p]) => refId(p.Properties!.Bucket) === bucketId)!;
      const statements = policy.Properties!.PolicyDocument.Statement as Record<string, any>[];
      expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
      const allows = statements.filter((s) => s.Effect === 'Allow');
      expect(allows.length).toBeGreaterThan(0);
      for (const s of allows) {
        expect(s.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
        expect(JSON.stringify(s.Condition.StringEquals['AWS:SourceArn'])).toContain(idOf(compute.storefront.distribution));
      }
    });

    it('reads S3 through origin access control', () => {
      const s3Origin = dist.Origins.find((o: any) => o.S3OriginConfig);
      expect(resources[refId(s3Origin.OriginAccessControlId)!]!.Type).toBe('AWS::CloudFront::OriginAccessControl');
      expect(s3Origin.S3OriginConfig.OriginAccessIdentity).toBe('');
      expect(dist.DefaultCacheBehavior.TargetOriginId).toBe(s3Origin.Id);
    });

    it('sends the API paths to the HTTP API uncached, with every viewer header but Host and every method', () => {
      const apiOrigin = dist.Origins.find((o: any) => o.CustomOriginConfig);
      expect(apiOrigin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
      expect(JSON.stringify(apiOrigin.DomainName)).toContain(idOf(compute.api.api));
      expect(dist.CacheBehaviors.map((b: any) => b.PathPattern)).toEqual([...API_PATH_PATTERNS]);
      for (const behavior of dist.CacheBehaviors) {
        expect(behavior).toMatchObject({
          TargetOriginId: apiOrigin.Id,
          CachePolicyId: CACHING_DISABLED,
          OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
          ViewerProtocolPolicy: 'https-only',
        });
        expect([...behavior.AllowedMethods].sort()).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);
        const headers = resources[refId(behavior.ResponseHeadersPolicyId)!]!.Properties!.ResponseHeadersPolicyConfig;
        expect(headers.SecurityHeadersConfig.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(31536000);
        // The API's own CSP (and Swagger UI's at /docs) must pass through untouched.
        expect(headers.SecurityHeadersConfig.ContentSecurityPolicy).toBeUndefined();
      }
    });

    describe('the viewer address and the origin secret', () => {
      const secretId = idOf(compute.originVerifySecret);
      // CDK writes a secret's value as a CloudFormation dynamic reference, resolved at deploy time.
      const dynamicReference = { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']] };

      it('passes CloudFront-Viewer-Address on: the API behaviours use the managed policy that includes CloudFront headers', () => {
        expect(API_ORIGIN_REQUEST_POLICY.originRequestPolicyId).toBe(ALL_VIEWER_EXCEPT_HOST_HEADER);
        expect(VIEWER_ADDRESS_HEADER).toBe('CloudFront-Viewer-Address');
        for (const behavior of dist.CacheBehaviors) expect(behavior.OriginRequestPolicyId).toBe(ALL_VIEWER_EXCEPT_HOST_HEADER);
        // No policy of our own that could pass Host (API Gateway refuses it) or drop the CloudFront headers.
        expect(resourcesOf(template, 'AWS::CloudFront::OriginRequestPolicy')).toEqual([]);
      });

      it('generates the secret in Secrets Manager, long and header-safe', () => {
        expect(resources[secretId]!.Type).toBe('AWS::SecretsManager::Secret');
        expect(resources[secretId]!.Properties!.GenerateSecretString).toMatchObject({ PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false });
        expect(resources[secretId]!.Properties!.SecretString).toBeUndefined();
      });

      it('sends the secret in X-Origin-Verify to the API origin only, as a dynamic reference, never a literal', () => {
        const apiOrigin = dist.Origins.find((o: any) => o.CustomOriginConfig);
        expect(apiOrigin.OriginCustomHeaders).toEqual([{ HeaderName: ORIGIN_VERIFY_HEADER, HeaderValue: dynamicReference }]);
        expect(dist.Origins.find((o: any) => o.S3OriginConfig).OriginCustomHeaders).toBeUndefined();
      });

      it('gives the same reference to the HTTP function, and to no other function', () => {
        expect(resources[httpId]!.Properties!.Environment.Variables[ORIGIN_SECRET_VARIABLE]).toEqual(dynamicReference);
        for (const id of [streamId, rebuildId]) expect(resources[id]!.Properties!.Environment.Variables[ORIGIN_SECRET_VARIABLE]).toBeUndefined();
        // Written into the configs by CloudFormation: no role needs to read the secret at run time.
        const reads = resourcesOf(template, 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties!.PolicyDocument).includes('secretsmanager:'));
        expect(reads).toEqual([]);
      });
    });

    it("puts HSTS and the server's own storefront CSP on the storefront's files", () => {
      const headers = resources[refId(dist.DefaultCacheBehavior.ResponseHeadersPolicyId)!]!.Properties!.ResponseHeadersPolicyConfig;
      expect(headers.SecurityHeadersConfig).toMatchObject({
        StrictTransportSecurity: { IncludeSubdomains: true, Override: true },
        ContentSecurityPolicy: { ContentSecurityPolicy: APP_CSP, Override: true },
        ContentTypeOptions: { Override: true },
        FrameOptions: { FrameOption: 'DENY' },
      });
      expect(headers.SecurityHeadersConfig.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(31536000);
    });

    it('answers app routes with index.html and leaves a missing file a 404 (no error-page fallback)', () => {
      const associations = dist.DefaultCacheBehavior.FunctionAssociations;
      expect(associations).toHaveLength(1);
      expect(associations[0].EventType).toBe('viewer-request');
      const fn = resources[refId(associations[0].FunctionARN)!]!;
      expect(fn.Properties!.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
      // Runs the function's code from the template, as CloudFront would.
      const handler = runInNewContext(`${fn.Properties!.FunctionCode}; handler`) as (event: unknown) => { uri: string };
      const rewrite = (uri: string) => handler({ request: { uri, method: 'GET', headers: {} } }).uri;
      expect(rewrite('/')).toBe('/index.html');
      expect(rewrite('/books/9780261103573')).toBe('/index.html');
      expect(rewrite('/cart')).toBe('/index.html');
      expect(rewrite('/assets/index-3f2a1b.js')).toBe('/assets/index-3f2a1b.js');
      expect(rewrite('/assets/missing.js')).toBe('/assets/missing.js');
      expect(rewrite('/favicon.svg')).toBe('/favicon.svg');
      expect(dist.CustomErrorResponses).toBeUndefined();
      expect(dist.DefaultRootObject).toBe('index.html');
    });

    it('caches hashed files for a year and revalidates the rest, without the precompressed copies', () => {
      const deployments = resourcesOf(template, 'Custom::CDKBucketDeployment').map(([, d]) => d.Properties!);
      expect(deployments).toHaveLength(2);
      const assets = deployments.find((d) => d.DestinationBucketKeyPrefix === 'assets/')!;
      const pages = deployments.find((d) => d.DestinationBucketKeyPrefix === undefined)!;
      expect(assets).toMatchObject({ SystemMetadata: { 'cache-control': HASHED_ASSET_CACHE_CONTROL }, Prune: false });
      expect(pages).toMatchObject({ SystemMetadata: { 'cache-control': REVALIDATE_CACHE_CONTROL }, Prune: true, Exclude: ['assets/*'] });
      for (const d of [assets, pages]) expect(refId(d.DestinationBucketName)).toBe(bucketId);
      expect(HASHED_ASSET_CACHE_CONTROL).toBe('public, max-age=31536000, immutable');
    });

    it('uses the price class of the config and the default certificate unless a domain is configured', () => {
      expect(dist.PriceClass).toBe(config.web.priceClass);
      expect(dist.Aliases).toEqual(config.web.customDomain?.domainNames);
      expect(dist.HttpVersion).toBe('http2and3');
    });
  });

  describe('logs', () => {
    it('sets a retention and the logs key on every log group', () => {
      const groups = resourcesOf(template, 'AWS::Logs::LogGroup');
      expect(groups.length).toBeGreaterThanOrEqual(5);
      for (const [id, group] of groups) {
        expect(group.Properties!.RetentionInDays, id).toBeGreaterThan(0);
        expect(group.Properties!.KmsKeyId, id).toBeDefined();
      }
    });

    it('gives every function of the stack, BucketDeployment\'s too, a log group of its own with a retention', () => {
      const functions = resourcesOf(template, 'AWS::Lambda::Function');
      const groups = new Set<string>();
      for (const [id, fn] of functions) {
        const groupId = refId(fn.Properties!.LoggingConfig?.LogGroup);
        expect(groupId, `${id} has no log group of the stack`).toBeDefined();
        expect(resources[groupId!]!.Properties!.RetentionInDays, id).toBe(config.lambda.logRetentionDays);
        groups.add(groupId!);
      }
      expect(groups.size).toBe(functions.length);
      // Nothing else writes to /aws/lambda/<name> groups that CloudFormation does not manage.
      expect(resourcesOf(template, 'Custom::LogRetention')).toEqual([]);
    });
  });
});

describe('finding the synthesized bundles', () => {
  it('locates every bundle of a stack in the cloud assembly, as the emulator harness does', () => {
    const { stack, bundle } = under.dev;
    const found = findBundles((stack.node.root as App).outdir, stack.stackName);
    for (const role of ['http', 'stream'] as const) {
      expect(found[role].dir).toBe(bundle(role).dir);
      expect(existsSync(found[role].file)).toBe(true);
      expect(found[role].handler).toBe('index.handler');
      expect(found[role].environment).toMatchObject({ BOOKSTORE_PROFILE: 'engines' });
    }
    // A third role is found beside them, and the two the emulator runs stay where they were.
    expect(found.rebuild?.dir).toBe(bundle('rebuild').dir);
    expect(new Set([found.http.logicalId, found.stream.logicalId, found.rebuild?.logicalId]).size).toBe(3);
    expect(() => findBundles('/nonexistent', stack.stackName)).toThrow(/npm run synth/);
  });
});
