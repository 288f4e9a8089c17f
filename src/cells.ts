// Every analysis of DESIGN.md §5 is a sum over rows grouped by (provider, event, error_type, outcome,
// the subtype of the error types whose action items depend on it, and the message of auth errors), plus, for the rate-limit spikes, a count of rate-limit errors per
// provider and UTC hour (cells whose `hour` is set: counted besides, not instead). Those "cells" are
// what both ways of running the analyses produce: a one-shot `analyze` adds rows to them as it reads
// (no row is stored), and a kept store answers them with one query (store/cells.ts). The report is made
// from cells alone. This module is pure: ingest, store and analyses all use it.
import type { Row } from './model.js';

// What a cell means; a cached cell of another version is not used.
export const CELLS_VERSION = 4;

export interface RowFilter {
  since: string | null; // inclusive, ISO
  until: string | null; // exclusive, ISO
  providers: string[]; // empty: all
}

export interface Cell {
  provider: string;
  hour: string | null; // YYYY-MM-DDTHH:00:00Z: a spike counter of rate-limit errors (n only)
  event: string;
  error_type: string | null;
  subtype: string | null; // rate-limit, auth and network errors only (SUBTYPED)
  outcome: string | null;
  message: string | null; // auth errors only
  n: number;
  retry_sum: number;
  retry_n: number;
  min_ts: string;
  max_ts: string;
}

/**
 * Cells as a parsing worker hands them over: the fields of one after the other (FLAT_FIELDS each, in
 * Cell's order), not an object each: cheaper to send between threads, and to merge (no object made).
 */
export type FlatCells = Array<string | number | null>;
const FLAT_FIELDS = 12;

export type CellRow = Pick<Row, 'timestamp' | 'provider' | 'event' | 'error_type' | 'error_subtype' | 'outcome' | 'error_message' | 'retry_count'>;

/** The error types whose subtypes the action items tell apart (quota vs throttling, key vs permission, timeout vs path). */
export const SUBTYPED = ['rate_limit', 'auth_error', 'network_error'];

const isAuthError = (event: string, type: string | null) => event === 'error' && type === 'auth_error';
const isRateLimit = (event: string, type: string | null) => event === 'error' && type === 'rate_limit';
const subtypeOf = (event: string, type: string | null, subtype: string | null) =>
  event === 'error' && type !== null && SUBTYPED.includes(type) ? subtype : null;


type Tree = Map<string | null, Tree | Cell>;

function branch(tree: Tree, part: string | null): Tree {
  let next = tree.get(part) as Tree | undefined;
  if (next === undefined) tree.set(part, (next = new Map()));
  return next;
}

export class Cells {
  // provider -> event -> error_type -> subtype -> outcome -> hour -> message -> cell: a lookup per part is cheaper
  // than building one key string for every row (the parts are mostly the same few strings).
  private readonly tree: Tree = new Map();
  private readonly list: Cell[] = [];
  /** With a --provider filter: every provider seen, kept or not (to tell a mistyped id). */
  readonly seen = new Set<string>();

  constructor(readonly filter: RowFilter) {}

  /** Count a row, if it is in the filter's range and providers. */
  add(row: CellRow): void {
    const f = this.filter;
    const ts = row.timestamp;
    if ((f.since !== null && ts < f.since) || (f.until !== null && ts >= f.until)) return;
    if (f.providers.length > 0) {
      this.seen.add(row.provider);
      if (!f.providers.includes(row.provider)) return;
    }
    const message = isAuthError(row.event, row.error_type) ? row.error_message : null;
    const subtype = subtypeOf(row.event, row.error_type, row.error_subtype);
    const retries = row.retry_count;
    // A cell's error_type is an error's: the store keeps a retry's or an outcome's type as its cause (store/packed.ts).
    this.tally(row.provider, null, row.event, row.event === 'error' ? row.error_type : null, subtype, row.outcome, message, 1, retries ?? 0, retries !== null ? 1 : 0, ts, ts);
    if (isRateLimit(row.event, row.error_type)) this.tally(row.provider, ts.slice(0, 13) + ':00:00Z', 'error', 'rate_limit', subtype, null, null, 1, 0, 0, ts, ts);
  }

  /** Add a cell counted elsewhere (already filtered). */
  merge(c: Cell): void {
    this.tally(c.provider, c.hour, c.event, c.error_type, c.subtype, c.outcome, c.message, c.n, c.retry_sum, c.retry_n, c.min_ts, c.max_ts);
  }

  /** Add cells counted elsewhere (already filtered), as `flat()` gave them. */
  mergeFlat(f: FlatCells): void {
    for (let i = 0; i < f.length; i += FLAT_FIELDS) {
      this.tally(
        f[i] as string, f[i + 1] as string | null, f[i + 2] as string, f[i + 3] as string | null, f[i + 4] as string | null, f[i + 5] as string | null,
        f[i + 6] as string | null, f[i + 7] as number, f[i + 8] as number, f[i + 9] as number, f[i + 10] as string, f[i + 11] as string,
      );
    }
  }

  /** The cells as FlatCells. */
  flat(): FlatCells {
    const out: FlatCells = [];
    for (const c of this.list) out.push(c.provider, c.hour, c.event, c.error_type, c.subtype, c.outcome, c.message, c.n, c.retry_sum, c.retry_n, c.min_ts, c.max_ts);
    return out;
  }

  // One row or cell into its cell; no object is made unless the cell is new (this runs for every row).
  private tally(
    provider: string, hour: string | null, event: string, type: string | null, subtype: string | null, outcome: string | null,
    message: string | null, n: number, retrySum: number, retryN: number, minTs: string, maxTs: string,
  ): void {
    const leaves = branch(branch(branch(branch(branch(branch(this.tree, provider), event), type), subtype), outcome), hour) as Map<string | null, Cell>;
    const c = leaves.get(message);
    if (c === undefined) {
      const cell = { provider, hour, event, error_type: type, subtype, outcome, message, n, retry_sum: retrySum, retry_n: retryN, min_ts: minTs, max_ts: maxTs };
      leaves.set(message, cell);
      this.list.push(cell);
      return;
    }
    c.n += n;
    c.retry_sum += retrySum;
    c.retry_n += retryN;
    if (minTs < c.min_ts) c.min_ts = minTs;
    if (maxTs > c.max_ts) c.max_ts = maxTs;
  }

  values(): Iterable<Cell> {
    return this.list;
  }
}

/** What one run added to a kept store, counted as it went (Store.trackCells). */
export interface RunCells {
  cells: Cells;
  fromGeneration: number; // the store's generation when the run began
  bumps: number; // the generations its own commits moved on
  exact: boolean; // false when a stored row changed or a batch was rolled back
}

