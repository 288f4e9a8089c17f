// V8 lets garbage pile up to its heap limits before collecting it, so a long run's memory grows with
// its input although nothing is kept. Collecting every so many bytes read keeps it flat; it costs a
// few milliseconds each time, on a heap that holds little. (Only the main thread collects: the
// workers' heaps are capped instead, pool.ts.)
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const EVERY_BYTES = 8 * 1024 * 1024;

/**
 * Bytes read between collections when the run writes a store: twice as many (its collections cost
 * more; --db ran 1.8% faster at 5 MiB more peak, where one-shot runs gained 20 MiB for as little).
 */
export const EVERY_BYTES_WRITING = 16 * 1024 * 1024;

let gc: (() => void) | null = null;

/** Counts bytes read, and collects garbage after each `every` (EVERY_BYTES) of them. */
export function garbageCollector(): (bytes: number, every?: number) => void {
  // V8's gc() is exposed when a run that reads begins, not when this module is imported.
  if (gc === null) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  const collect = gc;
  let since = 0;
  return (bytes, every = EVERY_BYTES) => {
    since += bytes;
    if (since >= every) {
      since = 0;
      collect();
    }
  };
}
