/**
 * The AWS Lambda Runtime Interface Emulator, built from its Go module into the engines cache.
 *
 *   npm run emulator:install       # once per machine (CI: before `npm run test:engines`)
 *
 * The module's release tags (v1.30, …) are not semantic versions, so the Go module proxy lists none of
 * them and the pin is the proxy's pseudo-version: the newest commit it serves. Upgrade with
 * `go list -m -json github.com/aws/aws-lambda-runtime-interface-emulator@latest`.
 */
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cacheLayout, type Progress } from '../engines/engine.js';
import { runCommand, which } from '../engines/process.js';

export const RIE_MODULE = 'github.com/aws/aws-lambda-runtime-interface-emulator';
export const RIE_VERSION = 'v0.0.0-20261030222936-bef5c4ba774d';

/** Where the pinned emulator lives once built: one directory per version, so a new pin never reuses an old binary. */
export function rieInstallPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheLayout(env).installs, `aws-lambda-rie-${RIE_VERSION}`, 'aws-lambda-rie');
}

/**
 * The emulator's path, built with `go install` on first use (about a minute) and taken from the cache
 * after. BOOKSTORE_RIE_BINARY points at one built elsewhere instead.
 */
export async function installRie(progress: Progress = () => undefined, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const given = env.BOOKSTORE_RIE_BINARY;
  if (given) {
    if (!existsSync(given)) throw new Error(`BOOKSTORE_RIE_BINARY is ${given}, which does not exist; unset it to build the emulator with Go`);
    return given;
  }
  const target = rieInstallPath(env);
  if (existsSync(target)) {
    progress(`aws-lambda-rie ${RIE_VERSION} is built (${target})`);
    return target;
  }
  const go = which('go');
  if (!go) {
    throw new Error(
      'building the Lambda Runtime Interface Emulator needs Go on PATH (https://go.dev/dl; the module asks for Go 1.26, which an older go fetches from the Go proxy); ' +
        'or set BOOKSTORE_RIE_BINARY to an aws-lambda-rie binary',
    );
  }
  const dir = join(target, '..');
  mkdirSync(dir, { recursive: true });
  // Built beside the target and renamed into place, so a run cut short never leaves half a binary.
  const scratch = mkdtempSync(join(dir, '.building-'));
  try {
    progress(`building aws-lambda-rie ${RIE_VERSION} with ${go} (go install; about a minute the first time)`);
    await runCommand(go, ['install', `${RIE_MODULE}/cmd/aws-lambda-rie@${RIE_VERSION}`], {
      env: { ...env, GOBIN: scratch, CGO_ENABLED: '0', GOFLAGS: '-buildvcs=false' },
      onLine: (line) => progress(`  ${line}`),
    });
    renameSync(join(scratch, 'aws-lambda-rie'), target);
  } catch (error) {
    throw new Error(`could not build the Lambda Runtime Interface Emulator: ${error instanceof Error ? error.message : String(error)}\n` +
      'Check that the Go module proxy is reachable (go env GOPROXY), or set BOOKSTORE_RIE_BINARY to a built aws-lambda-rie.', { cause: error });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  progress(`aws-lambda-rie installed at ${target}`);
  return target;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv.length > 2) {
    console.error('usage: npm run emulator:install (builds the emulator once, prints its path)');
    process.exit(2);
  }
  installRie((line) => console.error(line))
    .then((path) => console.log(path))
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    });
}
