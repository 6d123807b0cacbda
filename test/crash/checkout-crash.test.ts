import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { runCli, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { tempDir } from '../support/temp-dir.js';

interface Customer {
  token: string;
  /** Idempotency key → order id, for every checkout the server acknowledged. */
  acknowledged: Map<string, string>;
  /** Keys whose request got no answer (the server died): they may or may not have an order. */
  unanswered: string[];
}

async function json(res: Response): Promise<any> {
  return res.headers.get('content-type')?.includes('json') ? res.json() : null;
}

describe('a server killed in the middle of a checkout storm', () => {
  const dir = tempDir('bookstore-crash-');
  let server: ServerProcess | undefined;
  const customers: Customer[] = [];
  let bookIds: string[] = [];

  beforeAll(() => {
    const seeded = runCli(dir.path, ['seed', '--books', '40', '--users', '10', '--orders', '5', '--seed', '7']);
    expect(seeded.status, seeded.stderr).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await server?.stop().catch(() => undefined);
    dir.remove();
  });

  it('keeps every acknowledged order exactly once, and every derived store catches up', async () => {
    server = await startServerProcess(dir.path);
    let base = server.baseUrl;
    bookIds = (await json(await fetch(`${base}/api/v1/books?limit=20`))).items.map((b: { id: string }) => b.id);
    expect(bookIds.length).toBe(20);

    for (let i = 0; i < 6; i++) {
      const email = `storm-${i}-${randomUUID()}@example.com`;
      const password = 'correct horse battery staple';
      const signup = await fetch(`${base}/api/v1/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password, name: `Storm ${i}` }) });
      expect(signup.status).toBe(201);
      const login = await json(await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) }));
      customers.push({ token: login.accessToken, acknowledged: new Map(), unanswered: [] });
    }

    // Each customer loops: put a book in the cart, check out with a fresh key. The server is killed mid-loop.
    let stop = false;
    const storm = customers.map(async (c, ci) => {
      for (let n = 0; !stop && n < 500; n++) {
        const bookId = bookIds[(ci * 7 + n) % bookIds.length]!;
        const auth = { authorization: `Bearer ${c.token}` };
        try {
          const put = await fetch(`${base}/api/v1/cart/items/${bookId}`, { method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ quantity: 1 + (n % 3) }) });
          if (put.status !== 200) continue;
        } catch {
          return;
        }
        const key = `storm-${ci}-${n}-${randomUUID()}`;
        try {
          const res = await fetch(`${base}/api/v1/orders`, { method: 'POST', headers: { ...auth, 'idempotency-key': key } });
          if (res.status === 201 || res.status === 200) c.acknowledged.set(key, (await json(res)).order.id);
        } catch {
          c.unanswered.push(key);
          return;
        }
      }
    });
    await new Promise((r) => setTimeout(r, 1500));
    await server.kill();
    stop = true;
    await Promise.all(storm);
    const acknowledgedCount = customers.reduce((s, c) => s + c.acknowledged.size, 0);
    expect(acknowledgedCount).toBeGreaterThan(0);

    server = await startServerProcess(dir.path);
    base = server.baseUrl;

    for (const c of customers) {
      const auth = { authorization: `Bearer ${c.token}` };
      // A retry of an unanswered checkout returns the order it made, or places it now: never a second one.
      for (const key of c.unanswered) {
        const res = await fetch(`${base}/api/v1/orders`, { method: 'POST', headers: { ...auth, 'idempotency-key': key } });
        if (res.status === 201 || res.status === 200) c.acknowledged.set(key, (await json(res)).order.id);
        else expect(res.status).toBe(409);
      }
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page: any = await json(await fetch(`${base}/api/v1/orders?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { headers: auth }));
        ids.push(...page.items.map((o: { id: string }) => o.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(new Set(ids).size).toBe(ids.length);
      for (const [key, orderId] of c.acknowledged) {
        expect(ids.filter((id) => id === orderId), `order for key ${key}`).toHaveLength(1);
        const replay = await fetch(`${base}/api/v1/orders`, { method: 'POST', headers: { ...auth, 'idempotency-key': key } });
        expect(replay.status).toBe(200);
        expect((await json(replay)).order.id).toBe(orderId);
      }
      expect(ids.length).toBe(c.acknowledged.size);
    }

    // An admin (made by the CLI while the server is serving) checks that every projection has caught up.
    const email = `ops-${randomUUID()}@example.com`;
    const made = runCli(dir.path, ['admin', 'create', email]);
    expect(made.status, made.stderr).toBe(0);
    const password = /shown only this once: (\S+)/.exec(made.stdout)![1]!;
    const admin = await json(await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) }));
    const adminAuth = { authorization: `Bearer ${admin.accessToken}` };
    const deadline = Date.now() + 20_000;
    let status: any;
    do {
      status = await json(await fetch(`${base}/api/v1/admin/projections`, { headers: adminAuth }));
      if (status.projections.every((p: { lagEvents: number }) => p.lagEvents === 0)) break;
      await new Promise((r) => setTimeout(r, 100));
    } while (Date.now() < deadline);
    const positions = status.projections.map((p: { position: number; lagEvents: number; lastError: string | null }) => [p.position, p.lagEvents, p.lastError]);
    expect(new Set(positions.map((p: unknown[]) => p[0])).size).toBe(1);
    for (const p of positions) expect(p.slice(1)).toEqual([0, null]);

    // Units on the all-time board equal the units in the orders the system of record holds.
    const stormUnits = new Map<string, number>();
    for (const c of customers) {
      for (const orderId of c.acknowledged.values()) {
        const { order } = await json(await fetch(`${base}/api/v1/orders/${orderId}`, { headers: { authorization: `Bearer ${c.token}` } }));
        for (const line of order.lines) stormUnits.set(line.bookId, (stormUnits.get(line.bookId) ?? 0) + line.quantity);
      }
    }
    // The CLI reads the same data directory while the server is serving it.
    const statusCommand = runCli(dir.path, ['status']);
    expect(statusCommand.status, statusCommand.stderr).toBe(0);
    expect(statusCommand.stdout).toMatch(/bestsellers/);
    const board = await json(await fetch(`${base}/api/v1/bestsellers?window=all&limit=100`));
    const generationBefore = status.projections.find((p: { name: string }) => p.name === 'bestsellers').generation;
    const rebuilt = await fetch(`${base}/api/v1/admin/projections/bestsellers/rebuild`, { method: 'POST', headers: adminAuth });
    expect([200, 202]).toContain(rebuilt.status);
    const rebuildDeadline = Date.now() + 20_000;
    let rebuiltStatus: any;
    do {
      const all = await json(await fetch(`${base}/api/v1/admin/projections`, { headers: adminAuth }));
      rebuiltStatus = all.projections.find((p: { name: string }) => p.name === 'bestsellers');
      if (rebuiltStatus.generation > generationBefore && !rebuiltStatus.rebuilding && rebuiltStatus.lagEvents === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    } while (Date.now() < rebuildDeadline);
    expect(rebuiltStatus.generation).toBeGreaterThan(generationBefore);
    const boardAfterRebuild = await json(await fetch(`${base}/api/v1/bestsellers?window=all&limit=100`));
    // The live board and a board rebuilt from the system of record agree exactly.
    expect(boardAfterRebuild.items.map((i: any) => [i.book.id, i.units])).toEqual(board.items.map((i: any) => [i.book.id, i.units]));
    for (const [bookId, units] of stormUnits) {
      const entry = board.items.find((i: { book: { id: string } }) => i.book.id === bookId);
      expect(entry?.units ?? 0).toBeGreaterThanOrEqual(units);
    }
  }, 180_000);
});
