#!/usr/bin/env node
// `npm run deploy -- --config dev|prod [cdk options]` and `npm run destroy -- --config dev|prod`:
// runs the pinned CDK CLI (devDependencies) on the one stack of that config.
import { spawnSync } from 'node:child_process';
import { CONFIGS, isConfigName } from '../lib/config.js';

const USAGE = 'usage: cdk-run deploy|destroy --config dev|prod [more cdk options]';

function main(argv: string[]): number {
  const [command, ...rest] = argv;
  if (command !== 'deploy' && command !== 'destroy' && command !== 'diff') {
    console.error(USAGE);
    return 2;
  }
  const at = rest.findIndex((a) => a === '--config' || a.startsWith('--config='));
  const name = at < 0 ? undefined : rest[at]!.includes('=') ? rest[at]!.split('=')[1] : rest[at + 1];
  if (name === undefined || !isConfigName(name)) {
    console.error(`${USAGE}\n--config must be dev or prod${name === undefined ? '' : `, got "${name}"`}`);
    return 2;
  }
  const passThrough = rest.filter((_, i) => i !== at && !(i === at + 1 && !rest[at]!.includes('=')));
  const args = [command, CONFIGS[name].stackName, ...passThrough];
  console.error(`> cdk ${args.join(' ')}`);
  const result = spawnSync('cdk', args, { stdio: 'inherit' });
  if (result.error) {
    console.error(`could not run the CDK CLI (${result.error.message}): run \`npm install\` first`);
    return 1;
  }
  return result.status === 0 ? 0 : 1;
}

process.exit(main(process.argv.slice(2)));
