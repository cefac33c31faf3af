import { type PGlite, protocol } from '@electric-sql/pglite';
import { afterEach, describe, expect, it } from 'vitest';
import { createPgliteDatabase, openPglite } from '../src/store/pglite-database.js';
import { bindExecuteSync, createPreparedQuery, readBackendReply } from '../src/store/pglite-prepared.js';
import { statement } from '../src/store/sql.js';

/** Bytes from hex, spaces ignored: the fixtures below are written message by message. */
const hex = (text: string) => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
const utf8 = (text: string) => Buffer.from(text, 'utf8').toString('hex');

/**
 * B, length 23, portal "", statement "s", 0 parameter formats (all text), 2 values ("ab", null),
 * 0 result formats (all text); E, length 9, portal "", no row limit; S, length 4.
 */
const BIND_S_AB_NULL = hex(`42 00000017 00 7300 0000 0002 00000002 6162 ffffffff 0000
                            45 00000009 00 00000000
                            53 00000004`);

describe('PGlite wire codec: the frontend message it writes', () => {
  it('encodes Bind (named statement, text values, a null) + Execute + Sync', () => {
    expect(Buffer.from(bindExecuteSync('s', ['ab', null]))).toEqual(Buffer.from(BIND_S_AB_NULL));
  });

  it('counts multi-byte text in bytes, grows its buffer for a large value, then writes a short one exactly', () => {
    // "é€": 5 bytes of UTF-8. Bind length = 4 + 1 + 4 ("s_2" + NUL) + 2 + 2 + (4 + 5) + 2 = 24.
    expect(Buffer.from(bindExecuteSync('s_2', ['é€']))).toEqual(
      Buffer.from(
        hex(`42 00000018 00 ${utf8('s_2')}00 0000 0001 00000005 ${utf8('é€')} 0000
                       45 00000009 00 00000000 53 00000004`),
      ),
    );
    const large = Buffer.from(bindExecuteSync('s', ['x'.repeat(10_000)]));
    expect(large.length).toBe(1 + 4 + 1 + 2 + 2 + 2 + 4 + 10_000 + 2 + 10 + 5);
    expect(large.readInt32BE(1)).toBe(4 + 1 + 2 + 2 + 2 + 4 + 10_000 + 2);
    expect(large.readInt32BE(12)).toBe(10_000);
    expect(Buffer.from(bindExecuteSync('s', ['ab', null]))).toEqual(Buffer.from(BIND_S_AB_NULL));
  });
});

describe('PGlite wire codec: the backend reply it reads', () => {
  it('reads parameter types, fields and rows, skipping the other messages', () => {
    const reply = hex(`
      31 00000004
      74 0000000e 0002 00000017 00000019
      54 0000002f 0002
         ${utf8('id')}00 00000000 0000 00000019 ffff ffffffff 0000
         ${utf8('n')}00  00000000 0000 00000017 0004 ffffffff 0000
      32 00000004
      44 00000011 0002 00000003 ${utf8('m-1')} ffffffff
      44 00000011 0002 00000002 ${utf8('é')} 00000001 ${utf8('7')}
      43 0000000d ${utf8('SELECT 2')}00
      5a 00000005 49`);
    expect(readBackendReply(reply)).toEqual({
      paramTypes: [23, 25],
      fields: [
        { name: 'id', typeId: 25 },
        { name: 'n', typeId: 23 },
      ],
      rows: [
        ['m-1', null],
        ['é', '7'],
      ],
      error: null,
    });
  });

  it('turns the first ErrorResponse into a DatabaseError with its PostgreSQL fields', () => {
    const fields = `53${utf8('ERROR')}00 43${utf8('23505')}00 4d${utf8('duplicate key')}00 6e${utf8('messages_pkey')}00 00`;
    const length = (4 + hex(fields).length).toString(16).padStart(8, '0');
    const second = `53${utf8('ERROR')}00 43${utf8('XX000')}00 4d${utf8('later')}00 00`;
    const secondLength = (4 + hex(second).length).toString(16).padStart(8, '0');
    const { error, rows } = readBackendReply(hex(`45 ${length} ${fields} 45 ${secondLength} ${second} 5a 00000005 49`));
    expect(rows).toEqual([]);
    expect(error).toBeInstanceOf(protocol.messages.DatabaseError);
    expect(error).toMatchObject({
      message: 'duplicate key',
      severity: 'ERROR',
      code: '23505',
      constraint: 'messages_pkey',
    });
  });
});

describe('prepared statements fall back to PGlite query()', () => {
  let pg: PGlite | undefined;
  afterEach(async () => {
    await pg?.close();
  });

  it('are used when PGlite is the pinned version', async () => {
    pg = await openPglite('memory://');
    expect(await createPreparedQuery(pg)).not.toBeNull();
  });

  it('when the private lock methods are missing', async () => {
    pg = await openPglite('memory://');
    const target = pg;
    // PGlite still works (its methods bound to the instance); the names the codec relies on are gone.
    const changed = new Proxy(target, {
      get(t, key) {
        if (key === '_runExclusiveQuery') return undefined;
        const value = Reflect.get(t, key, t);
        return typeof value === 'function' ? value.bind(t) : value;
      },
    });
    expect(await createPreparedQuery(changed)).toBeNull();
    const db = await createPgliteDatabase(changed);
    expect(await db.query(statement('fallback_missing', 'select $1::int4 as n'), [5])).toEqual([{ n: 5 }]);
  });

  it('when the raw protocol method answers differently', async () => {
    pg = await openPglite('memory://');
    // A raw stream that delivers nothing: the self-check's answer is wrong, so the codec is not used.
    Object.defineProperty(pg, 'execProtocolRawStream', { value: async () => {} });
    expect(await createPreparedQuery(pg)).toBeNull();
    const db = await createPgliteDatabase(pg);
    expect(await db.query(statement('fallback_changed', 'select $1::int4 as n'), [6])).toEqual([{ n: 6 }]);
    // PGlite's own locks are back as they were: a transaction and a query still work.
    expect(Object.hasOwn(pg, '_runExclusiveQuery')).toBe(false);
    expect(await db.transaction((tx) => tx.query('select 1 as one'))).toEqual([{ one: 1 }]);
  });
});
