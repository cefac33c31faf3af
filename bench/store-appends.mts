// The store alone, no sockets: time per append on PGlite, one by one and in batches of 50, with the hot
// statements prepared (as the server runs them) or as plain SQL (what they cost before), on tables already
// holding 5 000 conversations and 100 000 messages. `--cached-on-empty` prepares the statements and runs them
// on empty tables first (a fresh install), then fills the tables: the plan PostgreSQL caches then must still
// be index-driven. `--cached-on-small` does the same with 500 conversations already there (a young
// install), then grows them to 50 000; `--random-page-cost=4` runs it with PostgreSQL's default instead of
// PGlite's setting (store/pglite-database.ts), to see the before.
// `--batch-sizes`: a batch of n against n single appends, for n from 1 to 200; with `--auto-plans` PostgreSQL
// chooses between custom and generic plans itself (plan_cache_mode = auto, the setting before
// generic plans were forced: it re-planned every batch).
// Run: node --import tsx bench/store-appends.mts [--unnamed] [--cached-on-empty | --cached-on-small
//   [--random-page-cost=4]] [--batch-sizes [--auto-plans]]

import type { NewMessage } from '../packages/server/src/store/messages-repo.ts';
import { migrate } from '../packages/server/src/store/migrations.ts';
import { openPgliteDatabase } from '../packages/server/src/store/pglite-database.ts';
import { type SqlDatabase, sqlText } from '../packages/server/src/store/sql.ts';
import { createStore } from '../packages/server/src/store/store.ts';

const args = new Set(process.argv.slice(2));
const randomPageCost = process.argv.find((a) => a.startsWith('--random-page-cost='))?.split('=')[1];
const raw = await openPgliteDatabase('memory://');
await migrate(raw);
if (randomPageCost) await raw.exec(`set random_page_cost = ${Number(randomPageCost)}`);
const db: SqlDatabase = args.has('--unnamed')
  ? { ...raw, query: (sql, params) => raw.query(sqlText(sql), params) }
  : raw;
const store = createStore(db);
const site = await store.sites.create({ name: 'bench', allowedOrigins: [] });
const fill = (sql: string) => raw.exec(sql.replaceAll('$site', `'${site.id}'`));
const conversations = (from: number, to: number) =>
  fill(`
  insert into visitors (id, site_id) select 'v' || g, $site from generate_series(${from}, ${to}) g;
  insert into conversations (id, site_id, visitor_id, status, last_seq, created_at, updated_at, queued_at)
    select 'c' || g, $site, 'v' || g, case when g > 100 then 'closed' else 'queued' end, 20, now(), now(), now()
    from generate_series(${from}, ${to}) g`);
const small = args.has('--cached-on-small');
await conversations(1, small ? 500 : 5000);
const messages = `insert into messages (id, conversation_id, seq, client_id, author, text)
  select 'm' || g || '_' || s, 'c' || g, s, 'k' || g || '_' || s, 'visitor', 'hello'
  from generate_series($from, 5000) g, generate_series(1, 20) s`;
let n = 0;
const message = (k: number): NewMessage => ({
  conversationId: `c${(k % 100) + 1}`,
  clientId: `x${n++}`,
  author: 'visitor',
  authorId: `v${(k % 100) + 1}`,
  authorName: null,
  text: 'hello there',
  internal: false,
  requireOpen: true,
  visitorId: `v${(k % 100) + 1}`,
});
const singles = async (count: number) => {
  for (let i = 0; i < count; i++) await store.messages.appendUnbatched(message(i));
};
const batches = async (count: number) => {
  for (let b = 0; b < count; b++)
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.messages.append(message(i))));
};
if (args.has('--cached-on-empty') || small) {
  await singles(20);
  await batches(10);
  if (small) await conversations(501, 50_000);
  await fill(messages.replace('$from', '101'));
} else await fill(messages.replace('$from', '1'));

if (args.has('--auto-plans')) await raw.exec('set plan_cache_mode = auto');
if (args.has('--batch-sizes')) {
  const plans = args.has('--auto-plans') ? 'plan_cache_mode auto' : 'generic plans';
  for (const size of [1, 2, 4, 16, 64, 200]) {
    const reps = Math.max(10, Math.round(1600 / size));
    let t = performance.now();
    for (let r = 0; r < reps; r++)
      await Promise.all(Array.from({ length: size }, (_, i) => store.messages.append(message(i))));
    const batch = (performance.now() - t) / reps;
    t = performance.now();
    for (let r = 0; r < reps; r++) for (let i = 0; i < size; i++) await store.messages.appendUnbatched(message(i));
    const singles = (performance.now() - t) / reps;
    console.log(`${plans}: ${size} messages: one batch ${batch.toFixed(2)} ms, one by one ${singles.toFixed(2)} ms`);
  }
  await raw.close();
  process.exit(0);
}

const cached = args.has('--cached-on-empty')
  ? ', cached on empty tables'
  : small
    ? ', cached on 500 conversations, then 50 000'
    : '';
const mode = `${args.has('--unnamed') ? 'plain SQL' : 'prepared'}${cached}${randomPageCost ? `, random_page_cost ${randomPageCost}` : ''}`;
for (let round = 0; round < 3; round++) {
  let t = performance.now();
  await singles(400);
  const single = (performance.now() - t) / 400;
  t = performance.now();
  await batches(20);
  const batch = (performance.now() - t) / 20;
  console.log(`${mode}: single append ${single.toFixed(2)} ms, batch of 50 ${batch.toFixed(2)} ms`);
}
await raw.close();
