// Parsing off the main thread: a few worker threads run parseChunk (chunk.ts), the main thread reads
// files and writes the store. Small inputs are parsed in place: starting workers costs more than it saves.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { addedFormats } from '../formats/index.js';
import { debugging, InternalError } from '../model.js';
import { parseChunk, type ChunkJob, type ChunkResult } from './chunk.js';
import { bytesOf } from './sources.js';

export interface Parser {
  parse(job: ChunkJob): Promise<ChunkResult>;
  /** How many chunks to have under way at once. */
  readonly window: number;
  close(): Promise<void>;
}

export const inline: Parser = {
  parse: async (job) => parseChunk(job),
  window: 1,
  close: async () => {},
};

/**
 * Workers for `bytes` of input: VTCODE_ERRORS_WORKERS sets how many (0: none), else one per core.
 * Each has 4 chunks in hand, so that none waits while the main thread reads, collects garbage or
 * commits a batch to a store (one chunk more each, n + 1 in all, left them idle 13% of a one-shot
 * run; moving the chunks to them rather than copying them made the room in memory).
 * `mainWrites`: the main thread writes a store: the workers give it way when there are fewer cores
 * than threads (its writing is the longest path through a run).
 */
export function parserFor(bytes: number, mainWrites: boolean): Parser {
  const env = process.env.VTCODE_ERRORS_WORKERS;
  const n = env !== undefined && env !== '' ? Number(env) : bytes >= 16 * 1024 * 1024 ? Math.min(4, availableParallelism()) : 0;
  return Number.isInteger(n) && n > 0 ? new WorkerPool(n, 4 * n, mainWrites) : inline;
}

class WorkerPool implements Parser {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { worker: number; job: ChunkJob; resolve: (r: ChunkResult) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  readonly window: number;

  constructor(
    n: number,
    window: number,
    private readonly behindMain: boolean,
  ) {
    this.window = window;
    for (let i = 0; i < n; i++) this.workers.push(this.start(i));
  }

  // Small heaps keep memory flat; a chunk too big for them (a huge pretty-printed document) makes its
  // worker run out of memory, and then that worker's chunks are parsed here instead and it is replaced.
  private start(slot: number): Worker {
    const w = new Worker(new URL('./worker.js', import.meta.url), {
      workerData: { behindMain: this.behindMain, formats: addedFormats() }, // a user's format files (--formats) too
      resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 24 },
    });
    w.on('message', (m: { id: number; result?: ChunkResult; error?: string; stack?: string }) => {
      const p = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      // parseChunk turns every bad input into a skip: an exception from it is a bug.
      if (m.error !== undefined) p?.reject(new InternalError(m.error, m.stack));
      else p?.resolve(m.result!);
    });
    w.on('error', (err) => {
      if (debugging()) process.stderr.write(`vtcode-errors: parsing worker ${slot} stopped (${err.message}); its chunks are parsed in the main thread\n`);
      for (const [id, p] of this.waiting) {
        if (p.worker !== slot) continue;
        this.waiting.delete(id);
        try {
          p.resolve(parseChunk({ ...p.job, bytes: bytesOf(p.job) })); // (moved bytes are read again)
        } catch (err) {
          p.reject(err as Error);
        }
      }
      this.workers[slot] = this.start(slot);
    });
    return w;
  }

  parse(job: ChunkJob): Promise<ChunkResult> {
    const id = this.nextId++;
    // To the worker with the fewest bytes under way (chunks differ much in size).
    const load = this.workers.map(() => 0);
    for (const p of this.waiting.values()) load[p.worker] += p.job.length; // (moved bytes read 0)
    const worker = load.indexOf(Math.min(...load));
    // Bytes that can be read again are moved, not copied: no copy to make, and none left behind whose
    // memory only a full collection gives back (a pooled Buffer's memory is shared: it is copied).
    const move = job.at !== null && job.bytes.buffer.byteLength > Buffer.poolSize;
    const result = new Promise<ChunkResult>((resolve, reject) => {
      this.waiting.set(id, { worker, job, resolve, reject });
      this.workers[worker].postMessage({ id, job }, move ? [job.bytes.buffer as ArrayBuffer] : []);
    });
    // When a run stops at the first failed chunk, the chunks still under way fail too, unawaited:
    // handled here, so that they do not end the process as unhandled rejections.
    result.catch(() => {});
    return result;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
