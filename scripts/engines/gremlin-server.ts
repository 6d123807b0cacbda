/**
 * Apache TinkerPop Gremlin Server with an in-memory TinkerGraph, standing in for Neptune's Gremlin
 * endpoint. Central publishes the server's distribution zip (`gremlin-server:<version>:zip:distribution`),
 * so the server runs from that, with the configuration committed in scripts/engines/gremlin/.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installOnce, LOOPBACK, type Engine, type Installed, type Progress } from './engine.js';
import { javaRuntime } from './java.js';
import { fetchWithMaven } from './maven.js';
import { httpRequest } from './probes.js';

/** Same minor version as the `gremlin` npm client (3.8.x), whose wire format must match the server's. */
const VERSION = '3.8.1';

const configSource = fileURLToPath(new URL('./gremlin/', import.meta.url));
const clientPackage = fileURLToPath(new URL('../../node_modules/gremlin/package.json', import.meta.url));

const minor = (version: string) => version.split('.').slice(0, 2).join('.');

function warnOnClientMismatch(progress: Progress): void {
  if (!existsSync(clientPackage)) return;
  const client = (JSON.parse(readFileSync(clientPackage, 'utf8')) as { version?: string }).version ?? '';
  if (minor(client) !== minor(VERSION)) {
    progress(`warning: the gremlin npm client is ${client} but Gremlin Server is ${VERSION}; change VERSION in scripts/engines/gremlin-server.ts`);
  }
}

/** A fresh copy of the committed configuration with the port from the environment. */
function writeConfig(confDir: string, port: number): string {
  mkdirSync(confDir, { recursive: true });
  for (const file of readdirSync(configSource)) copyFileSync(join(configSource, file), join(confDir, file));
  const yaml = join(confDir, 'gremlin-server.yaml');
  writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^port: \d+$/m, `port: ${port}`));
  return yaml;
}

export const gremlinServer: Engine = {
  name: 'gremlin',
  title: 'Gremlin Server',
  portVariable: 'BOOKSTORE_GREMLIN_PORT',
  defaultPort: 8182,
  readyTimeoutSeconds: 90,
  endpoint: (port) => `ws://${LOOPBACK}:${port}/gremlin`,

  async install(cache, progress): Promise<Installed> {
    warnOnClientMismatch(progress);
    const dir = join(cache.installs, `gremlin-server-${VERSION}`);
    const home = join(dir, `apache-tinkerpop-gremlin-server-${VERSION}`);
    const outcome = await installOnce(dir, () =>
      fetchWithMaven(
        cache,
        {
          name: 'gremlin-server',
          unpacks: [
            {
              artifact: { groupId: 'org.apache.tinkerpop', artifactId: 'gremlin-server', version: VERSION, type: 'zip', classifier: 'distribution' },
              outputDirectory: dir,
            },
          ],
        },
        progress,
      ),
    );
    if (outcome === 'fetched') progress(`installed Gremlin Server ${VERSION}`);
    return {
      version: VERSION,
      launch: (port) => {
        const confDir = join(cache.data, 'gremlin');
        const yaml = writeConfig(confDir, port);
        // The same class path bin/gremlin-server.sh builds: conf/, lib/ and each plugin under ext/.
        const classPath = [
          join(home, 'conf'),
          join(home, 'lib', '*'),
          ...readdirSync(join(home, 'ext'), { withFileTypes: true })
            .filter((entry) => entry.isDirectory())
            .map((entry) => join(home, 'ext', entry.name, 'plugin', '*')),
        ].join(':');
        return {
          command: javaRuntime().java,
          args: [
            '-Xms256m',
            '-Xmx1g',
            `-Dlogback.configurationFile=${join(home, 'conf', 'logback.xml')}`,
            '-cp',
            classPath,
            'org.apache.tinkerpop.gremlin.server.GremlinServer',
            yaml,
          ],
          cwd: confDir,
        };
      },
    };
  },

  async answers(port) {
    // Evaluated by the server against `g`, so it proves the graph and its traversal source are bound.
    const answer = await httpRequest(`http://${LOOPBACK}:${port}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ gremlin: 'g.inject(1)' }),
    });
    return answer?.status === 200;
  },
};
