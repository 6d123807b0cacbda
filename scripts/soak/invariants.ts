import type { SoakServer } from './server.js';
import type { Traffic } from './traffic.js';

export interface InvariantResult {
  /** How many invariants were checked. */
  checks: number;
  violations: string[];
  /** Differences the drift audit found (search, bestsellers, graph). */
  drift: number;
}

/** How long the projections get to apply the last writes (and rebuild a store an engine restart wiped). */
const SETTLE_MS = 180_000;

/**
 * After the traffic: every acknowledged order exists exactly once (and every Idempotency-Key placed
 * one order); the drift audit finds nothing in search, bestsellers and graph (every catalog book at
 * its current version and no deleted one; units per book and window equal to the order lines; graph
 * purchases, friendships and users equal to the record's); no 5xx and no missing answer outside the
 * fault windows.
 */
export async function checkInvariants(server: SoakServer, traffic: Traffic, say: (line: string) => void): Promise<InvariantResult> {
  const violations: string[] = [];
  await server.waitReady();
  const admin = traffic.adminToken;

  // 1. Orders: each acknowledged one is in its owner's history exactly once; no key placed two.
  const seen = new Map<string, number>();
  for (const customer of traffic.customers) {
    let cursor: string | null = null;
    do {
      const res = await traffic.request('GET', `/api/v1/orders?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: customer.token });
      if (res.status !== 200) {
        violations.push(`listing the orders of ${customer.email} answered ${res.status}`);
        break;
      }
      for (const order of res.body.items as Array<{ id: string }>) seen.set(order.id, (seen.get(order.id) ?? 0) + 1);
      cursor = res.body.nextCursor;
    } while (cursor);
  }
  const missing = [...traffic.acknowledged.keys()].filter((id) => !seen.has(id));
  const doubled = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  const splitKeys = [...traffic.ordersByKey].filter(([, ids]) => ids.size > 1).map(([key]) => key);
  if (missing.length > 0) violations.push(`${missing.length} acknowledged orders are missing: ${missing.slice(0, 5).join(', ')}`);
  if (doubled.length > 0) violations.push(`${doubled.length} orders are listed more than once: ${doubled.slice(0, 5).join(', ')}`);
  if (splitKeys.length > 0) violations.push(`${splitKeys.length} Idempotency-Keys were answered with different orders`);

  // 2. Derived stores: settle, then the drift audit (the admin API runs the same use case as the CLI).
  const deadline = Date.now() + SETTLE_MS;
  let settled = false;
  while (Date.now() < deadline) {
    const res = await traffic.request('GET', '/api/v1/admin/projections', { token: admin });
    const rows = (res.body?.projections ?? []) as Array<{ name: string; lagEvents: number; rebuilding: boolean; lastError: string | null }>;
    if (res.status === 200 && rows.every((p) => p.lagEvents === 0 && !p.rebuilding && p.lastError === null)) {
      settled = true;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  if (!settled) say('the projections did not report caught up within 3 minutes; auditing anyway');
  const audit = await traffic.request('POST', '/api/v1/admin/audit', { token: admin, body: {} });
  let drift = 0;
  if (audit.status !== 200) {
    violations.push(`the drift audit answered ${audit.status}: ${JSON.stringify(audit.body).slice(0, 300)}`);
  } else {
    drift = audit.body.drift as number;
    for (const store of audit.body.stores as Array<{ store: string; checked: number; drift: number; differences: Array<{ key: string; expected: unknown; actual: unknown }> }>) {
      say(`audit ${store.store}: ${store.checked} checked, ${store.drift} differences`);
      if (store.drift > 0) {
        const first = store.differences.slice(0, 5).map((d) => `${d.key} (expected ${String(d.expected)}, found ${String(d.actual)})`);
        violations.push(`${store.store} drifted from the record in ${store.drift} places: ${first.join('; ')}`);
      }
    }
  }

  // 3. Errors outside the fault windows.
  if (traffic.serverErrorsOutside.length > 0) violations.push(`${traffic.serverErrorsOutside.length} 5xx outside fault windows, first: ${traffic.serverErrorsOutside[0]}`);
  if (traffic.networkErrorsOutside.length > 0) violations.push(`${traffic.networkErrorsOutside.length} requests unanswered outside fault windows, first: ${traffic.networkErrorsOutside[0]}`);

  // Orders (3 checks), search, bestsellers, graph, 5xx, unanswered.
  return { checks: 8, violations, drift };
}
