// A parsing worker thread: chunk jobs in, results out (pool.ts).
import { parentPort } from 'node:worker_threads';
import { parseChunk, type ChunkJob } from './chunk.js';

parentPort!.on('message', ({ id, job }: { id: number; job: ChunkJob }) => {
  try {
    parentPort!.postMessage({ id, result: parseChunk(job) });
  } catch (err) {
    parentPort!.postMessage({ id, error: (err as Error)?.message ?? String(err) });
  }
});
