import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findBundles } from '../../infra/lib/compute/bundles.js';
import { synthesizedBundles } from '../../scripts/lambda-rie/bundles.js';
import { functionEnvironment } from '../../scripts/lambda-rie/local-stack.js';
import { tempDir } from '../support/temp-dir.js';

/** A cloud assembly as `cdk synth` writes it: a template per stack, each function's code in asset.<hash>/. */
function assembly(resources: Record<string, unknown>, assets: string[]) {
  const dir = tempDir('bookstore-cdk-out-');
  writeFileSync(join(dir.path, 'Bookstore-dev.template.json'), JSON.stringify({ Resources: resources }));
  for (const asset of assets) {
    mkdirSync(join(dir.path, asset));
    writeFileSync(join(dir.path, asset, 'index.mjs'), `export const handler = async () => '${asset}';\n`);
  }
  return dir;
}

const fn = (asset: string, extra: Record<string, unknown> = {}) => ({
  Type: 'AWS::Lambda::Function',
  Properties: {
    Handler: 'index.handler',
    Runtime: 'nodejs24.x',
    MemorySize: 1024,
    Timeout: 29,
    Environment: {
      Variables: {
        BOOKSTORE_PROFILE: 'engines',
        BOOKSTORE_LOG_LEVEL: 'warn',
        BOOKSTORE_DYNAMODB_TABLE: { Ref: 'Table' },
        BOOKSTORE_OPENSEARCH_URL: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': ['Domain', 'DomainEndpoint'] }]] },
        BOOKSTORE_OPENSEARCH_AUTH: 'sigv4',
        BOOKSTORE_REDIS_AUTH: 'iam',
        POWERTOOLS_SERVICE_NAME: 'bookstore',
      },
    },
  },
  Metadata: { 'aws:asset:path': asset, 'aws:asset:property': 'Code' },
  ...extra,
});

describe('finding the synthesized bundles in a cloud assembly', () => {
  const dirs: Array<{ remove(): void }> = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

  it("reads each function's role, code and plain variables from its bookstore:bundle metadata", () => {
    const dir = assembly(
      {
        StreamFn: fn('asset.bbb', { Metadata: { 'aws:asset:path': 'asset.bbb', 'bookstore:bundle': { role: 'stream', assetPath: 'asset.bbb', handler: 'index.handler' } } }),
        HttpFn: fn('asset.aaa', { Metadata: { 'aws:asset:path': 'asset.aaa', 'bookstore:bundle': { role: 'http', assetPath: 'asset.aaa', handler: 'index.handler' } } }),
      },
      ['asset.aaa', 'asset.bbb'],
    );
    dirs.push(dir);
    const bundles = synthesizedBundles(dir.path, 'Bookstore-dev');
    expect(bundles.http).toMatchObject({ taskRoot: join(dir.path, 'asset.aaa'), file: join(dir.path, 'asset.aaa', 'index.mjs'), handler: 'index.handler', memoryMb: 1024, timeoutSeconds: 29 });
    expect(bundles.stream.taskRoot).toBe(join(dir.path, 'asset.bbb'));
    expect(bundles.http.source).toBe('Bookstore-dev/HttpFn (asset.aaa)');
    // References to deployed resources are dropped; plain values kept.
    expect(bundles.http.environment).toEqual({ BOOKSTORE_PROFILE: 'engines', BOOKSTORE_LOG_LEVEL: 'warn', BOOKSTORE_OPENSEARCH_AUTH: 'sigv4', BOOKSTORE_REDIS_AUTH: 'iam', POWERTOOLS_SERVICE_NAME: 'bookstore' });
  });

  it('without that metadata, tells the functions apart by what invokes them', () => {
    const dir = assembly(
      {
        A: fn('asset.aaa'),
        B: fn('asset.bbb'),
        Mapping: { Type: 'AWS::Lambda::EventSourceMapping', Properties: { FunctionName: { Ref: 'A' }, EventSourceArn: { 'Fn::GetAtt': ['Table', 'StreamArn'] } } },
        Integration: { Type: 'AWS::ApiGatewayV2::Integration', Properties: { IntegrationUri: { 'Fn::GetAtt': ['B', 'Arn'] } } },
      },
      ['asset.aaa', 'asset.bbb'],
    );
    dirs.push(dir);
    const bundles = synthesizedBundles(dir.path, 'Bookstore-dev');
    expect(bundles.stream.taskRoot).toBe(join(dir.path, 'asset.aaa'));
    expect(bundles.http.taskRoot).toBe(join(dir.path, 'asset.bbb'));
  });

  it('is the same lookup as the CDK app\'s: other roles beside the two, and one function per role', () => {
    const meta = (role: string, asset: string) => ({ Metadata: { 'bookstore:bundle': { role, assetPath: asset, handler: 'index.handler' } } });
    const dir = assembly({ H: fn('asset.aaa', meta('http', 'asset.aaa')), S: fn('asset.bbb', meta('stream', 'asset.bbb')), R: fn('asset.ccc', meta('rebuild', 'asset.ccc')) }, ['asset.aaa', 'asset.bbb', 'asset.ccc']);
    dirs.push(dir);
    const found = findBundles(dir.path, 'Bookstore-dev');
    expect(found.rebuild).toMatchObject({ logicalId: 'R', dir: join(dir.path, 'asset.ccc'), memoryMb: 1024 });
    expect(synthesizedBundles(dir.path, 'Bookstore-dev').http.taskRoot).toBe(found.http.dir);
    const twice = assembly({ H: fn('asset.aaa', meta('http', 'asset.aaa')), H2: fn('asset.aaa', meta('http', 'asset.aaa')), S: fn('asset.aaa', meta('stream', 'asset.aaa')) }, ['asset.aaa']);
    dirs.push(twice);
    expect(() => findBundles(twice.path, 'Bookstore-dev')).toThrow(/expected one function with bookstore:bundle role http, found H, H2/);
  });

  it('says to synthesize when the template or a bundle is missing', () => {
    const dir = assembly({ HttpFn: fn('asset.gone', { Metadata: { 'bookstore:bundle': { role: 'http', assetPath: 'asset.gone' } } }) }, []);
    dirs.push(dir);
    expect(() => synthesizedBundles(dir.path, 'Bookstore-prod')).toThrow(/no Bookstore-prod.template.json .*found: Bookstore-dev.template.json.*npm run synth/);
    expect(() => synthesizedBundles(dir.path, 'Bookstore-dev')).toThrow(/no index.mjs in .*asset.gone; run `npm run synth` again/);
  });

  it("points the template's engine variables at the local engines and keeps the rest", () => {
    const dir = assembly({ H: fn('asset.aaa', { Metadata: { 'bookstore:bundle': { role: 'http', assetPath: 'asset.aaa' } } }), S: fn('asset.aaa', { Metadata: { 'bookstore:bundle': { role: 'stream', assetPath: 'asset.aaa' } } }) }, ['asset.aaa']);
    dirs.push(dir);
    const env = functionEnvironment(synthesizedBundles(dir.path, 'Bookstore-dev').http, { BOOKSTORE_PROFILE: 'engines', BOOKSTORE_DYNAMODB_TABLE: 't-1', BOOKSTORE_OPENSEARCH_URL: 'http://127.0.0.1:9200' });
    expect(env).toEqual({
      BOOKSTORE_LOG_LEVEL: 'warn',
      POWERTOOLS_SERVICE_NAME: 'bookstore',
      BOOKSTORE_PROFILE: 'engines',
      BOOKSTORE_DYNAMODB_TABLE: 't-1',
      BOOKSTORE_OPENSEARCH_URL: 'http://127.0.0.1:9200',
      AWS_REGION: 'us-east-1',
      BOOKSTORE_PROVISION: 'false',
    });
  });
});
