import { fileURLToPath } from 'node:url';

/**
 * What every function bundle looks like, kept free of CDK imports so that the Lambda emulator's
 * stand-in build (scripts/lambda-rie/bundles.ts) makes the same bundle as NodejsFunction does here.
 */

/**
 * Prepended to the ES module bundle. CommonJS dependencies bundled into it still call `require`
 * (Node built-ins) and read `__dirname`/`__filename` (Swagger UI's files, pino's workers), which an
 * ES module lacks. The imports are renamed so that no minified identifier can collide with them.
 */
export const ESM_BANNER = [
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
 * Packages replaced in the bundles by smaller stand-ins that do the one job the functions need of them
 * (esbuild `alias`). `yaml`, pulled in by @fastify/swagger(-ui) only to write the OpenAPI document as
 * YAML, becomes src/lambda/json-yaml.ts, which writes it as JSON, itself valid YAML: about 115 KB less
 * in the HTTP bundle. The server keeps the real package.
 */
export const MODULE_ALIASES: Record<string, string> = {
  yaml: fileURLToPath(new URL('../../../src/lambda/json-yaml.ts', import.meta.url)),
};
