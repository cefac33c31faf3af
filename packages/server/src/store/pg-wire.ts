import { protocol } from '@electric-sql/pglite';

/**
 * A small decoder for the backend's reply to an extended-protocol exchange (parse/describe or
 * bind/execute, each ended by sync), as raw bytes from PGlite's `execProtocolRaw`. It reads only what
 * pglite-prepared.ts needs: parameter types, row description, data rows (text format) and the first
 * error; everything else (ParseComplete, BindComplete, CommandComplete, notices, ReadyForQuery) is skipped.
 * Strings are decoded straight from the reply buffer, without a copy per field.
 */
export type BackendReply = {
  paramTypes: number[];
  fields: { name: string; typeId: number }[];
  rows: (string | null)[][];
  error: Error | null;
};

const decoder = new TextDecoder();
const { DatabaseError } = protocol.messages;

/** ErrorResponse field codes → the property names PGlite's (and pg's) DatabaseError uses. */
const ERROR_FIELDS: Record<string, string> = {
  S: 'severity',
  C: 'code',
  D: 'detail',
  H: 'hint',
  P: 'position',
  p: 'internalPosition',
  q: 'internalQuery',
  W: 'where',
  s: 'schema',
  t: 'table',
  c: 'column',
  d: 'dataType',
  n: 'constraint',
  F: 'file',
  L: 'line',
  R: 'routine',
};

export function readBackendReply(bytes: Uint8Array): BackendReply {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const reply: BackendReply = { paramTypes: [], fields: [], rows: [], error: null };
  const cstring = (at: number): [string, number] => {
    let end = at;
    while (bytes[end] !== 0) end++;
    return [decoder.decode(bytes.subarray(at, end)), end + 1];
  };
  let at = 0;
  while (at + 5 <= bytes.length) {
    const type = bytes[at]!;
    const length = view.getInt32(at + 1);
    const body = at + 5;
    const next = at + 1 + length;
    switch (type) {
      case 0x44: {
        // 'D' DataRow
        const count = view.getInt16(body);
        const row: (string | null)[] = new Array(count);
        let p = body + 2;
        for (let i = 0; i < count; i++) {
          const size = view.getInt32(p);
          p += 4;
          if (size < 0) row[i] = null;
          else {
            row[i] = decoder.decode(bytes.subarray(p, p + size));
            p += size;
          }
        }
        reply.rows.push(row);
        break;
      }
      case 0x54: {
        // 'T' RowDescription
        const count = view.getInt16(body);
        let p = body + 2;
        for (let i = 0; i < count; i++) {
          const [name, after] = cstring(p);
          reply.fields.push({ name, typeId: view.getInt32(after + 6) });
          p = after + 18;
        }
        break;
      }
      case 0x74: {
        // 't' ParameterDescription
        const count = view.getInt16(body);
        for (let i = 0; i < count; i++) reply.paramTypes.push(view.getInt32(body + 2 + i * 4));
        break;
      }
      case 0x45: {
        // 'E' ErrorResponse: keep the first (the one that aborted the exchange)
        if (reply.error) break;
        const values: Record<string, string> = {};
        let p = body;
        while (p < next && bytes[p] !== 0) {
          const code = String.fromCharCode(bytes[p]!);
          const [value, after] = cstring(p + 1);
          values[code] = value;
          p = after;
        }
        const error = new DatabaseError(values.M ?? 'database error', length, 'error');
        for (const [code, property] of Object.entries(ERROR_FIELDS))
          (error as unknown as Record<string, unknown>)[property] = values[code];
        reply.error = error;
        break;
      }
    }
    at = next;
  }
  return reply;
}
