#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig } from '../config.js';
import { PROJECTION_NAMES, type ProjectionName } from '../projections/projection.js';
import { serve } from './serve.js';
import { runSeed } from './seed-command.js';
import { runImport } from './import-command.js';
import { runRebuild } from './rebuild-command.js';
import { runAdminCreate } from './admin-command.js';
import { runStatus } from './status-command.js';
import { runAudit } from './audit-command.js';
import { runAccountDelete } from './account-command.js';
import { AUDITED_STORES, type AuditedStore } from '../app/audit.js';

function positiveInt(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}

const program = new Command()
  .name('bookstore')
  .description('Run and manage a Bookstore. Every command reads BOOKSTORE_DATA_DIR (default ./data); serve also reads HOST and PORT.')
  .showHelpAfterError()
  // Commander's errors (unknown command or option, missing or bad argument) are thrown, not exited
  // with 1, so that every command exits 2 on a usage error, as command-line tools do; the subcommands
  // inherit this.
  .exitOverride();

program
  .command('serve')
  .description('serve the API (and the web app when built) on HOST:PORT, default 127.0.0.1:3000')
  .option('--demo', 'seed a small demo store first if the data directory is empty', false)
  .action(async (opts: { demo: boolean }) => serve(loadConfig(), opts));

program
  .command('seed')
  .description('generate a deterministic demo store (books, users with power-law friendships, orders)')
  .option('--books <n>', 'number of books', positiveInt, 2000)
  .option('--users <n>', 'number of users', positiveInt, 300)
  .option('--orders <n>', 'number of orders', positiveInt, 3000)
  .option('--seed <n>', 'random seed: the same seed gives the same store', positiveInt, 42)
  .option('--force', 'seed even if the store already has data', false)
  .action(async (opts: { books: number; users: number; orders: number; seed: number; force: boolean }) => runSeed(loadConfig(), opts));

program
  .command('import')
  .description('import a catalog from CSV or JSON Lines (upsert by ISBN; see docs/import-format.md)')
  .argument('<file>', 'a .csv, .jsonl or .ndjson file')
  .option('--format <format>', 'csv or jsonl (default: from the file extension)')
  .action(async (file: string, opts: { format?: string }) => runImport(loadConfig(), file, opts));

program
  .command('rebuild')
  .description('rebuild derived stores from the system of record (safe while the server is serving)')
  .argument('<store>', `one of ${PROJECTION_NAMES.join(', ')}, or all`)
  .option('--restart', 'with BOOKSTORE_DERIVED_STORES=deployed: give up an unfinished rebuild and start over (default: resume it)', false)
  .option('--no-wait', 'with BOOKSTORE_DERIVED_STORES=deployed: return once the rebuild function is invoked')
  .action(async (name: string, opts: { restart: boolean; wait: boolean }) => {
    if (name !== 'all' && !(PROJECTION_NAMES as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(`unknown store "${name}": use one of ${PROJECTION_NAMES.join(', ')}, or all`);
    }
    await runRebuild(loadConfig(), name === 'all' ? 'all' : [name as ProjectionName], opts);
  });

program
  .command('status')
  .description('show each derived store: checkpoint, lag and last error')
  .action(async () => runStatus(loadConfig()));

program
  .command('audit')
  .description('compare each derived store with the system of record and print what differs (exit 0: none, 1: drift, 2: usage)')
  .argument('[store]', `one of ${AUDITED_STORES.join(', ')}, or all`, 'all')
  .option('--repair', 'fix exactly the differences found (no rebuild)', false)
  .action(async (name: string, opts: { repair: boolean }) => {
    if (name !== 'all' && !(AUDITED_STORES as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(`unknown store "${name}": use one of ${AUDITED_STORES.join(', ')}, or all`);
    }
    process.exitCode = await runAudit(loadConfig(), name === 'all' ? AUDITED_STORES : [name as AuditedStore], opts);
  });

const admin = program.command('admin').description('manage administrators');
admin
  .command('create')
  .description('make the user with this email an admin, creating the account (with a generated password, printed once) if needed')
  .argument('<email>')
  .action(async (email: string) => runAdminCreate(loadConfig(), email));

const account = program.command('account').description('manage customer accounts');
account
  .command('delete')
  .description('delete the account with this email from every store, as the customer can (orders are kept without personal data); exit 1 if there is none')
  .argument('<email>')
  .option('--yes', 'confirm: the deletion cannot be undone', false)
  .action(async (email: string, opts: { yes: boolean }) => {
    if (!opts.yes) throw new InvalidArgumentError(`this deletes ${email} for good: run it again with --yes to confirm`);
    process.exitCode = await runAccountDelete(loadConfig(), email);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCodeOf(error);
}

/** Prints what went wrong (unless Commander already did) and answers the exit code: 0 ok, 1 failure, 2 usage. */
function exitCodeOf(error: unknown): number {
  if (error instanceof InvalidArgumentError) {
    // Thrown by an action's own check of its arguments: Commander has printed nothing.
    console.error(`bookstore: ${error.message}`);
    return 2;
  }
  if (error instanceof CommanderError) {
    // Help and --version end here with 0; anything else is a usage error Commander has printed.
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof ConfigError) {
    console.error(`bookstore: configuration error: ${error.message}`);
  } else {
    console.error(`bookstore: ${error instanceof Error ? error.message : String(error)}`);
    if (process.env.BOOKSTORE_LOG_LEVEL === 'debug') console.error(error);
  }
  return 1;
}
