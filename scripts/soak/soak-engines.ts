import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The soak's own engines, never the shared ones: other ports, and a cache directory of its own whose
 * downloads (installs, Maven's repository and Maven itself) are links into the usual cache, so nothing
 * is fetched again. Its data, logs and pid records are its own, so `down` stops only what it started.
 */
export const SOAK_PORTS = {
  BOOKSTORE_DYNAMODB_PORT: '8010',
  BOOKSTORE_OPENSEARCH_PORT: '9210',
  BOOKSTORE_REDIS_PORT: '6390',
  BOOKSTORE_GREMLIN_PORT: '8190',
  BOOKSTORE_COGNITO_PORT: '5010',
} as const;

export type RestartableEngine = 'redis' | 'opensearch' | 'gremlin';

export class SoakEngines {
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly say: (line: string) => void) {
    const shared = process.env.BOOKSTORE_SOAK_SHARED_CACHE ?? join(homedir(), '.cache', 'bookstore-engines');
    const cache = process.env.BOOKSTORE_SOAK_ENGINES_CACHE ?? join(homedir(), '.cache', 'bookstore-soak-engines');
    mkdirSync(cache, { recursive: true });
    for (const dir of ['installs', 'm2', 'maven']) {
      mkdirSync(join(shared, dir), { recursive: true });
      if (!existsSync(join(cache, dir))) symlinkSync(join(shared, dir), join(cache, dir));
    }
    this.env = { ...process.env, ...SOAK_PORTS, BOOKSTORE_ENGINES_CACHE: cache };
  }

  /** Starts every engine on the soak's ports; answers the variables a store on them needs. */
  async up(name: string): Promise<Record<string, string>> {
    this.say(`starting the soak's own engines (ports ${Object.values(SOAK_PORTS).join(', ')})`);
    this.engines(['up']);
    return {
      ...SOAK_PORTS,
      BOOKSTORE_ENGINES_CACHE: this.env.BOOKSTORE_ENGINES_CACHE!,
      BOOKSTORE_DYNAMODB_TABLE: name,
      BOOKSTORE_OPENSEARCH_ALIAS: name,
      BOOKSTORE_REDIS_PREFIX: name,
      BOOKSTORE_GREMLIN_NAMESPACE: name,
      BOOKSTORE_COGNITO_POOL_NAME: name,
    };
  }

  /** Stops the engine and starts it again (Redis and Gremlin Server come back empty: they keep data in memory). */
  async restart(engine: RestartableEngine): Promise<void> {
    this.engines(['down', '--only', engine]);
    this.engines(['up', '--only', engine]);
  }

  async down(): Promise<void> {
    this.engines(['down']);
  }

  private engines(args: string[]): void {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/engines/main.ts', ...args], { cwd: root, env: this.env, encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0) throw new Error(`npm run engines -- ${args.join(' ')} failed (${r.status}):\n${r.stderr.slice(-3000)}`);
  }
}
