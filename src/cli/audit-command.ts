import { auditUseCases, type AuditedStore, type AuditReport } from '../app/audit.js';
import type { Config } from '../config.js';
import { openStore } from '../composition.js';

/** What `bookstore audit` prints: a row per store, then the differences it lists. */
export function printAuditReport(report: AuditReport, write: (line: string) => void = console.log): void {
  console.table(
    report.stores.map((s) => ({
      store: s.store,
      checked: s.checked,
      drift: s.drift,
      ...(report.repair ? { repaired: s.repaired, remaining: s.remaining } : {}),
    })),
  );
  for (const s of report.stores) {
    for (const d of s.differences) write(`${s.store}: ${d.key}: expected ${d.expected ?? 'absent'}, found ${d.actual ?? 'absent'}`);
    if (s.drift > s.differences.length) write(`${s.store}: … and ${s.drift - s.differences.length} more`);
  }
}

/**
 * Compares the derived stores with the system of record (after applying what the change feed holds
 * for them) and, with `repair`, fixes exactly what differs. Resolves to the exit code: 0 no drift, or
 * all of it repaired; 1 drift left.
 */
export async function runAudit(config: Config, stores: readonly AuditedStore[], options: { repair: boolean }): Promise<number> {
  if (config.engines?.derivedStores === 'deployed') {
    throw new Error(
      'BOOKSTORE_DERIVED_STORES=deployed: the derived stores are inside the VPC, out of reach of this process. Run the audit from the admin page or with POST /api/v1/admin/audit.',
    );
  }
  const store = await openStore(config);
  try {
    await store.projections.catchUp();
    const report = await auditUseCases({ ...store, now: () => new Date() }).audit({ stores, repair: options.repair });
    printAuditReport(report);
    if (report.remaining === 0) {
      console.error(report.drift === 0 ? 'no drift' : `repaired ${report.drift} differences`);
      return 0;
    }
    console.error(
      options.repair
        ? `${report.remaining} differences remain after the repair: run \`bookstore rebuild <store>\` for that store.`
        : `${report.drift} differences: run \`bookstore audit ${stores.length === 1 ? stores[0] : 'all'} --repair\` to fix exactly these.`,
    );
    return 1;
  } finally {
    await store.close();
  }
}
