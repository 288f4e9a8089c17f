// The ingest pipeline for one run: paths -> files -> chunks of whole lines -> (workers: lines -> JSON
// values -> rows or cells) -> store, in batches committed together with each file's offset, so that a
// kill at any moment loses nothing and a re-run adds exactly what is new.
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { InternalError, MAX_SKIP_SAMPLES, UserError, type SkipSample } from '../model.js';
import type { FileState, RowSink } from '../store/store.js';
import type { FlatCells } from '../cells.js';
import type { PackedRows, SerializedRows } from '../store/packed.js';
import type { ChunkJob, ChunkResult } from './chunk.js';
import { rawChunks } from './lines.js';
import { EVERY_BYTES_WRITING, garbageCollector } from './gc.js';
import { parserFor, type Parser } from './pool.js';
import { bytesOf, contentBytes, plainBytes, errorText, expandPaths, headBytes, isGzip, READ_BYTES, READ_BYTES_WRITING, type SourceFile, type SourceProblem } from './sources.js';

/** How many bytes of a file's (decoded) start identify it. */
export const FINGERPRINT_BYTES = 1024;
const collect = garbageCollector();
const BATCH_ROWS = 4_000;
const NOT_TEXT = 'not a text file';

export interface IngestOptions {
  strict?: boolean;
  /** Asked after every batch: true stops the run there (SIGINT). */
  shouldStop?: () => boolean;
  onProgress?: (p: ReadProgress) => void;
  /** Bytes left to read, when the caller knows (a follower reading appends): chooses the workers. */
  unreadBytes?: number;
}

export interface IngestResult {
  files: number; // files opened
  rowsAdded: number; // rows this run stored
  records: number; // rows stored from these files, this run and earlier ones
  ignored: number;
  skipped: number;
  blank: number;
  samples: SkipSample[]; // the first skipped records, in file order
  problems: SourceProblem[]; // files that could not be read
  skippedByName: number; // files in the directories walked whose names do not look like logs
  interrupted: boolean;
  /** What this run read and committed (for the exporter's own series). */
  read: ReadCounts;
}

export interface ReadCounts {
  lines: number;
  records: number;
  ignored: number;
  skippedBy: Record<string, number>;
  /** With a provider filter on the cells: every provider the rows named, kept or not. */
  providers: Set<string>;
}

/** How far a run has got (for the progress line). */
export interface ReadProgress {
  files: number; // files begun
  /** Input bytes done, as on disk (a gzip file's compressed bytes): read, or found read already. */
  bytes: number;
  /** Of those, the bytes this run did not read (stored by an earlier run, or in a file that failed). */
  passed: number;
  rows: number;
  /** The input's size on disk, when every input is a regular file (not stdin or a pipe). */
  total: number | null;
}

class Conflict extends Error {}

/** A file that cannot be read as it is (not a bug): errno and zlib errors carry a code. */
class FileProblem extends Error {}
const isFileProblem = (err: unknown) => err instanceof FileProblem || typeof (err as NodeJS.ErrnoException)?.code === 'string';

/** How often a file is read on after another process's commits before the run gives up on it. */
const MAX_CONFLICTS = 100;

/** The main thread writes the rows into a store (it does not only count them): pool.ts, gc.ts. */
const mainWrites = (store: RowSink) => store.packs && !store.countsOnly;

/** Reads paths into a sink: `ingestPaths` by default; the CLI passes its own (progress, Ctrl-C). */
export type Reader = (paths: string[], sink: RowSink, opts: IngestOptions) => Promise<IngestResult>;

export async function ingestPaths(paths: string[], store: RowSink, opts: IngestOptions = {}): Promise<IngestResult> {
  const { files, problems, skippedByName } = await expandPaths(paths);
  const result: IngestResult = {
    files: 0, rowsAdded: 0, records: 0, ignored: 0, skipped: 0, blank: 0, samples: [], problems, skippedByName, interrupted: false,
    read: { lines: 0, records: 0, ignored: 0, skippedBy: {}, providers: new Set() },
  };
  // Each file's size on disk, or null for stdin and pipes (no percentage then).
  const sizes: Array<number | null> = [];
  let total = opts.unreadBytes ?? 0;
  if (opts.unreadBytes === undefined) {
    for (const f of files) {
      const st = f.stdin ? null : await fsp.stat(f.path).catch(() => null);
      const size = st?.isFile() ? st.size : null;
      sizes.push(size);
      // (A gzip file holds several times its size: count it so, to choose workers.)
      total += /\.gz$/i.test(f.path) ? (size ?? 0) * 8 : (size ?? 0);
    }
  }
  const known = sizes.length === files.length && sizes.every((s) => s !== null);
  const progress: ReadProgress = { files: 0, bytes: 0, passed: 0, rows: 0, total: known ? sizes.reduce<number>((a, s) => a + s!, 0) : null };
  const parser = parserFor(total, mainWrites(store));
  try {
  for (const [i, file] of files.entries()) {
    if (opts.shouldStop?.()) {
      result.interrupted = true;
      break;
    }
    progress.files++;
    const [before, passedBefore] = [progress.bytes, progress.passed];
    let outcome: FileOutcome | null = null;
    try {
      // Another process may be reading the same file into the same store: on a conflict, read on
      // from wherever it got to. Each try gets further (the other commits what it read), but not forever.
      for (let tries = 1; ; tries++) {
        try {
          outcome = await ingestFile(file, store, parser, opts, progress, result.read);
          break;
        } catch (err) {
          if (!(err instanceof Conflict)) throw err;
          if (tries === MAX_CONFLICTS) throw new UserError(`${file.path}: another process kept reading it into the same store (${tries} tries); run again when it is done`);
          [progress.bytes, progress.passed] = [before, passedBefore]; // the file's bytes are counted afresh
        }
      }
    } catch (err) {
      if (err instanceof UserError) throw err;
      // A file that cannot be read (an errno, a zlib code, or one of ours) is said, and the rest read;
      // anything else is a bug (here or in a parsing worker), not a problem with this file.
      if (!isFileProblem(err)) {
        const e = err as Error;
        throw new InternalError(`internal error while reading ${file.path}: ${e?.message ?? e}`, e instanceof InternalError ? e.detail : e?.stack);
      }
      result.problems.push({ path: file.path, reason: errorText(err) });
    }
    // A file ended counts whole, whatever of it was not read (it failed, or was stored already).
    const size = sizes[i] ?? null;
    if (size !== null && progress.bytes < before + size && !outcome?.interrupted) {
      progress.passed += before + size - progress.bytes;
      progress.bytes = before + size;
    }
    if (!outcome) continue;
    result.files++; // opened and read
    result.rowsAdded += outcome.rowsAdded;
    const totals = store.files([outcome.fileId])[0];
    result.records += totals.records;
    result.ignored += totals.ignored + outcome.tentative.ignored;
    result.skipped += totals.skipped + outcome.tentative.skipped;
    result.blank += totals.blank;
    if (result.samples.length < MAX_SKIP_SAMPLES) {
      const samples = [...store.samples(outcome.fileId), ...outcome.tentative.samples];
      for (const s of samples.slice(0, MAX_SKIP_SAMPLES - result.samples.length)) result.samples.push({ file: file.path, ...s });
    }
    if (outcome.interrupted) {
      result.interrupted = true;
      break;
    }
  }
  } finally {
    await parser.close();
  }
  return result;
}

interface FileOutcome {
  fileId: number;
  rowsAdded: number;
  interrupted: boolean;
  // Counted in this run but not stored: the last line of a file still being written, a gzip cut short.
  tentative: { ignored: number; skipped: number; samples: Array<{ line: number; reason: string }> };
}

/** What the chunks read since the last commit add up to. */
class Pending {
  rows: ChunkResult['rows'] = [];
  packed: Array<PackedRows | SerializedRows> = [];
  packedRows = 0;
  cells: FlatCells = [];
  counted = 0;
  ignored = 0;
  skipped = 0;
  blank = 0;
  samples: Array<{ line: number; reason: string }> = [];
  skippedBy: Record<string, number> = {};
  lines = 0;
  bytes = 0;

  /** Rows read: as objects, packed, or only counted into cells. */
  get records(): number {
    return this.rows.length + this.packedRows + this.counted;
  }

  add(r: ChunkResult): void {
    for (const [k, n] of Object.entries(r.skippedBy)) this.skippedBy[k] = (this.skippedBy[k] ?? 0) + n;
    for (const row of r.rows) this.rows.push(row);
    if (r.packed !== null && r.packed.rows > 0) {
      this.packed.push(r.packed);
      this.packedRows += r.packed.rows;
    }
    for (const v of r.cells) this.cells.push(v);
    this.counted += r.counted;
    this.ignored += r.ignored;
    this.skipped += r.skipped;
    this.blank += r.blank;
    if (this.samples.length < MAX_SKIP_SAMPLES) this.samples.push(...r.samples.slice(0, MAX_SKIP_SAMPLES - this.samples.length));
    this.lines += r.lines;
    this.bytes += r.bytes;
  }
}

async function ingestFile(
  file: SourceFile,
  store: RowSink,
  parser: Parser,
  opts: IngestOptions,
  progress: ReadProgress,
  read: ReadCounts,
): Promise<FileOutcome> {
  const readBytes = store.packs ? READ_BYTES_WRITING : READ_BYTES;
  // Identify the file by its first bytes (decoded), so that a rotated or moved file is read on from
  // where it was left and a replaced one is read anew.
  let size = Number.POSITIVE_INFINITY; // unknown for stdin and gzip: their content is not their size
  let head: Buffer | null = null;
  let plain = false;
  let gzipped = false;
  if (!file.stdin) {
    const st = await fsp.stat(file.path);
    if (st.isDirectory()) throw new FileProblem('is a directory');
    if (st.isFile()) {
      head = await headBytes(file.path, FINGERPRINT_BYTES);
      plain = !isGzip(head);
      gzipped = !plain;
      if (plain) size = st.size;
    }
  }
  let stream: AsyncIterator<Buffer> | null = null;
  let buffered: Buffer[] = [];
  const onDisk = { bytes: 0 }; // bytes read from the file as it is on disk (gzip: compressed)
  const bytesBefore = progress.bytes;
  if (!plain) {
    // Gzip, stdin, FIFOs: read the decoded start from the stream itself, and keep it for what follows.
    stream = contentBytes(file, readBytes, onDisk)[Symbol.asyncIterator]();
    let have = 0;
    while (have < FINGERPRINT_BYTES) {
      const r = await stream.next();
      if (r.done) break;
      buffered.push(r.value);
      have += r.value.length;
    }
    head = Buffer.concat(buffered).subarray(0, FINGERPRINT_BYTES);
  }
  const start = head!;
  const hash = (len: number) => createHash('sha1').update(start.subarray(0, len)).digest('hex');
  let state: FileState = store.claimFile(file.path, size, start.length, hash, gzipped);
  const outcome: FileOutcome = { fileId: state.id, rowsAdded: 0, interrupted: false, tentative: { ignored: 0, skipped: 0, samples: [] } };
  if (plain && state.consumed >= size) return outcome; // nothing new
  if (plain) {
    // Read on from the recorded offset: what comes before it is done, by an earlier run.
    progress.bytes += state.consumed;
    progress.passed += state.consumed;
  }

  // Bytes from the file's recorded offset on.
  const source: AsyncIterable<Buffer> = plain ? plainBytes(file.path, state.consumed, readBytes) : skipBytes(buffered, stream!, state.consumed);
  buffered = [];

  let pending = new Pending();
  const commit = () => {
    const stored = store.commitBatch(
      state,
      pending.rows,
      pending.samples,
      {
        consumed: state.consumed + pending.bytes,
        lines: state.lines + pending.lines,
        size: Number.isFinite(size) ? size : state.consumed + pending.bytes,
        records: pending.records,
        ignored: pending.ignored,
        skipped: pending.skipped,
        blank: pending.blank,
      },
      pending.cells,
      pending.packed,
    );
    if (stored === null) throw new Conflict();
    read.lines += pending.lines;
    read.records += pending.records;
    read.ignored += pending.ignored;
    for (const [k, n] of Object.entries(pending.skippedBy)) read.skippedBy[k] = (read.skippedBy[k] ?? 0) + n;
    outcome.rowsAdded += stored;
    progress.rows += stored;
    state = {
      ...state,
      consumed: state.consumed + pending.bytes,
      lines: state.lines + pending.lines,
      records: state.records + stored,
      skipped: state.skipped + pending.skipped,
    };
    pending = new Pending();
  };

  // A binary file (a NUL byte in its first kilobyte) is one skip, not one "invalid JSON" per line.
  if (state.consumed === 0 && start.includes(0)) {
    if (opts.strict) throw new UserError(`${file.path}:1: ${NOT_TEXT}`);
    let bytes = plain ? size : 0;
    if (!plain) for await (const b of source) bytes += b.length;
    Object.assign(pending, { bytes, skipped: 1, samples: [{ line: 1, reason: NOT_TEXT }], skippedBy: { [NOT_TEXT]: 1 } });
    commit();
    return outcome;
  }

  // Chunks are parsed in order of the file, several at once; each result is taken in that order.
  type Queued = { job: ChunkJob; result: Promise<ChunkResult> } | { overlong: ChunkResult };
  const queue: Queued[] = [];
  let nextLine = state.lines; // lines before the next chunk read
  let atStart = state.consumed === 0;
  const open: { carry: { bytes: Buffer; line: number } | null } = { carry: null }; // to be read with the next chunk
  let nextByte = state.consumed; // the offset in a plain file of the next chunk read
  const job = (bytes: Buffer, lines: number, final: boolean): ChunkJob => {
    const j: ChunkJob = {
      file: file.path, firstLine: nextLine, atStart, bytes, at: plain ? nextByte : null, length: bytes.length, final, strict: opts.strict === true,
      holdBackText: !store.temporary, cells: store.cellFilter, pack: store.packs,
    };
    nextLine += lines;
    nextByte += bytes.length;
    atStart = false;
    return j;
  };
  const take = async (): Promise<boolean> => {
    const q = queue.shift()!;
    const r = 'overlong' in q ? q.overlong : await q.result;
    if (r.error !== null) throw new UserError(r.error);
    pending.add(r);
    for (const p of r.providers) read.providers.add(p);
    outcome.tentative.skipped += r.tentative.skipped;
    outcome.tentative.samples.push(...r.tentative.samples);
    // Progress in bytes on disk: a gzip file's compressed bytes read so far (the reading runs a little ahead).
    if (plain) progress.bytes += r.bytes;
    else progress.bytes = bytesBefore + onDisk.bytes;
    collect(r.bytes, mainWrites(store) ? EVERY_BYTES_WRITING : undefined);
    if (r.open) {
      // A multi-line value runs past this chunk: read it again together with the next one, whose
      // result (read as if nothing were open) is dropped.
      const rest = Buffer.from(bytesOf((q as { job: ChunkJob }).job)).subarray(r.open.byte);
      const next = queue.findIndex((x) => 'job' in x);
      if (next >= 0) {
        const n = queue[next] as { job: ChunkJob; result: Promise<ChunkResult> };
        const bytes = Buffer.concat([rest, bytesOf(n.job)]);
        const merged: ChunkJob = { ...n.job, firstLine: r.open.line - 1, bytes, at: null, length: bytes.length };
        n.result.catch(() => {}); // read as if nothing were open: dropped
        queue[next] = { job: merged, result: parser.parse(merged) };
      } else open.carry = { bytes: rest, line: r.open.line - 1 };
    }
    if (pending.records >= BATCH_ROWS && !r.open) {
      commit();
      opts.onProgress?.(progress);
      if (opts.shouldStop?.()) return false;
    }
    return true;
  };

  try {
    for await (const c of rawChunks(source, plain)) {
      if (c.kind === 'overlong') {
        queue.push({ overlong: overlongResult(opts.strict === true, file.path, nextLine + 1, c.bytes) });
        nextLine++;
        nextByte += c.bytes;
      } else {
        let j = { ...job(c.bytes, c.lines, c.final), following: c.following };
        if (open.carry) {
          const bytes = Buffer.concat([open.carry.bytes, c.bytes]);
          j = { ...j, firstLine: open.carry.line, bytes, at: null, length: bytes.length };
          open.carry = null;
        }
        queue.push({ job: j, result: parser.parse(j) });
      }
      while (queue.length >= parser.window && open.carry === null) {
        if (!(await take())) {
          outcome.interrupted = true;
          return outcome;
        }
      }
    }
  } catch (err) {
    // A gzip file cut short (or corrupt) still gives every record before the cut; the cut itself is
    // counted as skipped, but not stored, so that a re-run counts it once again rather than twice.
    const code = (err as NodeJS.ErrnoException).code;
    if (!(typeof code === 'string' && code.startsWith('Z_'))) throw err;
    while (queue.length > 0) await take();
    const line = nextLine + 1;
    if (opts.strict) throw new UserError(`${file.path}:${line}: truncated or corrupt gzip data`);
    outcome.tentative.skipped++;
    outcome.tentative.samples.push({ line, reason: 'truncated or corrupt gzip data' });
  }
  while (queue.length > 0) await take();
  commit();
  opts.onProgress?.(progress);
  return outcome;
}

function overlongResult(strict: boolean, file: string, line: number, bytes: number): ChunkResult {
  const skip = { line, reason: 'line too long' };
  return {
    rows: [], packed: null, cells: [], providers: [], counted: 0, ignored: 0, skipped: 1, blank: 0, samples: [skip], lines: 1, bytes,
    tentative: { skipped: 0, samples: [] }, skippedBy: { 'line too long': 1 }, open: null, error: strict ? `${file}:${line}: line too long` : null,
  };
}

/** The stream with its first `n` bytes dropped (`buffered` were already read from it). */
async function* skipBytes(buffered: Buffer[], rest: AsyncIterator<Buffer>, n: number): AsyncGenerator<Buffer> {
  let toSkip = n;
  const take = function* (b: Buffer) {
    if (toSkip >= b.length) {
      toSkip -= b.length;
      return;
    }
    yield toSkip > 0 ? b.subarray(toSkip) : b;
    toSkip = 0;
  };
  for (const b of buffered) yield* take(b);
  for (let r = await rest.next(); !r.done; r = await rest.next()) yield* take(r.value);
}
