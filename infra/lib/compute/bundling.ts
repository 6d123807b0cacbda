import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LogLevel, OutputFormat, type BundlingOptions, type ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import { ESM_BANNER, EXTERNAL_MODULES, MODULE_ALIASES } from './bundle-shape.js';

/** The repository root: the functions' entries, package.json and package-lock.json are under it. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Node.js 24: the newest Lambda runtime, supported into 2028 (never a deprecated one). */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_24_X;

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
    esbuildArgs: { '--charset': 'utf8', '--alias': Object.entries(MODULE_ALIASES).map(([name, path]) => `${name}=${path}`) },
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
