import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LogLevel, OutputFormat, type BundlingOptions, type ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';

/** The repository root: the functions' entries, package.json and package-lock.json are under it. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Node.js 24: the newest Lambda runtime, supported into 2028 (never a deprecated one). */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_24_X;

/**
 * Prepended to the ES module bundle. CommonJS dependencies bundled into it still call `require`
 * (Node built-ins) and read `__dirname`/`__filename` (Swagger UI's files, pino's workers), which an
 * ES module lacks. The imports are renamed so that no minified identifier can collide with them.
 */
const ESM_BANNER = [
  "import { createRequire as __bookstoreCreateRequire } from 'node:module';",
  "import { fileURLToPath as __bookstoreFileURLToPath } from 'node:url';",
  "import { dirname as __bookstoreDirname } from 'node:path';",
  'const require = __bookstoreCreateRequire(import.meta.url);',
  'const __filename = __bookstoreFileURLToPath(import.meta.url);',
  'const __dirname = __bookstoreDirname(__filename);',
].join(' ');

/**
 * Left out of the bundle:
 * - `./composition-embedded.js`: src/composition.ts imports the embedded profile's adapters (and so
 *   better-sqlite3) only when BOOKSTORE_PROFILE is `embedded`; esbuild would still follow the dynamic
 *   import. Marked external, the import stays in the bundle as it is and is never evaluated, since
 *   the functions run the engines profile. The bundles therefore run the engines profile only.
 * - The AWS SDK v3 (`@aws-sdk/*`, `@smithy/*`): the Node.js runtime ships it. Bundled it would be
 *   about 530 KB of the HTTP bundle's 2.5 MB and break the 2 MB budget; from the runtime it gets
 *   AWS's security fixes without a redeploy. The price: its version is the runtime's, not
 *   package-lock's (the app uses only long-stable calls: DynamoDB, the document client, Cognito,
 *   the default credential chain and SigV4). To pin it instead, drop these two and accept ~2.5 MB.
 */
export const EXTERNAL_MODULES = ['@aws-sdk/*', '@smithy/*', './composition-embedded.js'];

/**
 * esbuild options shared by both functions. Bundling runs the repository's own esbuild
 * (devDependencies), which aws-cdk-lib finds with `require.resolve('esbuild')`; Docker is never used,
 * and a missing esbuild fails the synth instead of falling back to a Docker image.
 */
export function bundlingOptions(commandHooks?: ICommandHooks): BundlingOptions {
  return {
    format: OutputFormat.ESM,
    target: 'node24',
    minify: true,
    // Off: source maps only help with NODE_OPTIONS=--enable-source-maps, which slows every cold
    // start. To debug a stack trace, synthesize with sourceMap on and read it beside the bundle.
    sourceMap: false,
    banner: ESM_BANNER,
    externalModules: EXTERNAL_MODULES,
    forceDockerBundling: false,
    logLevel: LogLevel.ERROR,
    esbuildArgs: { '--charset': 'utf8' },
    ...(commandHooks && { commandHooks }),
  };
}

const requireHere = createRequire(import.meta.url);

/** Swagger UI's own files (its HTML, scripts, styles, logo), wherever npm put the package. */
export function swaggerUiStaticDir(): string {
  return join(dirname(requireHere.resolve('@fastify/swagger-ui')), 'static');
}

/**
 * The HTTP function serves /docs: Swagger UI reads its files from disk, so a copy goes beside the
 * bundle in `static/`, where src/http/openapi.ts looks for it (the layout @fastify/swagger-ui
 * documents for bundlers). Runs on the machine that synthesizes (a POSIX shell, no Docker).
 */
export const copySwaggerUiFiles: ICommandHooks = {
  beforeBundling: () => [],
  beforeInstall: () => [],
  afterBundling: (_inputDir, outputDir) => [`cp -R "${swaggerUiStaticDir()}" "${join(outputDir, 'static')}"`],
};
