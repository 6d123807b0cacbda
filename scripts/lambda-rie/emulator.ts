/**
 * One Lambda function under the Runtime Interface Emulator: `aws-lambda-rie <node> bootstrap.mjs
 * <handler>` with the function's environment, invoked over the emulator's HTTP API on loopback.
 * Everything the function writes to stdout (its logs, EMF lines) and the emulator's START/END/REPORT
 * lines are kept, in order, for the caller to read.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../free-port.js';

export const BOOTSTRAP = join(dirname(fileURLToPath(import.meta.url)), 'bootstrap.mjs');

export interface FunctionSpec {
  /** As the function name in AWS: AWS_LAMBDA_FUNCTION_NAME. */
  name: string;
  /** LAMBDA_TASK_ROOT: the unpacked bundle. */
  taskRoot: string;
  /** `index.handler`: index.mjs in the task root, its `handler` export. */
  handler: string;
  /** The function's own variables (the template's Environment plus where the local engines are). */
  environment: Record<string, string>;
  memoryMb?: number;
  timeoutSeconds?: number;
  node: string;
  rie: string;
}

export interface Invocation<T = unknown> {
  /** The emulator's HTTP status: 200 for an answer and for an error the handler threw, 502 for a failed init. */
  status: number;
  /** The handler's result, parsed; for an error, Lambda's `{ errorType, errorMessage, stackTrace }`. */
  payload: T;
  /** The handler threw (or the runtime reported an error) instead of answering. */
  failed: boolean;
  /** From the REPORT line: the invocation as Lambda bills it, with the init for the first one. */
  durationMs: number;
  /** Round trip seen by the caller, through the emulator. */
  elapsedMs: number;
  requestId: string;
  /** What the function wrote to stdout during this invocation (between START and END). */
  output: string[];
}

export interface EmulatedFunction {
  readonly name: string;
  readonly url: string;
  invoke<T = unknown>(event: unknown): Promise<Invocation<T>>;
  /** Every stdout line so far: the function's own and the emulator's START/END/REPORT. */
  stdout(): string[];
  /** The emulator's own log (stderr): where init and runtime failures are told. */
  stderr(): string[];
  /** From the emulator's `INIT REPORT`: how long the runtime took from exec to its first `next`; null before the first invoke. */
  initDurationMs(): number | null;
  stop(): Promise<void>;
}


function lines(stream: NodeJS.ReadableStream, into: string[]): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    into.push(...parts);
  });
  stream.on('end', () => {
    if (pending !== '') into.push(pending);
  });
}

/** The environment Lambda gives a nodejs24.x function, then the function's own variables. */
export function lambdaEnvironment(spec: FunctionSpec): Record<string, string> {
  const region = spec.environment.AWS_REGION ?? 'eu-west-1';
  return {
    PATH: `${dirname(spec.node)}:/usr/local/bin:/usr/bin:/bin`,
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: spec.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb ?? 1024),
    AWS_LAMBDA_FUNCTION_TIMEOUT: String(spec.timeoutSeconds ?? 30),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${spec.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: '2026/12/02/[$LATEST]00000000000000000000000000000000',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    LAMBDA_TASK_ROOT: spec.taskRoot,
    LAMBDA_RUNTIME_DIR: dirname(BOOTSTRAP),
    _HANDLER: spec.handler,
    // The role's session credentials on AWS; the engines here take any.
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: 'local',
    ...spec.environment,
  };
}

const REPORT = /^REPORT RequestId: (\S+)\t(?:Init Duration: [\d.]+ ms\t)?Duration: ([\d.]+) ms/;

/** Starts the emulator for one function; the runtime itself starts at the first invoke, as a cold start does. */
export async function startFunction(spec: FunctionSpec): Promise<EmulatedFunction> {
  const port = await freePort();
  const runtimePort = await freePort();
  const out: string[] = [];
  const err: string[] = [];
  const child: ChildProcess = spawn(
    spec.rie,
    [
      '--runtime-interface-emulator-address', `127.0.0.1:${port}`,
      '--runtime-api-address', `127.0.0.1:${runtimePort}`,
      '--log-level', 'info',
      spec.node, BOOTSTRAP, spec.handler,
    ],
    // Only the function's environment: the emulator hands all of its own to the runtime.
    { cwd: spec.taskRoot, env: lambdaEnvironment(spec), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  lines(child.stdout!, out);
  lines(child.stderr!, err);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exit = once(child, 'exit').then(([code, signal]) => {
    exited = { code, signal };
  });
  const url = `http://127.0.0.1:${port}/2015-03-31/functions/function/invocations`;

  // Listening is all there is to wait for: the emulator starts the runtime on the first invoke.
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (exited) throw new Error(`aws-lambda-rie exited (${JSON.stringify(exited)}) before listening:\n${err.slice(-20).join('\n')}`);
    const up = await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false);
    if (up) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`aws-lambda-rie did not listen on 127.0.0.1:${port} within 10 s:\n${err.slice(-20).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }

  async function invoke<T>(event: unknown): Promise<Invocation<T>> {
    if (exited) throw new Error(`${spec.name}: the emulator has exited (${JSON.stringify(exited)}):\n${err.slice(-20).join('\n')}`);
    const from = out.length;
    const started = performance.now();
    const response = await fetch(url, { method: 'POST', body: JSON.stringify(event) });
    const text = await response.text();
    const elapsedMs = performance.now() - started;
    // The REPORT line follows the answer by a moment; it closes this invocation's output.
    let report: RegExpExecArray | null = null;
    for (let waited = 0; waited < 2_000; waited += 5) {
      for (let i = from; i < out.length && !report; i++) report = REPORT.exec(out[i]!);
      if (report) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    let payload: unknown = text;
    try {
      payload = JSON.parse(text);
    } catch {
      // The emulator's own answers (a timeout) are plain text.
    }
    const failed =
      response.status !== 200 ||
      (typeof payload === 'object' && payload !== null && 'errorType' in payload && 'errorMessage' in payload && Object.keys(payload).length <= 3);
    const mine = out.slice(from);
    const start = mine.findIndex((l) => l.startsWith('START RequestId: '));
    const end = mine.findIndex((l) => l.startsWith('END RequestId: '));
    return {
      status: response.status,
      payload: payload as T,
      failed,
      durationMs: report ? Number(report[2]) : Number.NaN,
      elapsedMs,
      requestId: report?.[1] ?? '',
      output: mine.slice(start + 1, end === -1 ? undefined : end),
    };
  }

  return {
    name: spec.name,
    url,
    invoke,
    stdout: () => [...out],
    stderr: () => [...err],
    initDurationMs() {
      for (const line of err) {
        const m = /INIT REPORT\(durationMs: ([\d.]+)\)/.exec(line);
        if (m) return Number(m[1]);
      }
      return null;
    },
    async stop() {
      if (exited) return;
      // The emulator SIGKILLs the runtime on SIGTERM; the runtime also leaves when its Runtime API goes.
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exit;
      clearTimeout(timer);
    },
  };
}
