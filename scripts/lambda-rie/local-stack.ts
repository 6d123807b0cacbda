/**
 * The deployed stack, minus AWS: both function bundles under the emulator with Node 24, their
 * environment pointed at the engines on this machine under names of their own. What the CDK app
 * creates before any function runs (tables, user pool) is created here first, and the functions run
 * with BOOKSTORE_PROVISION=false, as deployed.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createUserPool } from '../../src/adapters/cognito/cognito-user-pool.js';
import { openStore, type Store } from '../../src/composition.js';
import { loadConfig } from '../../src/config.js';
import { ORIGIN_SECRET_VARIABLE } from '../../src/lambda/origin-headers.js';
import { freshEnginesEnv, removeEngineResources } from '../../test/support/engine-resources.js';
import type { Progress } from '../engines/engine.js';
import { locateBundles, type Bundles, type FunctionRole, type LambdaBundle } from './bundles.js';
import { startFunction, type EmulatedFunction } from './emulator.js';
import { installLambdaNode } from './node.js';
import { installRie } from './rie.js';
import { stageTask, type StagedTask } from './task-root.js';

/** The region moto's user pools and DynamoDB Local's tables are made in, here and by the functions. */
const REGION = 'us-east-1';

/** Where the engines run: the same variables and defaults as `npm run engines`. */
function localEndpoints(env: NodeJS.ProcessEnv): Record<string, string> {
  const port = (variable: string, fallback: number) => env[variable] || String(fallback);
  return {
    BOOKSTORE_DYNAMODB_ENDPOINT: env.BOOKSTORE_DYNAMODB_ENDPOINT || `http://127.0.0.1:${port('BOOKSTORE_DYNAMODB_PORT', 8000)}`,
    BOOKSTORE_OPENSEARCH_URL: env.BOOKSTORE_OPENSEARCH_URL || `http://127.0.0.1:${port('BOOKSTORE_OPENSEARCH_PORT', 9200)}`,
    BOOKSTORE_REDIS_URL: env.BOOKSTORE_REDIS_URL || `redis://127.0.0.1:${port('BOOKSTORE_REDIS_PORT', 6379)}`,
    BOOKSTORE_GREMLIN_URL: env.BOOKSTORE_GREMLIN_URL || `ws://127.0.0.1:${port('BOOKSTORE_GREMLIN_PORT', 8182)}/gremlin`,
    BOOKSTORE_COGNITO_ENDPOINT: env.BOOKSTORE_COGNITO_ENDPOINT || `http://127.0.0.1:${port('BOOKSTORE_COGNITO_PORT', 5000)}`,
  };
}

/**
 * The template's variables that say where and how to reach each AWS service (endpoints, SigV4, IAM
 * auth, cluster mode, the names of deployed resources) give way to the local engines; the rest (log
 * level, Powertools settings, NODE_OPTIONS) are kept as deployed.
 */
const ENGINE_VARIABLE = /^BOOKSTORE_(PROFILE|PROVISION|AWS_REGION|DYNAMODB|OPENSEARCH|REDIS|GREMLIN|COGNITO)_?/;

export function functionEnvironment(bundle: LambdaBundle, engines: Record<string, string>): Record<string, string> {
  const kept = Object.fromEntries(Object.entries(bundle.environment).filter(([name]) => !ENGINE_VARIABLE.test(name)));
  return { BOOKSTORE_LOG_LEVEL: 'info', ...kept, ...engines, AWS_REGION: REGION, BOOKSTORE_PROVISION: 'false' };
}

export interface LocalStack {
  bundles: Bundles;
  functions: Record<FunctionRole, EmulatedFunction>;
  /** The engines-profile variables the functions run with (fresh names, local endpoints, the pool's ids). */
  env: Record<string, string>;
  /**
   * The HTTP function's origin secret, as the CDK app gives it one (null when started without):
   * events must then come as CloudFront sends them (test/support/lambda-http.ts plays CloudFront).
   */
  originSecret: string | null;
  /** A store over the same resources in this process, for what the API has no route for (making an admin). */
  store: Store;
  /** Starts one more emulator for a role, cold (the benchmark's init measurements). */
  startCold(role: FunctionRole): Promise<EmulatedFunction>;
  /** Stops the emulators, closes the store and deletes every resource made for this stack. */
  close(): Promise<void>;
}

export interface LocalStackOptions {
  progress?: Progress;
  /** Where to find the engines and the bundles (BOOKSTORE_* and BOOKSTORE_LAMBDA_BUNDLES); process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** Variables set on both functions after everything else (a lower sign-in limit for a test). */
  functionEnv?: Record<string, string>;
  /**
   * Whether the HTTP function runs behind CloudFront as deployed: with a secret of this stack's own
   * (the template's is a dynamic reference to Secrets Manager, meaningless here). Default true.
   */
  behindCloudFront?: boolean;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const progress = options.progress ?? (() => undefined);
  const processEnv = options.env ?? process.env;
  const [rie, node, bundles] = await Promise.all([installRie(progress, processEnv), installLambdaNode(progress, undefined, processEnv), locateBundles(processEnv)]);
  const names = freshEnginesEnv();
  const originSecret = options.behindCloudFront === false ? null : randomBytes(32).toString('hex');
  const endpoints = localEndpoints(processEnv);
  const cognito = new CognitoIdentityProviderClient({ region: REGION, endpoint: endpoints.BOOKSTORE_COGNITO_ENDPOINT, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  let pool: { userPoolId: string; clientId: string };
  try {
    pool = await createUserPool(cognito, names.BOOKSTORE_COGNITO_POOL_NAME!);
  } finally {
    cognito.destroy();
  }
  const env: Record<string, string> = {
    ...names,
    ...endpoints,
    BOOKSTORE_COGNITO_USER_POOL_ID: pool.userPoolId,
    BOOKSTORE_COGNITO_CLIENT_ID: pool.clientId,
  };
  const started: EmulatedFunction[] = [];
  const staging: StagedTask[] = [];
  let store: Store | null = null;
  const close = async () => {
    await Promise.all(started.map((f) => f.stop()));
    for (const staged of staging) staged.remove();
    if (bundles.builtIn) rmSync(bundles.builtIn, { recursive: true, force: true });
    await store?.close();
    await removeEngineResources({ ...env, AWS_REGION: REGION });
  };
  try {
    // What the stack's custom resources would have made: the tables (with the stream) and the index template.
    store = await openStore(loadConfig({ ...env, AWS_REGION: REGION, BOOKSTORE_PROVISION: 'true', BOOKSTORE_LOG_LEVEL: 'silent' }));
    // Every emulator of a role runs the same staged copy, read-only, as Lambda's containers share one package.
    const staged = { http: stageTask(bundles.http.taskRoot, 'http'), stream: stageTask(bundles.stream.taskRoot, 'stream') };
    staging.push(staged.http, staged.stream);
    const startCold = async (role: FunctionRole) => {
      const bundle = bundles[role];
      const fn = await startFunction({
        name: `bookstore-${role}`,
        taskRoot: staged[role].taskRoot,
        handler: bundle.handler,
        environment: {
          ...functionEnvironment(bundle, env),
          ...(role === 'http' && originSecret !== null && { [ORIGIN_SECRET_VARIABLE]: originSecret }),
          ...options.functionEnv,
        },
        memoryMb: bundle.memoryMb,
        timeoutSeconds: bundle.timeoutSeconds,
        node,
        rie,
      });
      started.push(fn);
      return fn;
    };
    const functions = { http: await startCold('http'), stream: await startCold('stream') };
    return { bundles, functions, env: { ...env, AWS_REGION: REGION }, originSecret, store, startCold, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}
