// Provider ids: a known id or display label wins; an unknown value is kept lower-cased; only a missing
// provider is inferred (target module path, then API host in the text, then model name). Tables in
// formats/providers.json, then a user's format files.
import { formatFiles, onFormats } from '../formats/index.js';

// Lookup key: lower-case with spaces, dots, dashes and underscores removed, so `LM Studio`,
// `lm-studio` and `lmstudio` meet.
const squash = (s: string) => s.toLowerCase().replace(/[\s._-]+/g, '');

let BY_KEY!: Map<string, string>;
let HOSTS!: Array<{ re: RegExp; id: string }>;
let ANY_HOST!: RegExp;
let MODELS!: Array<{ re: RegExp; id: string }>;

onFormats(() => {
  const files = formatFiles('providers');
  // A key an earlier file defines keeps its id (built-in files come first); within a file, a label
  // may name an id's key again.
  const byKey = new Map<string, string>();
  for (const f of files) {
    const own = new Map<string, string>();
    for (const id of f.ids ?? []) own.set(squash(id), id);
    for (const [label, id] of Object.entries(f.labels ?? {})) own.set(squash(label), id);
    for (const [key, id] of own) if (!byKey.has(key)) byKey.set(key, id);
  }
  BY_KEY = byKey;
  HOSTS = files.flatMap((f) => f.hosts ?? []).map(({ host, id }) => ({
    re: new RegExp(host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + (host.startsWith(':') ? '(?!\\d)' : ''), 'i'),
    id,
  }));
  ANY_HOST = new RegExp(HOSTS.map((h) => h.re.source).join('|'), 'i');
  MODELS = files.flatMap((f) => f.models ?? []).map(({ pattern, id }) => ({ re: new RegExp(pattern, 'i'), id }));
});

/** A known id for a provider string, or null. */
export function knownProvider(value: string): string | null {
  return BY_KEY.get(squash(value)) ?? null;
}

/** The provider id for a provider field's value: known id, else the value lower-cased. */
export function providerId(value: string): string {
  return knownProvider(value) ?? value.trim().toLowerCase();
}

/** Infer a missing provider from a tracing target, the text of the record, and the model. */
export function inferProvider(target: string | null, texts: readonly string[], model: string | null): string {
  if (target) {
    const parts = target.split(/::|\./);
    const at = parts.indexOf('providers');
    const known = at >= 0 && at + 1 < parts.length ? knownProvider(parts[at + 1]) : null;
    if (known) return known;
  }
  for (const text of texts) {
    if (!ANY_HOST.test(text)) continue;
    // The first host in the text wins (a message naming two hosts names the failing one first).
    let best: { at: number; id: string } | null = null;
    for (const h of HOSTS) {
      const m = h.re.exec(text);
      if (m && (best === null || m.index < best.at)) best = { at: m.index, id: h.id };
    }
    if (best) return best.id;
  }
  if (model) {
    const name = model.slice(model.lastIndexOf('/') + 1);
    for (const m of MODELS) if (m.re.test(name)) return m.id;
  }
  return 'unknown';
}
