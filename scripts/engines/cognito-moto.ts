/**
 * Cognito user pools from moto's server mode (`moto[server]` from PyPI): the Cognito API with real
 * RS256 JWTs and a JWKS endpoint per pool. Installed into a virtualenv in the cache, never into the
 * system's Python.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { installOnce, LOOPBACK, type Engine, type Installed } from './engine.js';
import { runCommand, which } from './process.js';
import { httpRequest } from './probes.js';

const VERSION = '5.2.5';

export const cognitoMoto: Engine = {
  name: 'cognito',
  title: 'Cognito (moto)',
  portVariable: 'BOOKSTORE_COGNITO_PORT',
  defaultPort: 5000,
  readyTimeoutSeconds: 60,
  endpoint: (port) => `http://${LOOPBACK}:${port}`,

  async install(cache, progress): Promise<Installed> {
    const dir = join(cache.installs, `moto-${VERSION}`);
    const venv = join(dir, 'venv');
    const outcome = await installOnce(dir, async () => {
      const python = which('python3');
      if (!python) throw new Error('python3 is not on PATH; moto (the Cognito stand-in) needs Python 3.9 or newer.');
      progress(`creating a virtualenv in ${venv}`);
      await runCommand(python, ['-m', 'venv', venv]);
      progress(`pip install moto[server]==${VERSION}`);
      await runCommand(join(venv, 'bin', 'pip'), ['install', '--disable-pip-version-check', '--progress-bar', 'off', `moto[server]==${VERSION}`], {
        onLine: (line) => {
          // Dozens of small wheels go by; only the ones of a megabyte or more are worth a line.
          if (/^\s*Downloading .*\([\d.]+ MB\)/.test(line)) progress(line.trim());
        },
      });
    });
    const server = join(venv, 'bin', 'moto_server');
    if (!existsSync(server)) throw new Error(`${server} is missing: delete ${dir} and run \`npm run engines -- up\` again.`);
    if (outcome === 'fetched') progress(`installed moto ${VERSION}`);
    return {
      version: VERSION,
      launch: (port) => ({ command: server, args: ['-H', LOOPBACK, '-p', String(port)], cwd: dir }),
    };
  },

  async answers(port) {
    const answer = await httpRequest(`http://${LOOPBACK}:${port}/moto-api/`);
    return answer?.status === 200;
  },
};
