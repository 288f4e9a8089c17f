// A parsing worker thread: chunk jobs in, results out (pool.ts). Packed rows leave as bytes, moved
// rather than copied (store/packed.ts).
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { addFormats, type FormatFile } from '../formats/index.js';
import { serializeRows } from '../store/packed.js';
import { parseChunk, type ChunkJob, type ChunkResult } from './chunk.js';

// Behind the main thread when it writes the store (pool.ts). On Linux this lowers this thread alone.
if ((workerData as { behindMain?: boolean } | null)?.behindMain) {
  try {
    setPriority(0, 10);
  } catch {
    // not allowed here: no matter
  }
}

// Test hook: a worker that dies on a chunk, as one out of memory does (pool.ts parses its chunks instead).
const DIES = process.env.VTCODE_ERRORS_TEST_FAULT === 'worker';

// A user's format files (--formats), checked on the main thread: this thread reads as it does.
addFormats((workerData as { formats?: FormatFile[] } | null)?.formats ?? []);

parentPort!.on('message', ({ id, job }: { id: number; job: ChunkJob }) => {
  if (DIES) throw new Error('injected worker fault (VTCODE_ERRORS_TEST_FAULT=worker)');
  let result: ChunkResult;
  try {
    result = parseChunk(job);
  } catch (err) {
    parentPort!.postMessage({ id, error: (err as Error)?.message ?? String(err), stack: (err as Error)?.stack });
    return;
  }
  const packed = result.packed && 'blocks' in result.packed ? serializeRows(result.packed) : null;
  if (packed) result.packed = packed;
  parentPort!.postMessage({ id, result }, packed ? [packed.bytes.buffer as ArrayBuffer] : []);
});
