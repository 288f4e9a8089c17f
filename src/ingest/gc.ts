// V8 lets garbage pile up to its heap limits before collecting it, so a long run's memory grows with
// its input although nothing is kept. Collecting every so many bytes read keeps it flat; it costs a
// few milliseconds each time, on a heap that holds little.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const EVERY_BYTES = 8 * 1024 * 1024;

/** Counts bytes read, and collects garbage after each EVERY_BYTES of them. */
export function garbageCollector(): (bytes: number) => void {
  let since = 0;
  return (bytes) => {
    since += bytes;
    if (since >= EVERY_BYTES) {
      since = 0;
      gc();
    }
  };
}
