// Small text helpers that several modules need, each written once.

/**
 * A slug: lower case, every run of other characters one '-', none at either end, cut to `max`
 * characters (and no '-' left at the cut). `file`: also keeps '.' and '_' (a file name; no '.' at either end).
 */
export function slug(text: string, max = Infinity, file = false): string {
  const out = file
    ? text.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '')
    : text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return out.length <= max ? out : out.slice(0, max).replace(file ? /[-.]+$/ : /-+$/, '');
}

/** A copy with the keys of every object sorted (for canonical JSON, and hashes that keys' order cannot move). */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}
