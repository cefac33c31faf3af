import { parentPort, workerData } from 'node:worker_threads';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { createPglite, pgliteQueries } from './pglite-inline.js';
import { toWireError, type WorkerInit, type WorkerRequest, type WorkerResponse } from './pglite-protocol.js';
import { sqlText } from './sql.js';

/**
 * Worker thread that owns the PGlite instance (the proxy is pglite-worker-client.ts). Requests are
 * answered as they finish; PGlite's own mutex serialises them exactly as it does on the main thread, so
 * while a transaction is open every other query waits for its commit or rollback.
 */
const port = parentPort;
if (!port) throw new Error('pglite-worker must run in a worker thread');

const send = (message: WorkerResponse) => port.postMessage(message);
const fail = (id: number, error: unknown) => send({ id, ok: false, error: toWireError(error) });

type OpenTx = { tx?: Transaction; release(commit: boolean): void; done: Promise<void> };
const transactions = new Map<number, OpenTx>();
const ROLLBACK = Symbol('rollback');

let db: PGlite;
try {
  db = await createPglite((workerData as WorkerInit).dataDir);
} catch (error) {
  fail(0, error);
  throw error;
}
const query = pgliteQueries(db);

/** Opens a PGlite transaction and holds it open until 'commit' or 'rollback' for this txId arrives. */
function begin(id: number, txId: number) {
  let release!: (commit: boolean) => void;
  const released = new Promise<boolean>((resolve) => {
    release = resolve;
  });
  const open: OpenTx = { release, done: Promise.resolve() };
  transactions.set(txId, open);
  open.done = db.transaction(async (tx) => {
    open.tx = tx;
    send({ id, ok: true });
    if (!(await released)) throw ROLLBACK;
  });
  open.done.catch((error) => {
    if (open.tx === undefined) {
      // BEGIN itself failed: the caller is still waiting for its answer.
      transactions.delete(txId);
      fail(id, error);
    }
  });
}

function end(id: number, txId: number, commit: boolean) {
  const open = transactions.get(txId);
  if (!open) return fail(id, new Error(`no open transaction ${txId}`));
  transactions.delete(txId);
  open.release(commit);
  open.done.then(
    () => send({ id, ok: true }),
    (error) => (error === ROLLBACK ? send({ id, ok: true }) : fail(id, error)),
  );
}

async function run(request: WorkerRequest): Promise<unknown[] | undefined> {
  switch (request.op) {
    case 'query': {
      if (request.txId === undefined) return query(request.sql, request.params);
      const tx = transactions.get(request.txId)?.tx;
      if (!tx) throw new Error(`no open transaction ${request.txId}`);
      return (await tx.query(sqlText(request.sql), request.params)).rows;
    }
    case 'exec':
      await db.exec(request.sql);
      return undefined;
    case 'close':
      if (!db.closed) await db.close();
      return undefined;
    default:
      throw new Error(`unknown request ${(request as { op: string }).op}`);
  }
}

port.on('message', (request: WorkerRequest) => {
  if (request.op === 'begin') return begin(request.id, request.txId);
  if (request.op === 'commit' || request.op === 'rollback')
    return end(request.id, request.txId, request.op === 'commit');
  run(request).then(
    (rows) => send(rows === undefined ? { id: request.id, ok: true } : { id: request.id, ok: true, rows }),
    (error) => fail(request.id, error),
  );
});
send({ id: 0, ready: true });
