// One chunk of a file's bytes (whole lines) -> rows, counts and samples. A pure function, run in a
// worker thread (worker.ts) or on the main thread: everything from decoding to classification.
import { Cells, type FlatCells, type RowFilter } from '../cells.js';
import { isMainThread } from 'node:worker_threads';
import { MAX_SKIP_SAMPLES, type Row } from '../model.js';
import { emptyPacked, pushRow, type PackedRows, type SerializedRows } from '../store/packed.js';
import { Framer, type FrameSink } from './framer.js';
import { readValue, type RecordSink } from './shapes.js';
import { parseTextLine, startsTextLine } from './textlog.js';

export interface ChunkJob {
  file: string;
  firstLine: number; // lines of the file before this chunk
  atStart: boolean; // the chunk starts the file (a BOM is dropped)
  bytes: Uint8Array; // whole lines, and on the final chunk perhaps a last line with no line break
  /**
   * Where `bytes` start in a plain file, when they can be read from it again: a worker is then given
   * them rather than a copy (pool.ts), and the main thread reads them again if it needs them after
   * (sources.ts bytesOf). Null for gzip and stdin.
   */
  at: number | null;
  length: number; // bytes.length when the job was made (moved bytes read 0)
  final: boolean; // the end of the file: a value still open is cut short
  /** Not final: the start of the line after the chunk, or null when no line that can be read follows. */
  following?: string | null;
  strict: boolean;
  holdBackText: boolean; // a last text line with no line break is left for next time (kept stores)
  cells: RowFilter | null; // count rows without a twin key into cells with this filter
  pack: boolean; // return every row packed (store/packed.ts); else return the rows not counted, as objects
}

export interface ChunkResult {
  rows: Row[]; // with `cells`: only the rows that may have a twin in another VT Code artifact
  packed: PackedRows | SerializedRows | null; // with `pack`: every row
  cells: FlatCells;
  providers: string[]; // with a provider filter: every provider seen (cells.ts)
  counted: number; // rows counted into `cells` and not returned
  ignored: number;
  skipped: number;
  blank: number;
  samples: Array<{ line: number; reason: string }>;
  lines: number; // lines read
  bytes: number; // bytes read (a last line left for next time is not)
  tentative: { skipped: number; samples: Array<{ line: number; reason: string }> };
  /** Skipped records by reason (its text up to any detail in parentheses). */
  skippedBy: Record<string, number>;
  /** Not final, and a multi-line value is still open: everything from this line and byte on is unread. */
  open: { line: number; byte: number } | null;
  error: string | null; // --strict: the first malformed record
}

class StrictStop extends Error {}

/** A skip reason without its details, as a label value: `unreadable record (x)` is `unreadable record`. */
const reasonKind = (reason: string): string => reason.replace(/ \(.*$/s, '');

/** Collects what the framer and the record shapes make of lines. */
class Batch implements FrameSink, RecordSink {
  rows: Row[] = [];
  ignoredCount = 0;
  skippedCount = 0;
  blankCount = 0;
  samples: Array<{ line: number; reason: string }> = [];
  skippedBy: Record<string, number> = {};
  error: string | null = null;
  readonly framer = new Framer(this);
  private readonly cells: Cells | null;
  private readonly packed: PackedRows | null;
  counted = 0;

  constructor(
    private readonly file: string,
    private readonly strict: boolean,
    filter: RowFilter | null,
    pack: boolean,
  ) {
    this.cells = filter ? new Cells(filter) : null;
    this.packed = pack ? emptyPacked(!isMainThread) : null;
  }

  /** Rows made so far, however they are kept. */
  get made(): number {
    return this.rows.length + this.counted + (this.packed ? this.packed.rows : 0);
  }

  value(value: unknown, line: number): void {
    this.read(value, line);
  }
  text(line: string, lineNo: number): boolean {
    const record = parseTextLine(line);
    if (record === null) return false;
    this.read(record, lineNo, 'debug');
    return true;
  }
  // One record that cannot be read (JSON nested too deep to serialise again, say) is skipped; the
  // rest of the file is still read.
  private read(value: unknown, line: number, from: 'debug' | null = null): void {
    try {
      readValue(value, this.file, line, this, from);
    } catch (err) {
      if (err instanceof StrictStop) throw err;
      this.skipped(line, err instanceof RangeError ? 'record nested too deeply' : `unreadable record (${(err as Error)?.message ?? err})`);
    }
  }
  row(row: Row): void {
    const count = this.cells !== null && !row.dedup;
    if (count) this.cells!.add(row);
    if (this.packed) pushRow(this.packed, row);
    else if (count) this.counted++;
    else this.rows.push(row);
  }
  ignored(): void {
    this.ignoredCount++;
  }
  blank(): void {
    this.blankCount++;
  }
  skipped(line: number, reason: string): void {
    if (this.strict) {
      this.error = `${this.file}:${line}: ${reason}`;
      throw new StrictStop();
    }
    this.skippedCount++;
    const kind = reasonKind(reason);
    this.skippedBy[kind] = (this.skippedBy[kind] ?? 0) + 1;
    if (this.samples.length < MAX_SKIP_SAMPLES) this.samples.push({ line, reason });
  }
  result(lines: number, bytes: number, open: ChunkResult['open']): ChunkResult {
    return {
      rows: this.rows, packed: this.packed, cells: this.cells ? this.cells.flat() : [], providers: this.cells ? [...this.cells.seen] : [], counted: this.counted, ignored: this.ignoredCount,
      skipped: this.skippedCount, blank: this.blankCount, samples: this.samples, lines, bytes,
      tentative: { skipped: 0, samples: [] }, skippedBy: this.skippedBy, open, error: this.error,
    };
  }
}

// Test hook: a bug in the parser, to prove that one is said as a bug (exit 70), not as a bad file.
const INJECTED_FAULT = process.env.VTCODE_ERRORS_TEST_FAULT === 'parse';

export function parseChunk(job: ChunkJob): ChunkResult {
  if (INJECTED_FAULT) throw new TypeError('injected fault (VTCODE_ERRORS_TEST_FAULT=parse)');
  const buf = Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength);
  // Decoded line by line: one short string per line is far cheaper to make than one string of the
  // whole chunk (a large string, and UTF-8 for all of it when one line has a byte >= 0x80).
  // Invalid UTF-8 sequences become U+FFFD.
  const from = job.atStart && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0; // a BOM
  const lastBreak = buf.lastIndexOf(10);
  let batch = new Batch(job.file, job.strict, job.cells, job.pack);
  try {
    const lines = readLines(batch, buf, from, lastBreak, job.firstLine, Infinity);
    if (!job.final) {
      // A text record open at the end is complete unless the next chunk may go on with it.
      if (job.following == null || startsTextLine(job.following)) batch.framer.endText();
      const openedAt = batch.framer.openedAt;
      if (openedAt === null) return batch.result(lines, buf.length, null);
      const before = openedAt - job.firstLine - 1;
      if (batch.framer.textOpenedAt !== null) {
        // Nothing of it was read yet: it is read with the next chunk.
        const byte = Math.max(from, nthLineStart(buf, before));
        return batch.result(before, byte, { line: openedAt, byte });
      }
      // Read again only the lines before the open value, so that nothing in it is counted twice.
      batch = new Batch(job.file, job.strict, job.cells, job.pack);
      readLines(batch, buf, from, lastBreak, job.firstLine, before);
      batch.framer.endText(); // a text line just before the value: complete
      const byte = nthLineStart(buf, before);
      return batch.result(before, byte, { line: openedAt, byte });
    }
    // The piece after the last line break: empty, or (final chunk) a last line with no line break.
    return finish(batch, job, lines, buf, Math.max(from, lastBreak + 1));
  } catch (err) {
    if (err instanceof StrictStop) return batch.result(0, 0, null);
    throw err;
  }
}

/** Hands up to `max` lines of buf[from, lastBreak] to the framer; returns how many it handed. */
function readLines(batch: Batch, buf: Buffer, from: number, lastBreak: number, firstLine: number, max: number): number {
  let n = 0;
  for (let start = from; start <= lastBreak && n < max; n++) {
    const nl = buf.indexOf(10, start);
    batch.framer.line(lineText(buf, start, nl), firstLine + n + 1);
    start = nl + 1;
  }
  return n;
}

/** The text of buf[start, end), without a trailing carriage return. */
function lineText(buf: Buffer, start: number, end: number): string {
  return buf.toString('utf8', start, end > start && buf[end - 1] === 13 ? end - 1 : end);
}

// The end of a file: its last line (if it has no line break), then whatever value is still open.
function finish(batch: Batch, job: ChunkJob, lines: number, buf: Buffer, partialAt: number): ChunkResult {
  const bytes = buf.length;
  if (partialAt >= bytes) {
    batch.framer.end();
    return batch.result(lines, bytes, null);
  }
  const lineNo = job.firstLine + lines + 1;
  const partialBytes = bytes - partialAt;
  const line = lineText(buf, partialAt, bytes);
  const framer = batch.framer;
  if (framer.continues(line)) {
    // The line goes on with the text record before it: into a kept store, all of it is read next time.
    if (job.holdBackText) {
      const start = framer.textOpenedAt! - job.firstLine - 1;
      return batch.result(start, nthLineStart(buf, start), null);
    }
  } else framer.endText();
  // A line still being written is read next time, complete: into a kept store, a text line always
  // (cut short, it may still parse), and any line that gives nothing but a skip.
  if (job.holdBackText && framer.idle && !/^\s*[{[]/.test(line)) return batch.result(lines, bytes - partialBytes, null);
  const wasIdle = framer.idle;
  const before = { rows: batch.made, skipped: batch.skippedCount, samples: batch.samples.length };
  framer.line(line, lineNo);
  framer.endText(); // the end of the input: a text record is complete
  const onlySkipped = batch.made === before.rows && batch.skippedCount > before.skipped;
  if (wasIdle && framer.idle && onlySkipped) {
    const result = batch.result(lines, bytes - partialBytes, null);
    result.tentative = { skipped: batch.skippedCount - before.skipped, samples: batch.samples.slice(before.samples) };
    result.skipped = before.skipped;
    result.samples = batch.samples.slice(0, before.samples);
    return result;
  }
  framer.end();
  return batch.result(lines + 1, bytes, null);
}

/** The byte offset at which line `n` (0-based) of the buffer starts. */
function nthLineStart(buf: Buffer, n: number): number {
  let at = 0;
  for (let i = 0; i < n; i++) at = buf.indexOf(10, at) + 1;
  return at;
}
