import type { RestRoute } from '@parley/protocol';
import { refuse } from '../../domain/errors.js';
import type { RestHandlers } from '../rest-router.js';

/** A provider's inbound-email webhook (docs/email.md). Off until the inbound work of issue 19 lands. */
export function emailHandlers() {
  return {
    'POST /api/email/inbound': async () => {
      throw refuse('not_found', 'inbound email is not enabled');
    },
  } satisfies Partial<RestHandlers<RestRoute>>;
}
