// The marker tables of DESIGN.md §3 are data: formats/markers.json (README "Format files"), where each
// pattern says why it is not a plain substring. Here they are compiled, at load and again when a user's
// format files are added, into at most two RegExps (literals, patterns) per set of tables, tested
// against the lower-cased text of a record (never compiled per call).
import { formatFiles, onFormats, type CodeMeaning, type CodeTable } from '../formats/index.js';

export type Marker = string | RegExp;

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface MarkerSet {
  test(text: string): boolean;
}

/**
 * A whole table as one alternation of its literals and one of its patterns (entries are already lower
 * case): V8 scans a literal-only alternation about twice as fast as one mixed with patterns.
 */
export function compileMarkers(table: readonly Marker[]): MarkerSet {
  const alternation = (ms: readonly Marker[]) =>
    ms.length === 0 ? null : new RegExp(ms.map((m) => (typeof m === 'string' ? escape(m) : m.source)).join('|'));
  const literals = alternation(table.filter((m) => typeof m === 'string'));
  const patterns = alternation(table.filter((m) => typeof m !== 'string'));
  return { test: (text) => (literals !== null && literals.test(text)) || (patterns !== null && patterns.test(text)) };
}

/** The codes of one meaning, as markers (`"code": "1302"`, `'status_code': 1002`, quotes perhaps escaped). */
function codeMarkers(tables: readonly CodeTable[], meaning: CodeMeaning): Marker[] {
  const out: Marker[] = [];
  for (const t of tables) {
    const list = t.codes[meaning]?.codes;
    if (!list) continue;
    const alt = list.join('|');
    out.push(new RegExp(String.raw`["'](?:${t.keys.map(escape).join('|')})\\*["']\s*:\s*\\*["']?(?:${alt})(?![\d.])`));
    // the suffix ends its message: `closed (1008): policy violation` (a WebSocket close code) is no MiniMax code
    if (t.suffix) out.push(new RegExp(String.raw`[a-z)] \((?:${alt})\)(?![^"'\\\s])`));
  }
  return out;
}

/** Every table by name, its entries as literals and RegExps: the built-in file's entries first. */
export function markerTables(): Record<string, Marker[]> {
  const files = formatFiles('markers');
  const codeTables = files.flatMap((f) => Object.values(f.codeTables ?? {}));
  const out: Record<string, Marker[]> = {};
  for (const f of files) {
    for (const [name, table] of Object.entries(f.tables ?? {})) {
      const list = (out[name] ??= []);
      for (const m of table.markers) {
        if (typeof m === 'string') list.push(m);
        else if ('literals' in m) list.push(...m.literals);
        else if ('pattern' in m) list.push(new RegExp(m.pattern));
        else list.push(...codeMarkers(codeTables, m.codes));
      }
    }
  }
  return out;
}

// The sets classify.ts tests, each the tables of one rule or subtype.
const SETS = {
  rateOrQuota: ['RATE_LIMIT', 'QUOTA', 'PROVIDER_RATE_LIMIT', 'PROVIDER_QUOTA'],
  throttleWindow: ['THROTTLE_WINDOW'],
  quotaSubtype: ['QUOTA', 'PROVIDER_QUOTA', 'QUOTA_SUBTYPE_EXTRA'],
  auth: ['AUTH', 'PROVIDER_AUTH'],
  server: ['SERVER', 'PROVIDER_SERVER'],
  client: ['PROVIDER_CLIENT'],
  parse: ['PARSE', 'PROVIDER_PARSE'],
  network: ['NETWORK', 'PROVIDER_NETWORK'],
  overload: ['OVERLOAD'],
  serverUnavailable: ['SERVER_UNAVAILABLE'],
  serverTimeout: ['SERVER_TIMEOUT'],
  serverBadGateway: ['SERVER_BAD_GATEWAY'],
  netDns: ['NET_DNS'],
  netTimeout: ['NET_TIMEOUT'],
  netTls: ['NET_TLS'],
  contextLength: ['CONTEXT_LENGTH'],
  payloadTooLarge: ['PAYLOAD_TOO_LARGE'],
  contentFiltered: ['CONTENT_FILTERED'],
  modelNotFound: ['MODEL_NOT_FOUND'],
  authBadKey: ['AUTH_BAD_KEY'],
  authPermission: ['AUTH_PERMISSION'],
  authKey: ['AUTH_KEY'],
} as const;

/** Every set above, compiled once (and again when format files are added). */
export const RE = {} as Record<keyof typeof SETS, MarkerSet>;
onFormats(() => {
  const tables = markerTables();
  for (const [set, names] of Object.entries(SETS)) {
    RE[set as keyof typeof SETS] = compileMarkers(names.flatMap((n) => tables[n] ?? []));
  }
});
