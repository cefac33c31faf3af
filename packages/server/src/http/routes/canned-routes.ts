import type { RestRoute } from '@parley/protocol';
import { refuse } from '../../domain/errors.js';
import { isUniqueViolation } from '../../driver-errors.js';
import type { Store } from '../../store/store.js';
import type { RestHandlers } from '../rest-router.js';

const taken = () => refuse('conflict', 'a canned response with this shortcut exists');

/** A unique violation on write is a shortcut already taken. */
async function unlessTaken<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (isUniqueViolation(error)) throw taken();
    throw error;
  }
}

/** Canned responses: every agent reads them (for `/shortcut` in the composer); admins write them. */
export function cannedHandlers(store: Store) {
  return {
    'GET /api/canned': async () => ({ canned: await store.canned.list() }),
    'POST /api/canned': async ({ body }) => ({ canned: await unlessTaken(store.canned.create(body)) }),
    'PATCH /api/canned/:id': async ({ params, body }) => {
      const canned = await unlessTaken(store.canned.update(String(params.id).slice(0, 64), body));
      if (!canned) throw refuse('not_found', 'no such canned response');
      return { canned };
    },
    'DELETE /api/canned/:id': async ({ params }) => {
      if (!(await store.canned.remove(String(params.id).slice(0, 64))))
        throw refuse('not_found', 'no such canned response');
      return undefined;
    },
  } satisfies Partial<RestHandlers<RestRoute>>;
}
