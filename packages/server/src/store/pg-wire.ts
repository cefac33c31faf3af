import { protocol } from '@electric-sql/pglite';

/**
 * A small decoder for the backend's reply to an extended-protocol exchange (parse/describe or
 * bind/execute, each ended by sync), as raw bytes from PGlite's `execProtocolRaw`. It reads only what
 * pglite-prepared.ts needs: parameter types, row description, data rows (text format) and the first
 * error; everything else (ParseComplete, BindComplete, CommandComplete, notices, ReadyForQuery) is skipped.
 * Strings are decoded straight from the reply buffer, without a copy or a view per field.
 */
export type BackendReply = {
  paramTypes: number[];
  fields: { name: string; typeId: number }[];
  rows: (string | null)[][];
  error: Error | null;
};

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
  // A Buffer over the same bytes decodes a range in place (a TextDecoder needs a subarray per field).
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const reply: BackendReply = { paramTypes: [], fields: [], rows: [], error: null };
  const cstring = (at: number): [string, number] => {
    let end = at;
    while (bytes[end] !== 0) end++;
    return [text.toString('utf8', at, end), end + 1];
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
            row[i] = text.toString('utf8', p, p + size);
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

/** Execute (unnamed portal, all rows) and Sync, as the frontend sends them after a Bind: built once. */
const EXECUTE_SYNC = Buffer.concat([protocol.serialize.execute({}), protocol.serialize.sync()]);
/** Reused for every request: the backend reads a request before the call that sends it returns. */
let scratch = Buffer.allocUnsafeSlow(4096);

/**
 * Bind (a named statement, text-format parameters and results) + Execute + Sync as ONE request, written
 * into a buffer that is reused: the result is valid until the next call, so send it before encoding
 * another. Replaces three serializer calls and a concatenation per statement.
 */
export function bindExecuteSync(statement: string, values: (string | null)[]): Uint8Array {
  const nameBytes = Buffer.byteLength(statement);
  // Bind: type, length, portal "" (1), statement + NUL, 0 parameter formats (2), count (2),
  // each value's length (4) and bytes, 0 result formats (2).
  let bindLength = 4 + 1 + nameBytes + 1 + 2 + 2 + 2;
  for (const value of values) bindLength += 4 + (value === null ? 0 : Buffer.byteLength(value));
  const size = 1 + bindLength + EXECUTE_SYNC.length;
  if (scratch.length < size) scratch = Buffer.allocUnsafeSlow(Math.max(size, scratch.length * 2));
  const out = scratch;
  out[0] = 0x42; // 'B'
  out.writeInt32BE(bindLength, 1);
  out[5] = 0; // unnamed portal
  let at = 6 + out.write(statement, 6, 'utf8');
  out[at++] = 0;
  out.writeInt16BE(0, at); // every parameter in text format
  out.writeInt16BE(values.length, at + 2);
  at += 4;
  for (const value of values) {
    if (value === null) {
      out.writeInt32BE(-1, at);
      at += 4;
      continue;
    }
    const written = out.write(value, at + 4, 'utf8');
    out.writeInt32BE(written, at);
    at += 4 + written;
  }
  out.writeInt16BE(0, at); // every result column in text format
  at += 2;
  out.set(EXECUTE_SYNC, at);
  return out.subarray(0, size);
}
