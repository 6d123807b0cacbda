// A Lambda custom runtime for Node.js: the Runtime API client loop that the managed nodejs24.x
// runtime runs, small enough to read, so the Runtime Interface Emulator can start a deployed bundle
// without the AWS base image. No dependencies: it runs before anything of the bundle is loaded.
//
//   aws-lambda-rie <node> bootstrap.mjs index.handler
//
// The emulator sets AWS_LAMBDA_RUNTIME_API, _HANDLER and passes on its own environment (the
// function's: LAMBDA_TASK_ROOT and the rest). https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
import { Agent, request } from 'node:http';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';

const API = process.env.AWS_LAMBDA_RUNTIME_API;
const BASE = '/2018-06-01/runtime';
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One Runtime API call; `next` waits as long as it takes for an event, so no timeout. */
function call(method, path, body, headers = {}) {
  const [host, port] = API.split(':');
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(body, 'utf8');
    const req = request(
      { host, port: Number(port), method, path: `${BASE}${path}`, agent, headers: data ? { 'content-type': 'application/json', 'content-length': data.length, ...headers } : headers },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

function errorPayload(error) {
  const e = error instanceof Error ? error : new Error(String(error));
  return { errorType: e.name || 'Error', errorMessage: e.message, stackTrace: (e.stack ?? '').split('\n').slice(1).map((l) => l.trim()) };
}

async function report(path, error, type) {
  const payload = errorPayload(error);
  await call('POST', path, JSON.stringify(payload), { 'lambda-runtime-function-error-type': type ?? payload.errorType });
}

// The managed runtime prefixes every console line with time, request id and level (its text log
// format). Code that writes CloudWatch EMF through console.log would not be parsed on AWS; writing to
// process.stdout (pino, Powertools' own Console) is untouched, exactly as there.
let currentRequestId;
for (const [method, level] of [['log', 'INFO'], ['info', 'INFO'], ['warn', 'WARN'], ['error', 'ERROR'], ['debug', 'DEBUG'], ['trace', 'TRACE']]) {
  const stream = level === 'WARN' || level === 'ERROR' ? process.stderr : process.stdout;
  console[method] = (...args) => {
    stream.write(`${new Date().toISOString()}\t${currentRequestId ?? 'undefined'}\t${level}\t${format(...args).replace(/\n/g, '\r')}\n`);
  };
}

/** `dir/file.export` → the module file in LAMBDA_TASK_ROOT (.mjs, .js or .cjs) and the export's name. */
async function loadHandler() {
  const spec = process.env._HANDLER ?? '';
  const root = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
  const slash = spec.lastIndexOf('/');
  const dot = spec.indexOf('.', slash + 1);
  if (dot <= slash + 1 || dot === spec.length - 1) {
    throw Object.assign(new Error(`Bad handler ${spec}: expected <module>.<export>, such as index.handler`), { name: 'Runtime.MalformedHandlerName' });
  }
  const modulePath = spec.slice(0, dot);
  const exportName = spec.slice(dot + 1);
  const file = ['.mjs', '.js', '.cjs'].map((ext) => join(root, modulePath + ext)).find((f) => existsSync(f));
  if (!file) throw Object.assign(new Error(`Cannot find module '${modulePath}' in ${root} (.mjs, .js or .cjs)`), { name: 'Runtime.ImportModuleError' });
  const mod = await import(pathToFileURL(file).href);
  const handler = exportName.split('.').reduce((o, key) => (o == null ? undefined : o[key]), mod);
  if (typeof handler !== 'function') {
    throw Object.assign(new Error(`${modulePath}.${exportName} is not a function (${file})`), { name: 'Runtime.HandlerNotFound' });
  }
  return handler;
}

function contextOf(headers) {
  const deadline = Number(headers['lambda-runtime-deadline-ms']);
  const json = (name) => (headers[name] ? JSON.parse(headers[name]) : undefined);
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    identity: json('lambda-runtime-cognito-identity'),
    clientContext: json('lambda-runtime-client-context'),
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

let handler;
try {
  handler = await loadHandler();
} catch (error) {
  console.error('Init Error', errorPayload(error));
  await report('/init/error', error, error?.name?.startsWith('Runtime.') ? error.name : 'Runtime.Unknown').catch(() => undefined);
  process.exit(1);
}

// An error no invocation awaited (a stray rejected promise) fails the invocation under way, as on AWS.
let failCurrent;
for (const signal of ['unhandledRejection', 'uncaughtException']) {
  process.on(signal, (error) => {
    console.error(signal, errorPayload(error));
    const fail = failCurrent ?? (() => Promise.resolve());
    fail(error).finally(() => process.exit(1));
  });
}
process.on('SIGTERM', () => process.exit(0));

for (;;) {
  let next;
  try {
    next = await call('GET', '/invocation/next');
  } catch {
    // The emulator is gone (stopped, or killed): nothing will ever call this runtime again.
    process.exit(0);
  }
  if (next.status !== 200) {
    console.error(`Runtime API answered ${next.status} to /invocation/next: ${next.body}`);
    process.exit(1);
  }
  const id = next.headers['lambda-runtime-aws-request-id'];
  currentRequestId = id;
  if (next.headers['lambda-runtime-trace-id']) process.env._X_AMZN_TRACE_ID = next.headers['lambda-runtime-trace-id'];
  else delete process.env._X_AMZN_TRACE_ID;
  let settled = false;
  const fail = async (error) => {
    if (settled) return;
    settled = true;
    await report(`/invocation/${id}/error`, error);
  };
  failCurrent = fail;
  try {
    const result = await handler(JSON.parse(next.body), contextOf(next.headers));
    if (!settled) {
      settled = true;
      await call('POST', `/invocation/${id}/response`, JSON.stringify(result ?? null));
    }
  } catch (error) {
    console.error('Invoke Error', JSON.stringify(errorPayload(error)));
    await fail(error);
  }
  failCurrent = undefined;
}
