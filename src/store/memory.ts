// The store of one-shot runs (`analyze` without --db, `export`, `report`): rows go straight into a
// counter (the analyses' cells, the exporter's series, the report's tally) and are not kept, so memory
// stays flat however big the input.
// Same bookkeeping interface as the SQLite store.
import type { FlatCells, RowFilter } from '../cells.js';
import { MAX_SKIP_SAMPLES, type Row } from '../model.js';
import { rowAt, unpacked, valueAt, type PackedRows, type SerializedRows } from './packed.js';
import type { BatchProgress, FileState, RowSink } from './store.js';
import { fillTwin, TWIN_WINDOW_MS } from './twins.js';


/**
 * What a one-shot run counts rows into; `mergeFlat` takes cells counted by the workers (analyze only). A
 * store that `packs` hands `add` one row object again and again: read it, keep nothing of it.
 */
export interface RowCounter {
  add(row: Row): void;
  mergeFlat?(cells: FlatCells): void;
}

export class MemoryStore<C extends RowCounter> implements RowSink {
  readonly temporary = true;
  readonly countsOnly = true;
  private readonly state = new Map<number, FileState>();
  private readonly sampleMap = new Map<number, Array<{ line: number; reason: string }>>();
  // Rows that may have a twin in another VT Code artifact; counted into the cells at the end.
  private readonly keyed = new Map<string, Array<{ row: Row; t: number }>>();
  private readonly scratch = {} as Row;

  /**
   * `cellFilter`: the parser counts rows into the analyses' cells itself, with this filter (analyze).
   * `packs`: the parser hands rows over packed (store/packed.ts: cheaper between threads than objects).
   */
  constructor(
    readonly cells: C,
    readonly cellFilter: RowFilter | null = null,
    readonly packs = false,
  ) {}

  claimFile(path: string, size: number, fpLen: number, prefixHash: (len: number) => string, _gzip?: boolean): FileState {
    const id = this.state.size + 1;
    const f: FileState = {
      id, path, fingerprint: prefixHash(fpLen), fp_len: fpLen, size, consumed: 0, lines: 0, records: 0, ignored: 0, skipped: 0, blank: 0,
    };
    this.state.set(id, f);
    this.sampleMap.set(id, []);
    return f;
  }

  commitBatch(
    file: FileState, rows: Row[], samples: Array<{ line: number; reason: string }>, p: BatchProgress, cells: FlatCells = [], packed: Array<PackedRows | SerializedRows> = [],
  ): number {
    if (cells.length > 0) this.cells.mergeFlat!(cells);
    let duplicates = 0;
    const take = (row: Row) => {
      if (!row.dedup) this.cells.add(row);
      else if (!this.keep(row)) duplicates++;
    };
    // (Rows with a twin key are kept until the end: a row object of their own.)
    for (const given of packed) {
      const pr = unpacked(given);
      for (let i = 0; i < pr.rows; i++) take(valueAt(pr, i, 'dedup_key') === null ? rowAt(pr, i, this.scratch) : rowAt(pr, i));
    }
    for (const row of rows) take(row);
    const f = this.state.get(file.id)!;
    const kept = this.sampleMap.get(file.id)!;
    kept.push(...samples.slice(0, Math.max(0, MAX_SKIP_SAMPLES - kept.length)));
    Object.assign(f, {
      consumed: p.consumed, lines: p.lines, size: p.size, records: f.records + p.records - duplicates, ignored: f.ignored + p.ignored + duplicates,
      skipped: f.skipped + p.skipped, blank: f.blank + p.blank,
    });
    return p.records - duplicates;
  }

  // A row already seen from another artifact within the window takes what it lacked from this one (twins.ts).
  private keep(row: Row): boolean {
    const { key, origin } = row.dedup!;
    const t = Date.parse(row.timestamp);
    const seen = this.keyed.get(key) ?? [];
    const twin = seen.find((s) => s.row.dedup!.origin !== origin && Math.abs(s.t - t) <= TWIN_WINDOW_MS);
    if (twin) {
      fillTwin(twin.row, row);
      return false;
    }
    seen.push({ row, t });
    this.keyed.set(key, seen);
    return true;
  }

  /** The counter of every row, the keyed ones included. */
  finish(): C {
    for (const list of this.keyed.values()) for (const { row } of list) this.cells.add(row);
    this.keyed.clear();
    return this.cells;
  }

  files(ids: number[]): FileState[] {
    return ids.map((id) => this.state.get(id)!).filter(Boolean);
  }

  samples(id: number): Array<{ line: number; reason: string }> {
    return this.sampleMap.get(id) ?? [];
  }
}
