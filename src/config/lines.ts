// Where a key of a loaded config sits in its file, for findings about a config that is valid but
// questionable (gen-alerts' short windows, `lint`): the file is read again, as validate.ts reads it.
import { readFileSync } from 'node:fs';
import { isMap, isScalar, LineCounter, parseDocument, type Node } from 'yaml';
import type { Config } from './types.js';

const cache = new Map<string, (path: readonly string[]) => number | null>();

/** The line of the key at `path` (['alerts', 'auth_failures', 'window']), or null: not in the file, or no file. */
export function keyLine(config: Config, path: readonly string[]): number | null {
  if (config.source === null) return null;
  let lookup = cache.get(config.source);
  if (!lookup) {
    let text = '';
    try {
      text = readFileSync(config.source, 'utf8').replace(/^\uFEFF/, '');
    } catch {
      // gone since it was loaded: findings then name the key without a line
    }
    const lc = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lc });
    lookup = (p) => {
      let node: unknown = doc.contents;
      let key: Node | null = null;
      for (const part of p) {
        if (!isMap(node)) return null;
        const pair = node.items.find((i) => isScalar(i.key) && i.key.value === part);
        if (!pair) return null;
        key = pair.key as Node;
        node = pair.value;
      }
      const at = key?.range?.[0];
      return at === undefined ? null : lc.linePos(at).line;
    };
    cache.set(config.source, lookup);
  }
  return lookup(path);
}

/** The line of the key at `path`, else of its nearest parent in the file (the alert entry of a default `for`). */
export function nearestLine(config: Config, path: readonly string[]): number | null {
  for (let n = path.length; n > 0; n--) {
    const line = keyLine(config, path.slice(0, n));
    if (line !== null) return line;
  }
  return null;
}
