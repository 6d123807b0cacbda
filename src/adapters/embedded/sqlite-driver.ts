import type BetterSqlite3 from 'better-sqlite3';
import { createRequire } from 'node:module';

/**
 * The one place that picks the SQLite driver; every embedded adapter gets its types and its
 * connections through here (via sqlite-database.ts).
 *
 * Why two builds of better-sqlite3: up to 12.x it is built on Node's internal `node::ObjectWrap`,
 * and on Node 24 that aborts the process (`Assertion failed: (env) != nullptr` in
 * `RemoveEnvironmentCleanupHook`) whenever a statement is collected after its environment is gone:
 * at CLI exit, in test workers, during GC. 13.x is rebuilt on Node-API and fixes it, but it asks
 * for Node-API 10, which Node 20 never shipped (Node 22 has it from 22.14), so on Node 20 it
 * crashes in `new Database()`. Both come from the registry: 13.x as `better-sqlite3` (prebuilt
 * Node-API binaries inside its tarball, nothing to compile), 12.x as the npm alias
 * `better-sqlite3-node20` (npm builds it from source when it cannot fetch a prebuilt binary). Both
 * are optional dependencies: npm skips 13.x on Node 20 (its `engines` says >=22), and a failed 12.x
 * build on a newer Node does not fail the install.
 *
 * The two share the JavaScript API this code uses and their SQLite compile options; as locked they
 * bundle SQLite 3.53.2 (12.11.1) and 3.54.1 (13.2.0). The embedded conformance suites run unchanged
 * on each: CI runs `npm test` on Node 20, 22 and 24. Node's own `node:sqlite` was measured and left
 * out: on Node 22 it still prints an ExperimentalWarning on every command, and it would need an
 * adapter for `pluck`, `raw` and `transaction`.
 *
 * When Node 20 support is dropped, delete this file's choice: depend on `better-sqlite3` 13+
 * directly (as a plain dependency), remove the `better-sqlite3-node20` alias from package.json, and
 * import `better-sqlite3` in sqlite-database.ts.
 */

export type SqliteDatabase = BetterSqlite3.Database;
export type SqliteStatement<Params extends unknown[] | object = unknown[], Row = unknown> =
  BetterSqlite3.Statement<Params, Row>;
type DatabaseConstructor = typeof BetterSqlite3;

/** better-sqlite3 13 needs Node-API 10 (Node 22.14+); older runtimes get 12.x. */
const NODE_API_OF_13 = 10;

export const sqliteDriver: { readonly packageName: string; readonly reason: string } =
  Number(process.versions.napi) >= NODE_API_OF_13
    ? { packageName: 'better-sqlite3', reason: `Node-API ${process.versions.napi}` }
    : { packageName: 'better-sqlite3-node20', reason: `Node-API ${process.versions.napi} (before Node 22.14)` };

function loadDriver(): DatabaseConstructor {
  const require = createRequire(import.meta.url);
  try {
    return require(sqliteDriver.packageName) as DatabaseConstructor;
  } catch (error) {
    throw new Error(
      `The SQLite driver for Node ${process.version} (${sqliteDriver.packageName}, chosen for ` +
        `${sqliteDriver.reason}) could not be loaded. Run \`npm ci\` (or \`npm install\`) with this ` +
        'same Node: npm installs only the driver the Node it runs under can use (on Node 20 it may ' +
        'have to build better-sqlite3-node20 from source, which needs a C++ toolchain).',
      { cause: error },
    );
  }
}

// Loaded on first use, so code that never opens SQLite (the engines profile, a Lambda bundle built
// for another Node) does not need the driver at all.
let Database: DatabaseConstructor | undefined;

/** Opens a connection with the driver chosen for the running Node. */
export function connect(file: string, options: { readonly: boolean }): SqliteDatabase {
  Database ??= loadDriver();
  return new Database(file, options);
}
