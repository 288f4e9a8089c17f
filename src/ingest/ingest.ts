// The ingest pipeline for one run: paths -> files -> lines -> JSON values -> rows -> store, in batches
// committed together with each file's offset, so that a kill at any moment loses nothing and a re-run
// adds exactly what is new.
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { UserError, type Row, type SkipSample } from '../model.js';
import type { FileState, RowSink } from '../store/store.js';
import { Framer, type FrameSink } from './framer.js';
import { splitLines } from './lines.js';
import { readValue, type RecordSink } from './shapes.js';
import { parseTextLine } from './textlog.js';
import { contentBytes, errorText, expandPaths, headBytes, isGzip, type SourceFile, type SourceProblem } from './sources.js';

const FINGERPRINT_BYTES = 1024;
const BATCH_ROWS = 20_000;
const MAX_SAMPLES = 20;

export interface IngestOptions {
  strict?: boolean;
  /** Asked after every batch: true stops the run there (SIGINT). */
  shouldStop?: () => boolean;
  onProgress?: (p: { files: number; bytes: number; rows: number }) => void;
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
  interrupted: boolean;
}

class Conflict extends Error {}

export async function ingestPaths(paths: string[], store: RowSink, opts: IngestOptions = {}): Promise<IngestResult> {
  const { files, problems } = await expandPaths(paths);
  const result: IngestResult = {
    files: 0, rowsAdded: 0, records: 0, ignored: 0, skipped: 0, blank: 0, samples: [], problems, interrupted: false,
  };
  const progress = { files: 0, bytes: 0, rows: 0 };
  for (const file of files) {
    if (opts.shouldStop?.()) {
      result.interrupted = true;
      break;
    }
    result.files++;
    progress.files++;
    let outcome: FileOutcome | null = null;
    try {
      // Another process may be reading the same file into the same store: on a conflict, read on
      // from wherever it got to.
      for (;;) {
        try {
          outcome = await ingestFile(file, store, opts, progress);
          break;
        } catch (err) {
          if (!(err instanceof Conflict)) throw err;
        }
      }
    } catch (err) {
      if (err instanceof UserError) throw err;
      result.problems.push({ path: file.path, reason: errorText(err) });
    }
    if (!outcome) continue;
    result.rowsAdded += outcome.rowsAdded;
    const totals = store.files([outcome.fileId])[0];
    result.records += totals.records;
    result.ignored += totals.ignored + outcome.tentative.ignored;
    result.skipped += totals.skipped + outcome.tentative.skipped;
    result.blank += totals.blank;
    if (result.samples.length < MAX_SAMPLES) {
      const samples = [...store.samples(outcome.fileId), ...outcome.tentative.samples];
      for (const s of samples.slice(0, MAX_SAMPLES - result.samples.length)) result.samples.push({ file: file.path, ...s });
    }
    if (outcome.interrupted) {
      result.interrupted = true;
      break;
    }
  }
  return result;
}

interface FileOutcome {
  fileId: number;
  rowsAdded: number;
  interrupted: boolean;
  // Counted in this run but not stored: the last line of a file still being written.
  tentative: { ignored: number; skipped: number; samples: Array<{ line: number; reason: string }> };
}

/** Collects what the framer and the record shapes make of one file's lines, batch by batch. */
class FileBatch implements FrameSink, RecordSink {
  rows: Row[] = [];
  records = 0;
  ignoredCount = 0;
  skippedCount = 0;
  blankCount = 0;
  samples: Array<{ line: number; reason: string }> = [];
  readonly framer = new Framer(this);

  constructor(
    private readonly file: string,
    private readonly strict: boolean,
  ) {}

  value(value: unknown, line: number): void {
    readValue(value, this.file, line, this);
  }
  /** A line of VT Code's text debug log. */
  text(line: string, lineNo: number): boolean {
    const record = parseTextLine(line);
    if (record === null) return false;
    readValue(record, this.file, lineNo, this);
    return true;
  }
  row(row: Row): void {
    this.rows.push(row);
  }
  ignored(): void {
    this.ignoredCount++;
  }
  blank(): void {
    this.blankCount++;
  }
  skipped(line: number, reason: string): void {
    if (this.strict) throw new UserError(`${this.file}:${line}: ${reason}`);
    this.skippedCount++;
    if (this.samples.length < MAX_SAMPLES) this.samples.push({ line, reason });
  }
  reset(): void {
    this.rows = [];
    this.ignoredCount = this.skippedCount = this.blankCount = 0;
    this.samples = [];
  }
}

async function ingestFile(
  file: SourceFile,
  store: RowSink,
  opts: IngestOptions,
  progress: { files: number; bytes: number; rows: number },
): Promise<FileOutcome> {
  // Identify the file by its first bytes (decoded), so that a rotated or moved file is read on from
  // where it was left and a replaced one is read anew.
  let size = Number.POSITIVE_INFINITY; // unknown for stdin and gzip: their content is not their size
  let head: Buffer;
  let plain = false;
  if (!file.stdin) {
    const st = await fsp.stat(file.path);
    if (st.isDirectory()) throw new Error('is a directory');
    if (st.isFile()) {
      head = await headBytes(file.path, FINGERPRINT_BYTES);
      plain = !isGzip(head);
      if (plain) size = st.size;
    }
  }
  let stream: AsyncIterator<Buffer> | null = null;
  let buffered: Buffer[] = [];
  if (!plain) {
    // Gzip and stdin: read the decoded start from the stream itself, and keep it for the reading below.
    stream = contentBytes(file)[Symbol.asyncIterator]();
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
  let state: FileState = store.claimFile(file.path, size, start.length, hash);
  const outcome: FileOutcome = { fileId: state.id, rowsAdded: 0, interrupted: false, tentative: { ignored: 0, skipped: 0, samples: [] } };
  if (plain && state.consumed >= size) return outcome; // nothing new

  // Bytes from the file's recorded offset on.
  const source: AsyncIterable<Buffer> = plain
    ? contentBytes(file, state.consumed)
    : skipBytes(buffered, stream!, state.consumed);
  buffered = [];

  const batch = new FileBatch(file.path, opts.strict === true);
  let line = state.lines; // lines read before this batch
  let offset = state.consumed; // bytes read before this batch
  let readLines = 0; // lines and bytes read since the last commit
  let readBytes = 0;
  const commit = () => {
    const stored = store.commitBatch(state, batch.rows, batch.samples, {
      consumed: offset + readBytes,
      lines: line + readLines,
      size: Number.isFinite(size) ? size : offset + readBytes,
      records: batch.rows.length,
      ignored: batch.ignoredCount,
      skipped: batch.skippedCount,
      blank: batch.blankCount,
    });
    if (stored === null) throw new Conflict();
    outcome.rowsAdded += stored;
    progress.rows += stored;
    state = {
      ...state,
      consumed: offset + readBytes,
      lines: line + readLines,
      records: state.records + stored,
      skipped: state.skipped + batch.skippedCount,
    };
    offset += readBytes;
    line += readLines;
    readBytes = readLines = 0;
    batch.reset();
  };

  try {
    for await (const chunk of splitLines(source, state.consumed === 0)) {
      if (chunk.kind === 'lines') {
        for (const text of chunk.lines) batch.framer.line(text, line + ++readLines);
      } else if (chunk.kind === 'overlong') {
        readLines++;
        batch.skipped(line + readLines, 'line too long');
      } else {
        // The last line, with no line break: a line still being written is read next time, complete.
        // Into a kept store, a text line is always left for next time: cut short, it may still parse.
        if (!store.temporary && batch.framer.idle && !/^\s*[{[]/.test(chunk.line)) {
          progress.bytes += chunk.bytes;
          continue;
        }
        const wasIdle = batch.framer.idle;
        const before = { rows: batch.rows.length, skipped: batch.skippedCount, samples: batch.samples.length };
        batch.framer.line(chunk.line, line + readLines + 1);
        const onlySkipped = batch.rows.length === before.rows && batch.skippedCount > before.skipped;
        if (wasIdle && batch.framer.idle && onlySkipped) {
          outcome.tentative.skipped += batch.skippedCount - before.skipped;
          outcome.tentative.samples.push(...batch.samples.slice(before.samples));
          batch.skippedCount = before.skipped;
          batch.samples.length = before.samples;
          progress.bytes += chunk.bytes;
          continue;
        }
        readLines++;
      }
      readBytes += chunk.bytes;
      progress.bytes += chunk.bytes;
      if (batch.framer.idle && batch.rows.length >= BATCH_ROWS) {
        commit();
        opts.onProgress?.(progress);
        if (opts.shouldStop?.()) {
          outcome.interrupted = true;
          return outcome;
        }
      }
    }
  } catch (err) {
    // A gzip file cut short (or corrupt) still gives every record before the cut; the cut itself is
    // counted as skipped, but not stored, so that a re-run counts it once again rather than twice.
    if (!(typeof (err as NodeJS.ErrnoException).code === 'string' && (err as NodeJS.ErrnoException).code!.startsWith('Z_'))) throw err;
    if (opts.strict) throw new UserError(`${file.path}:${line + readLines + 1}: truncated or corrupt gzip data`);
    outcome.tentative.skipped++;
    outcome.tentative.samples.push({ line: line + readLines + 1, reason: 'truncated or corrupt gzip data' });
  }
  batch.framer.end();
  commit();
  opts.onProgress?.(progress);
  return outcome;
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
