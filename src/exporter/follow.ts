// Following log files for `serve`: every poll, the paths are expanded again (new files in watched
// directories are read from their first line), each file whose size, modification time or identity
// changed is read on from its stored offset by the same ingest as `ingest --db` (same file identity,
// rotation and offset rules), and what was committed is counted into the live counters.
//
// Polling, not file-system events: it works the same on every file system (NFS, container volumes,
// Kubernetes shared volumes), it sees copy-truncate rotation (a truncation raises no event on some of
// them), and one stat per file per second costs nothing next to parsing.
import type { Statement } from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { FINGERPRINT_BYTES, ingestPaths, type IngestResult } from '../ingest/ingest.js';
import { contentBytes, errorText, expandPaths, headBytes, isGzip, type SourceFile, type SourceProblem } from '../ingest/sources.js';
import type { Row } from '../model.js';
import type { BatchProgress, FileState, RowSink, Store } from '../store/store.js';
import type { LiveCounters } from './live-counters.js';

/** The store with the live counters settled after each commit (counted only once it is committed). */
class CountingSink implements RowSink {
  readonly temporary = false;
  readonly packs = false;
  readonly cellFilter = null;
  constructor(
    private readonly store: Store,
    private readonly counters: LiveCounters,
  ) {
    store.onStored = (rows) => counters.persist(rows);
    store.gzipCopiesShareOffsets = true;
  }
  claimFile(path: string, size: number, fpLen: number, prefixHash: (len: number) => string, gzip?: boolean): FileState {
    return this.store.claimFile(path, size, fpLen, prefixHash, gzip);
  }
  commitBatch(file: FileState, rows: Row[], samples: Array<{ line: number; reason: string }>, progress: BatchProgress): number | null {
    let stored: number | null = null;
    try {
      stored = this.store.commitBatch(file, rows, samples, progress);
      return stored;
    } finally {
      this.counters.settle(stored !== null);
    }
  }
  files(ids: number[]): FileState[] {
    return this.store.files(ids);
  }
  samples(fileId: number): Array<{ line: number; reason: string }> {
    return this.store.samples(fileId);
  }
}

export interface PollResult {
  files: string[];
  problems: SourceProblem[];
  read: IngestResult['read'];
  rowsAdded: number;
  /** Bytes of the followed plain files not read yet. */
  backlogBytes: number;
}

export class Follower {
  private readonly sink: CountingSink;
  private readonly seen = new Map<string, string>(); // path -> stat signature when last read
  private readonly consumedOf: Statement;
  stopping = false;

  constructor(
    private readonly store: Store,
    counters: LiveCounters,
    private readonly paths: () => Promise<string[]>,
  ) {
    this.sink = new CountingSink(store, counters);
    this.consumedOf = store.db.prepare('SELECT consumed FROM ingested_files WHERE path = ? ORDER BY id DESC LIMIT 1').pluck();
  }

  /** The files the paths name now, and the paths that cannot be read (a missing one is not fatal here). */
  async expand(): Promise<{ files: SourceFile[]; problems: SourceProblem[] }> {
    const { files, problems } = await expandPaths(await this.paths());
    return { files, problems };
  }

  /** One poll: read what is new in every file that changed since it was last read. */
  async poll(): Promise<PollResult> {
    const { files, problems } = await this.expand();
    const changed: string[] = [];
    const stats = new Map<string, { sig: string; size: number }>();
    for (const f of files) {
      const st = await fsp.stat(f.path).catch(() => null);
      if (!st) continue; // vanished since the walk
      const sig = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
      stats.set(f.path, { sig, size: st.size });
      if (this.seen.get(f.path) !== sig) changed.push(f.path);
    }
    for (const path of this.seen.keys()) if (!stats.has(path)) this.seen.delete(path);
    let result: IngestResult | null = null;
    if (changed.length > 0) {
      // Worker threads only for a large backlog, not for the appends of a poll (a gzip file, a rotated
      // copy, counts at eight times its size, as ingest counts it).
      const unread = this.unread(changed, stats, 8);
      result = await ingestPaths(changed, this.sink, { shouldStop: () => this.stopping, unreadBytes: unread });
      const failed = new Set(result.problems.map((p) => p.path));
      // Read up to the size it had before this read (what was appended meanwhile shows next time).
      for (const path of changed) if (!failed.has(path) && !result.interrupted) this.seen.set(path, stats.get(path)!.sig);
      problems.push(...result.problems);
    }
    return {
      files: files.map((f) => f.path),
      problems,
      read: result?.read ?? { lines: 0, records: 0, ignored: 0, skippedBy: {}, providers: new Set() },
      rowsAdded: result?.rowsAdded ?? 0,
      // Sizes as they were before this read: what was appended meanwhile is not read yet.
      backlogBytes: this.unread([...stats.keys()], stats, 0),
    };
  }

  /** Bytes of `paths` not read yet; a gzip file's content size is not its size, so it counts `gzipFactor` times its size. */
  private unread(paths: string[], stats: Map<string, { size: number }>, gzipFactor: number): number {
    let total = 0;
    for (const path of paths) {
      const size = stats.get(path)?.size ?? 0;
      if (/\.gz$/i.test(path)) total += size * gzipFactor;
      else total += Math.max(0, size - ((this.consumedOf.get(path) as number | undefined) ?? 0));
    }
    return total;
  }

  /**
   * --from-end: take every existing file as read up to its last complete line, so that only what is
   * appended from now on counts (mtail's behaviour).
   */
  async skipExisting(): Promise<void> {
    const { files } = await this.expand();
    for (const f of files) {
      try {
        await skipToEnd(this.store, f);
      } catch (err) {
        process.stderr.write(`vtcode-errors: ${f.path}: ${errorText(err)}\n`);
      }
    }
  }
}

async function skipToEnd(store: Store, f: SourceFile): Promise<void> {
  const raw = await headBytes(f.path, 2);
  const gzip = isGzip(raw);
  let head = Buffer.alloc(0);
  let bytes = 0;
  let lastBreak = 0;
  let lines = 0;
  for await (const chunk of contentBytes(f)) {
    if (head.length < FINGERPRINT_BYTES) head = Buffer.concat([head, chunk.subarray(0, FINGERPRINT_BYTES - head.length)]);
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) {
      lines++;
      lastBreak = bytes + i + 1;
    }
    bytes += chunk.length;
  }
  const hash = (len: number) => createHash('sha1').update(head.subarray(0, len)).digest('hex');
  const size = gzip ? Number.POSITIVE_INFINITY : (await fsp.stat(f.path)).size;
  const state = store.claimFile(f.path, size, head.length, hash, gzip);
  if (state.consumed >= lastBreak) return;
  store.commitBatch(state, [], [], {
    consumed: lastBreak, lines, size: Number.isFinite(size) ? size : lastBreak, records: 0, ignored: 0, skipped: 0, blank: 0,
  });
}
