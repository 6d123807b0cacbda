/**
 * `npm run test:engines [-- vitest args]`: starts the engines that are not already running, runs every
 * engine suite (the same conformance suites as the embedded adapters), then stops only what it started.
 */
import { spawnSync } from 'node:child_process';

const ENGINES = ['dynamodb', 'opensearch', 'redis', 'gremlin', 'cognito'];

function npm(args: string[], quiet = false): number {
  const r = spawnSync('npm', args, { stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit' });
  return r.status ?? 1;
}

const down = ENGINES.filter((engine) => npm(['run', '--silent', 'engines', '--', 'status', '--only', engine], true) !== 0);
if (down.length > 0) {
  console.error(`starting engines: ${down.join(', ')}`);
  if (npm(['run', '--silent', 'engines', '--', 'up', '--only', down.join(',')]) !== 0) {
    console.error('could not start the engines; see the log tail above (npm run engines -- status shows what answers)');
    npm(['run', '--silent', 'engines', '--', 'down', '--only', down.join(',')]);
    process.exit(1);
  }
}
let status = 1;
try {
  status = npm(['exec', '--', 'vitest', 'run', '--config', 'vitest.engines.config.ts', ...process.argv.slice(2)]);
} finally {
  if (down.length > 0) npm(['run', '--silent', 'engines', '--', 'down', '--only', down.join(',')]);
}
process.exit(status);
