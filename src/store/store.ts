// The SQLite store: opening (with the right pragmas for a fresh bulk load or a shared, existing file),
// migrations, and the two writes ingest makes: claim a file, commit a batch of its rows.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_SKIP_SAMPLES, UserError, type Row } from '../model.js';
import { MIGRATIONS, TIME_INDEX } from './schema.js';
import { Cells, type FlatCells, type RowFilter, type RunCells } from '../cells.js';
import { BLOCK_ROWS, cellRowAt, packRows, rowAt, rowValues, STORED_COLUMNS, valueAt, WIDTH, type Column, type PackedRows, type SerializedRows, unpacked } from './packed.js';
import { FILL_TWIN_SQL, FIND_TWIN_SQL, fillTwinValues, twinRange } from './twins.js';

export interface FileState {
  id: number;
  path: string;
  fingerprint: string;
  fp_len: number;
  size: number;
  consumed: number;
  lines: number;
  records: number;
  ignored: number;
  skipped: number;
  blank: number;
}

/** What one batch adds to a file's bookkeeping. */
export interface BatchProgress {
  consumed: number;
  lines: number;
  size: number;
  records: number;
  ignored: number;
  skipped: number;
  blank: number;
}

/** Where ingest puts what it reads: the SQLite store, or the one-shot MemoryStore. */
export interface RowSink {
  readonly temporary: boolean;
  /** `gzip`: the content is a gzip file's (a rotated copy, for the exporter). */
  claimFile(path: string, size: number, fpLen: number, prefixHash: (len: number) => string, gzip?: boolean): FileState;
  /**
   * `rows`: rows as objects; `packed`: rows packed by the parser (when `packs`); `cells`: the analyses'
   * cells the parser counted (rows without a twin key).
   */
  commitBatch(
    file: FileState, rows: Row[], samples: Array<{ line: number; reason: string }>, progress: BatchProgress, cells?: FlatCells, packed?: Array<PackedRows | SerializedRows>,
  ): number | null;
  /** Rows are wanted packed (see packed.ts); otherwise as objects. */
  readonly packs: boolean;
  /** The main thread only counts the rows, writing no store: the parsing workers need not give way to it (pool.ts). */
  readonly countsOnly?: boolean;
  /** Rows without a twin key are to be counted into cells with this filter by the parser. */
  readonly cellFilter: RowFilter | null;
  files(ids: number[]): FileState[];
  samples(fileId: number): Array<{ line: number; reason: string }>;
}

export class Store implements RowSink {
  private insertBlock?: Database.Statement;
  private insertOne?: Database.Statement;
  private findTwin?: Database.Statement;
  private fillTwin?: Database.Statement;
  private run: RunCells | null = null;
  private tempDir: string | null = null;
  private toWal = false; // a new store, loaded with a rollback journal: WAL from when it closes
  private createdHere = false; // by this run: removed again if nothing was read into it, else its time index built at close
  /**
   * Called inside each commit's transaction with the rows it stored (twins left out), so that what it
   * writes is committed with them or not at all (the exporter's counters).
   */
  onStored: ((rows: Row[]) => void) | null = null;
  /**
   * A gzip file that starts like a file already read is that file's rotated, compressed copy: it shares
   * the file's offset, whether or not the original is still there (the exporter counts it once).
   */
  gzipCopiesShareOffsets = false;

  private constructor(
    readonly db: Database.Database,
    readonly path: string,
  ) {}

  /**
   * Open (creating) the store at `path`, or a temporary one (removed by close) when path is null.
   * `load`: a run that reads logs in and closes (not a long-lived writer such as `serve`).
   */
  static open(path: string | null, load = false): Store {
    let tempDir: string | null = null;
    let file = path;
    if (file === null) {
      tempDir = mkdtempSync(join(tmpdir(), 'vtcode-errors-'));
      file = join(tempDir, 'store.db');
    }
    let db: Database.Database;
    let firstLoad = false;
    try {
      firstLoad = load && !existsSync(file);
      db = new Database(file);
      db.pragma('busy_timeout = 30000');
      if (tempDir) {
        // Nobody else sees a temporary store and a crash loses nothing of value: no journal at all.
        db.pragma('journal_mode = OFF');
        db.pragma('synchronous = OFF');
        db.pragma('locking_mode = EXCLUSIVE');
      } else {
        // WAL: readers never block the writer, and a kill -9 loses at most the batch being written.
        // A new store's first load (`load`) keeps a rollback journal instead (WAL writes every page twice, a
        // rollback journal only the few pages an append changes) and turns to WAL when it closes; it
        // does not wait for the disk at each commit either: a kill -9 still loses at most the batch
        // being written, only a power cut during that first load may leave the new store unusable.
        try {
          db.pragma(`journal_mode = ${firstLoad ? 'TRUNCATE' : 'WAL'}`);
        } catch (err) {
          // Another process is loading this new store with a rollback journal: go on in its mode (it
          // turns the store to WAL when it ends).
          if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
        }
        db.pragma(`synchronous = ${firstLoad ? 'OFF' : 'NORMAL'}`);
      }
      // A new store's pages are 16 KiB rather than 4: a load appends 2-3% faster (set before its first table).
      if (firstLoad) db.pragma('page_size = 16384');
      // Small: a load appends (the time index too, logs being mostly in time order), and a query
      // reads a file the kernel caches anyway.
      db.pragma('cache_size = -4096');
      db.pragma('temp_store = MEMORY');
      migrate(db);
      // A first load builds the time index at its end; any other opening makes sure it is there (a
      // first load killed before it ended has none).
      if (firstLoad && !tempDir) db.exec('DROP INDEX IF EXISTS error_logs_time');
      else if (db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'error_logs_time'").get() === undefined) db.exec(TIME_INDEX);
    } catch (err) {
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
      throw new UserError(`${path ?? 'temporary database'}: cannot open the database (${describe(err)})`);
    }
    const store = new Store(db, file);
    store.tempDir = tempDir;
    store.toWal = !tempDir && db.pragma('journal_mode', { simple: true }) !== 'wal';
    store.createdHere = firstLoad && !tempDir;
    return store;
  }

  /** Open an existing store read-only (for `sql`). */
  static openReadOnly(path: string): Store {
    try {
      const db = new Database(path, { readonly: true, fileMustExist: true });
      db.pragma('busy_timeout = 30000');
      db.prepare('SELECT count(*) FROM sqlite_master').get(); // fails now, not later, on a non-database
      return new Store(db, path);
    } catch (err) {
      throw new UserError(`${path}: cannot open the database (${describe(err)})`);
    }
  }

  get temporary(): boolean {
    return this.tempDir !== null;
  }

  // The exporter's counters need whole rows; everyone else takes them packed.
  get packs(): boolean {
    return this.onStored === null;
  }

  get cellFilter(): RowFilter | null {
    return this.run?.cells.filter ?? null;
  }

  close(): void {
    // A store is not left behind when nothing was put in it (every path was missing, say).
    if (this.db.open && this.createdHere && (this.db.prepare('SELECT count(*) FROM ingested_files').pluck().get() as number) === 0) {
      this.db.close();
      for (const ext of ['', '-journal', '-wal', '-shm']) rmSync(this.path + ext, { force: true });
      return;
    }
    // A first load builds its time index now (Store.open).
    if (this.db.open && this.createdHere) {
      try {
        // The sort spills to a temporary file past the cache (in memory it would add its whole size to
        // the peak), and may use a second core: the parsing is over.
        this.db.pragma('temp_store = FILE');
        this.db.pragma('threads = 2');
        this.db.exec(TIME_INDEX);
      } catch {
        // Busy (another process is writing): the next opening builds it.
      }
    }
    if (this.db.open && this.toWal) {
      try {
        this.db.pragma('journal_mode = WAL');
      } catch {
        // Busy (another process is writing): the next run that opens it turns it to WAL.
      }
    }
    if (this.db.open) this.db.close();
    if (this.tempDir) rmSync(this.tempDir, { recursive: true, force: true });
    this.tempDir = null;
  }

  /** Count what this run stores into cells for `filter` too (see store/cells.ts storedCells). */
  trackCells(filter: RowFilter): RunCells {
    const generation = this.db.prepare("SELECT value FROM meta WHERE key = 'generation'").pluck().get() as number;
    this.run = { cells: new Cells(filter), fromGeneration: generation, bumps: 0, exact: true };
    return this.run;
  }

  /**
   * The bookkeeping row for a file with the given content fingerprint: the same path with the same
   * start, else a file whose start matches (a rotated or moved file, read on from where it was left),
   * else a new row. `prefixHash(len)` hashes the first len bytes of the file's content.
   */
  claimFile(path: string, size: number, fpLen: number, prefixHash: (len: number) => string, gzip = false): FileState {
    try {
      return this.claim(path, size, fpLen, prefixHash, gzip && this.gzipCopiesShareOffsets);
    } catch (err) {
      throw this.writeError(err);
    }
  }

  private claim(path: string, size: number, fpLen: number, prefixHash: (len: number) => string, shareGzip: boolean): FileState {
    const fingerprint = prefixHash(fpLen);
    return this.db
      .transaction((): FileState => {
        const byPath = this.db.prepare('SELECT * FROM ingested_files WHERE path = ? ORDER BY id DESC').all(path) as FileState[];
        for (const f of byPath) {
          if (f.fp_len <= fpLen && prefixHash(f.fp_len) === f.fingerprint && f.consumed <= size) return f;
        }
        // A file read before under another path counts as moved there (rotated, renamed) only when
        // that path no longer holds it: two copies of one file are two files.
        const lengths = this.db.prepare('SELECT DISTINCT fp_len FROM ingested_files WHERE fp_len > 0 AND fp_len <= ?').pluck().all(fpLen) as number[];
        for (const len of lengths) {
          const candidates = this.db
            .prepare('SELECT * FROM ingested_files WHERE fingerprint = ? AND fp_len = ? AND consumed <= ? ORDER BY consumed DESC')
            .all(prefixHash(len), len, size) as FileState[];
          if (shareGzip && candidates.length > 0) return candidates[0];
          const moved = candidates.find((f) => f.path !== path && !stillHolds(f));
          if (moved) {
            this.db.prepare('UPDATE ingested_files SET path = ? WHERE id = ?').run(path, moved.id);
            return { ...moved, path };
          }
        }
        this.db
          .prepare(
            `INSERT INTO ingested_files (path, fingerprint, fp_len, size, consumed, lines, updated_at)
             VALUES (?, ?, ?, ?, 0, 0, ?) ON CONFLICT DO NOTHING`,
          )
          .run(path, fingerprint, fpLen, size, new Date().toISOString());
        return this.db
          .prepare('SELECT * FROM ingested_files WHERE path = ? AND fingerprint = ? AND fp_len = ?')
          .get(path, fingerprint, fpLen) as FileState;
      })
      .immediate();
  }

  /**
   * Store a batch of rows read from `file` between its recorded offset and `progress.consumed`,
   * atomically with the new offset. Returns the rows stored (duplicates of an event already stored
   * from another VT Code artifact are counted as ignored instead), or null, storing nothing, when
   * another process moved the file's offset meanwhile (the caller reads on from the new offset).
   */
  commitBatch(
    file: FileState, rows: Row[], samples: Array<{ line: number; reason: string }>, progress: BatchProgress, cells: FlatCells = [], packed: Array<PackedRows | SerializedRows> = [],
  ): number | null {
    try {
      return this.commit(file, rows, samples, progress, cells, packed);
    } catch (err) {
      if (this.run) this.run.exact = false; // rolled back: what was counted of it is not in the store
      throw this.writeError(err);
    }
  }

  /** A database that cannot be written stops the run, named as the culprit (not the file being read). */
  private writeError(err: unknown): unknown {
    const code = (err as { code?: unknown })?.code;
    return typeof code === 'string' && code.startsWith('SQLITE_') ? new UserError(`${this.path}: cannot write the database (${describe(err)})`) : err;
  }

  private commit(
    file: FileState, rows: Row[], samples: Array<{ line: number; reason: string }>, progress: BatchProgress, cells: FlatCells, packed: Array<PackedRows | SerializedRows>,
  ): number | null {
    return this.db
      .transaction((): number | null => {
        const moved = this.db
          .prepare(
            `UPDATE ingested_files SET consumed = ?, lines = ?, size = ?, records = records + ?, ignored = ignored + ?,
               skipped = skipped + ?, blank = blank + ?, updated_at = ?
             WHERE id = ? AND consumed = ? AND lines = ?`,
          )
          .run(
            progress.consumed, progress.lines, progress.size, progress.records, progress.ignored, progress.skipped,
            progress.blank, new Date().toISOString(), file.id, file.consumed, file.lines,
          );
        if (moved.changes === 0) return null;
        let duplicates = 0;
        let count = 0;
        const run = this.run;
        // Packed rows without a twin key were counted into `cells` by the parser; the rest are counted here.
        for (const given of packed) {
          const p = unpacked(given);
          const countKeyed = run && p.keyed > 0 ? (i: number) => valueAt(p, i, 'dedup_key') !== null && run.cells.add(cellRowAt(p, i)) : null;
          duplicates += this.insertPacked(p, countKeyed);
          count += p.rows;
        }
        if (run) run.cells.mergeFlat(cells);
        if (rows.length > 0) {
          const stored: Row[] = [];
          duplicates += this.insertPacked(packRows(rows), this.onStored || run ? (i) => (stored.push(rows[i]), run?.cells.add(rows[i])) : null);
          if (this.onStored && stored.length > 0) this.onStored(stored);
          count += rows.length;
        }
        if (count > 0) {
          this.db.prepare("UPDATE meta SET value = value + 1 WHERE key = 'generation'").run();
          if (this.run) this.run.bumps++;
        }
        if (duplicates > 0) {
          this.db.prepare('UPDATE ingested_files SET records = records - ?, ignored = ignored + ? WHERE id = ?').run(duplicates, duplicates, file.id);
        }
        const room = Math.max(0, MAX_SKIP_SAMPLES - file.skipped);
        const addSample = this.db.prepare('INSERT INTO skipped_samples (file_id, line, reason) VALUES (?, ?, ?)');
        for (const s of samples.slice(0, room)) addSample.run(file.id, s.line, s.reason);
        return count - duplicates;
      })
      .immediate();
  }

  /**
   * Insert packed rows, a block to a statement; returns how many were duplicates and left out.
   * `stored` hears of every row stored.
   */
  private insertPacked(p: PackedRows, stored: ((i: number) => void) | null): number {
    const row = `(${STORED_COLUMNS.map(() => '?').join(',')})`;
    const insert = (n: number) => `INSERT INTO error_logs (${STORED_COLUMNS.join(',')}) VALUES ${Array(n).fill(row).join(',')}`;
    this.insertBlock ??= this.db.prepare(insert(BLOCK_ROWS));
    this.insertOne ??= this.db.prepare(insert(1));
    this.findTwin ??= this.db.prepare(FIND_TWIN_SQL);
    this.fillTwin ??= this.db.prepare(FILL_TWIN_SQL);
    if (p.keyed === 0) {
      for (const block of p.blocks) {
        if (block.length === BLOCK_ROWS * WIDTH) this.insertBlock.run(block);
        else for (let at = 0; at < block.length; at += WIDTH) this.insertOne.run(block.slice(at, at + WIDTH));
      }
      if (stored) for (let i = 0; i < p.rows; i++) stored(i);
      return 0;
    }
    // With twin keys: row by row in file order, each looking at every row stored before it.
    let duplicates = 0;
    for (let i = 0; i < p.rows; i++) {
      const v = (c: Column) => valueAt(p, i, c);
      const key = v('dedup_key');
      if (key !== null) {
        const twin = this.findTwin.get(key, v('dedup_origin'), ...twinRange(v('timestamp') as string)) as { id: number } | undefined;
        if (twin) {
          this.fillTwin.run(...fillTwinValues(rowAt(p, i)), twin.id);
          if (this.run) this.run.exact = false; // a stored row changed: count the cells anew
          duplicates++;
          continue;
        }
      }
      this.insertOne.run(rowValues(p, i));
      stored?.(i);
    }
    return duplicates;
  }

  /** What every run so far read into the store: files, ignored and skipped records, the first skips. */
  storedCounts(): { files: number; ignored: number; skipped: number; samples: Array<{ file: string; line: number; reason: string }> } {
    const t = this.db.prepare('SELECT count(*) AS files, coalesce(sum(ignored), 0) AS ignored, coalesce(sum(skipped), 0) AS skipped FROM ingested_files').get() as {
      files: number; ignored: number; skipped: number;
    };
    const samples = this.db
      .prepare('SELECT f.path AS file, s.line, s.reason FROM skipped_samples s JOIN ingested_files f ON f.id = s.file_id ORDER BY f.id, s.line, s.rowid LIMIT ?')
      .all(MAX_SKIP_SAMPLES) as Array<{ file: string; line: number; reason: string }>;
    return { ...t, samples };
  }

  /** The bookkeeping rows of the given file ids. */
  files(ids: number[]): FileState[] {
    if (ids.length === 0) return [];
    const stmt = this.db.prepare('SELECT * FROM ingested_files WHERE id = ?');
    return ids.map((id) => stmt.get(id) as FileState).filter(Boolean);
  }

  samples(fileId: number): Array<{ line: number; reason: string }> {
    return this.db.prepare('SELECT line, reason FROM skipped_samples WHERE file_id = ? ORDER BY line, rowid').all(fileId) as Array<{
      line: number;
      reason: string;
    }>;
  }
}

/** Does the file at f.path still start with the content f was fingerprinted by? */
function stillHolds(f: FileState): boolean {
  if (f.path === '-') return false;
  let head: Buffer;
  try {
    const fd = openSync(f.path, 'r');
    try {
      head = Buffer.alloc(64 * 1024);
      head = head.subarray(0, readSync(fd, head, 0, head.length, 0));
    } finally {
      closeSync(fd);
    }
    if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) head = gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  } catch {
    return false;
  }
  return head.length >= f.fp_len && createHash('sha1').update(head.subarray(0, f.fp_len)).digest('hex') === f.fingerprint;
}

function migrate(db: Database.Database): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new UserError(`schema version ${version} is newer than this vtcode-errors knows (${MIGRATIONS.length}): use a newer vtcode-errors`);
    }
    for (let v = version; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]);
    if (version < MIGRATIONS.length) db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}

export function describe(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return e?.message ?? String(err);
}
