// Rows on their way into the SQLite store, packed: one flat array of column values, a row after the
// other. A parsing worker sends rows so: one array of strings and numbers crosses between threads
// several times faster than an object per row, and it binds to the insert statement as it is.
import { deserialize, serialize } from 'node:v8';
import type { CellRow } from '../cells.js';
import type { Row } from '../model.js';

/**
 * The columns of `error_logs` that ingest writes, in order (the id is SQLite's). A row's classification
 * (error_type, error_subtype, status_code) is stored in those columns for an error, and in the cause_
 * columns for a retry, recovered, failed or fallback row (schema.ts, migration 6); a Row in memory
 * holds it in the first three either way.
 */
export const STORED_COLUMNS = [
  'timestamp', 'provider', 'model', 'event', 'error_type', 'error_subtype', 'status_code', 'error_message',
  'retry_count', 'request_id', 'outcome', 'retryable', 'level', 'source', 'dedup_key', 'dedup_origin',
  'cause_type', 'cause_subtype', 'cause_status',
] as const;
export const WIDTH = STORED_COLUMNS.length;

/** Where a stored row that is not an error keeps each part of its classification. */
export const CAUSE_COLUMN = { error_type: 'cause_type', error_subtype: 'cause_subtype', status_code: 'cause_status' } as const;

/** SQL for a stored row's `column` as a Row in memory holds it: an error's own, or a retry's or outcome's cause. */
export const asInMemory = (column: string): string =>
  column in CAUSE_COLUMN ? `coalesce(${column}, ${CAUSE_COLUMN[column as keyof typeof CAUSE_COLUMN]})` : column;

/** The columns of a Row read back from the store (cause_ columns folded in), as SQL. */
export const ROW_SQL = STORED_COLUMNS.filter((c) => !c.startsWith('cause_'))
  .map((c) => (c in CAUSE_COLUMN ? `${asInMemory(c)} AS ${c}` : c))
  .join(', ');
export type Column = (typeof STORED_COLUMNS)[number];
const col = Object.fromEntries(STORED_COLUMNS.map((c, i) => [c, i])) as Record<Column, number>;

export type Value = string | number | null;

/**
 * Rows in blocks of BLOCK_ROWS: a block is what one insert statement takes, and small arrays stay in
 * V8's young generation (one big array would sit in the old one, and storing each new string into it
 * costs a write barrier's slow path: ten times the store itself).
 */
export const BLOCK_ROWS = 64;

export interface PackedRows {
  blocks: Value[][]; // WIDTH values per row; every block but the last holds BLOCK_ROWS rows
  rows: number;
  keyed: number; // rows with a twin key (dedup_key): they are checked against the store one by one
  /**
   * In a parsing worker (emptyPacked(true)): the blocks before `blocks`, each serialized as soon as
   * it was full. Its values then leave the heap at once, rather than be copied by every young
   * collection until the chunk ends (that copying was a quarter of a worker's time with --db). Rows so
   * packed are only serialized (serializeRows), never read here.
   */
  sealed?: Uint8Array[];
}

export const emptyPacked = (seal = false): PackedRows => ({ blocks: [], rows: 0, keyed: 0, ...(seal ? { sealed: [] } : {}) });

export function pushRow(p: PackedRows, row: Row): void {
  let block = p.blocks[p.blocks.length - 1];
  if (block === undefined || block.length === BLOCK_ROWS * WIDTH) {
    if (block !== undefined && p.sealed) p.sealed.push(serialize(p.blocks.pop()));
    p.blocks.push((block = []));
  }
  const error = row.event === 'error';
  block.push(
    row.timestamp, row.provider, row.model, row.event, error ? row.error_type : null, error ? row.error_subtype : null, error ? row.status_code : null,
    row.error_message, row.retry_count, row.request_id, row.outcome, row.retryable, row.level, row.source, row.dedup?.key ?? null, row.dedup?.origin ?? null,
    error ? null : row.error_type, error ? null : row.error_subtype, error ? null : row.status_code,
  );
  p.rows++;
  if (row.dedup) p.keyed++;
}

export function packRows(rows: Row[]): PackedRows {
  const p = emptyPacked();
  for (const row of rows) pushRow(p, row);
  return p;
}

/** Column `column` of row `i`. */
export const valueAt = (p: PackedRows, i: number, column: Column): Value =>
  p.blocks[Math.floor(i / BLOCK_ROWS)][(i % BLOCK_ROWS) * WIDTH + col[column]];

/** The values of row `i`. */
export function rowValues(p: PackedRows, i: number): Value[] {
  const at = (i % BLOCK_ROWS) * WIDTH;
  return p.blocks[Math.floor(i / BLOCK_ROWS)].slice(at, at + WIDTH);
}

/** Packed row `i` as a row again (what pushRow packed); into `into` when given, rather than a new object. */
export function rowAt(p: PackedRows, i: number, into?: Row): Row {
  const b = p.blocks[Math.floor(i / BLOCK_ROWS)];
  const at = (i % BLOCK_ROWS) * WIDTH;
  if (into) {
    into.timestamp = b[at] as string;
    into.provider = b[at + 1] as string;
    into.model = b[at + 2] as string | null;
    into.event = b[at + 3] as Row['event'];
    into.error_type = (b[at + 4] ?? b[at + 16]) as Row['error_type'];
    into.error_subtype = (b[at + 5] ?? b[at + 17]) as string | null;
    into.status_code = (b[at + 6] ?? b[at + 18]) as number | null;
    into.error_message = b[at + 7] as string | null;
    into.retry_count = b[at + 8] as number | null;
    into.request_id = b[at + 9] as string | null;
    into.outcome = b[at + 10] as string | null;
    into.retryable = b[at + 11] as number | null;
    into.level = b[at + 12] as string | null;
    into.source = b[at + 13] as string;
    if (b[at + 14] === null) into.dedup = undefined;
    else into.dedup = { key: b[at + 14] as string, origin: b[at + 15] as NonNullable<Row['dedup']>['origin'] };
    return into;
  }
  const row: Row = {
    timestamp: b[at] as string, provider: b[at + 1] as string, model: b[at + 2] as string | null, event: b[at + 3] as Row['event'],
    error_type: (b[at + 4] ?? b[at + 16]) as Row['error_type'], error_subtype: (b[at + 5] ?? b[at + 17]) as string | null,
    status_code: (b[at + 6] ?? b[at + 18]) as number | null,
    error_message: b[at + 7] as string | null, retry_count: b[at + 8] as number | null, request_id: b[at + 9] as string | null,
    outcome: b[at + 10] as string | null, retryable: b[at + 11] as number | null, level: b[at + 12] as string | null, source: b[at + 13] as string,
  };
  if (b[at + 14] !== null) row.dedup = { key: b[at + 14] as string, origin: b[at + 15] as NonNullable<Row['dedup']>['origin'] };
  return row;
}

/** What the analyses' cells read of packed row `i`. */
export function cellRowAt(p: PackedRows, i: number): CellRow {
  const v = (c: Column) => valueAt(p, i, c);
  return {
    timestamp: v('timestamp') as string, provider: v('provider') as string, event: v('event') as Row['event'],
    error_type: v('error_type') as Row['error_type'], error_subtype: v('error_subtype') as string | null, outcome: v('outcome') as string | null,
    error_message: v('error_message') as string | null, retry_count: v('retry_count') as number | null,
  };
}

/**
 * Packed rows as bytes (V8's serialization, a block after the other), as a worker hands them over:
 * the rows waiting to be stored are then one buffer per chunk, outside the heap, rather than
 * thousands of young objects the collector would copy again and again; they become values only when
 * they are inserted.
 */
export interface SerializedRows {
  bytes: Uint8Array;
  ends: number[]; // where each block's bytes end
  rows: number;
  keyed: number;
}

export function serializeRows(p: PackedRows): SerializedRows {
  const parts = [...(p.sealed ?? []), ...p.blocks.map((b) => serialize(b))];
  // One ArrayBuffer of its own, so that it can be transferred rather than copied.
  const bytes = new Uint8Array(parts.reduce((n, b) => n + b.byteLength, 0));
  const ends: number[] = [];
  for (const b of parts) {
    const at = ends.length ? ends[ends.length - 1] : 0;
    bytes.set(b, at);
    ends.push(at + b.byteLength);
  }
  return { bytes, ends, rows: p.rows, keyed: p.keyed };
}

export const unpacked = (r: PackedRows | SerializedRows): PackedRows =>
  'bytes' in r ? { blocks: r.ends.map((end, i) => deserialize(r.bytes.subarray(i ? r.ends[i - 1] : 0, end)) as Value[]), rows: r.rows, keyed: r.keyed } : r;
