// Parsing off the main thread: a few worker threads run parseChunk (chunk.ts), the main thread reads
// files and writes the store. Small inputs are parsed in place: starting workers costs more than it saves.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { parseChunk, type ChunkJob, type ChunkResult } from './chunk.js';

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

/** Workers for `bytes` of input: VTCODE_ERRORS_WORKERS sets how many (0: none), else one per core. */
export function parserFor(bytes: number): Parser {
  const env = process.env.VTCODE_ERRORS_WORKERS;
  const n = env !== undefined && env !== '' ? Number(env) : bytes >= 16 * 1024 * 1024 ? Math.min(4, availableParallelism()) : 0;
  return Number.isInteger(n) && n > 0 ? new WorkerPool(n) : inline;
}

class WorkerPool implements Parser {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { resolve: (r: ChunkResult) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  readonly window: number;

  constructor(n: number) {
    this.window = n * 2;
    for (let i = 0; i < n; i++) {
      // A small young generation keeps each worker's memory low; chunks are small and short-lived.
      const w = new Worker(new URL('./worker.js', import.meta.url), { resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 64 } });
      w.on('message', (m: { id: number; result?: ChunkResult; error?: string }) => {
        const p = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        if (m.error !== undefined) p?.reject(new Error(m.error));
        else p?.resolve(m.result!);
      });
      w.on('error', (err) => {
        for (const p of this.waiting.values()) p.reject(err);
        this.waiting.clear();
      });
      this.workers.push(w);
    }
  }

  parse(job: ChunkJob): Promise<ChunkResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.workers[id % this.workers.length].postMessage({ id, job });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
