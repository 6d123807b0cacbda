/**
 * `npm run dev`: the API (restarted on every change to src/) and the Vite dev server (hot reload,
 * proxying /api, /.well-known and /docs to the API). Open the Vite URL it prints.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const apiPort = process.env.PORT ?? '3000';
const apiHost = process.env.HOST ?? '127.0.0.1';
const bin = (name: string) => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url));

function start(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: 'inherit' });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} stopped (${signal ?? `exit ${code}`}); stopping the other one too.`);
      stop(code ?? 1);
    }
  });
  return child;
}

let stopping = false;
const children: ChildProcess[] = [];

function stop(code: number): void {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  process.exitCode = code;
}

children.push(start('API', bin('tsx'), ['watch', 'src/cli/main.ts', 'serve', '--demo'], { PORT: apiPort, HOST: apiHost }));
children.push(start('Vite', bin('vite'), ['--config', 'web/vite.config.ts'], { BOOKSTORE_API_URL: `http://${apiHost}:${apiPort}` }));

process.once('SIGINT', () => stop(0));
process.once('SIGTERM', () => stop(0));
