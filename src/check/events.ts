// The events the backtest counts, per alert and provider, from stored rows: one SELECT per alert kind
// (ordered by provider, timestamp) against the store, or the same selection over rows in memory.
import type Database from 'better-sqlite3';
import type { AlertKey } from '../config/types.js';
import type { Row } from '../model.js';
import type { BacktestInput, EventSeries } from './backtest.js';

type Fields = Pick<Row, 'timestamp' | 'provider' | 'event' | 'error_type' | 'outcome'>;

/**
 * Which rows each alert counts (the analyses' definitions: recovered = a `recovered` event or an error
 * with outcome `recovered`, failed likewise), as SQL and as a predicate. For the ratio `good` is 1 for
 * a recovered outcome.
 */
const SELECTIONS: Array<{ key: AlertKey; where: string; good?: string; match: (r: Fields) => boolean; isGood?: (r: Fields) => boolean }> = [
  { key: 'high_error_rate', where: "event = 'error'", match: (r) => r.event === 'error' },
  { key: 'rate_limit_exceeded', where: "event = 'error' AND error_type = 'rate_limit'", match: (r) => r.event === 'error' && r.error_type === 'rate_limit' },
  { key: 'provider_unavailable', where: "event = 'error' AND error_type = 'server_error'", match: (r) => r.event === 'error' && r.error_type === 'server_error' },
  { key: 'auth_failures', where: "event = 'error' AND error_type = 'auth_error'", match: (r) => r.event === 'error' && r.error_type === 'auth_error' },
  {
    key: 'low_recovery_rate',
    where: "event IN ('recovered', 'failed') OR (event = 'error' AND outcome IN ('recovered', 'failed'))",
    good: "(event = 'recovered' OR (event = 'error' AND outcome = 'recovered'))",
    match: (r) => r.event === 'recovered' || r.event === 'failed' || (r.event === 'error' && (r.outcome === 'recovered' || r.outcome === 'failed')),
    isGood: (r) => r.event === 'recovered' || (r.event === 'error' && r.outcome === 'recovered'),
  },
  { key: 'fallback_storm', where: "event = 'fallback'", match: (r) => r.event === 'fallback' },
];

const toMs = (iso: string): number => {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`not a stored timestamp: ${JSON.stringify(iso)}`);
  return t;
};

/** The backtest's input from rows in memory (any order). */
export function inputFromRows(rows: Iterable<Fields>): BacktestInput {
  const providers: BacktestInput['providers'] = new Map();
  const collected = new Map<AlertKey, Map<string, Array<[number, number]>>>();
  for (const r of rows) {
    const t = toMs(r.timestamp);
    const span = providers.get(r.provider);
    if (!span) providers.set(r.provider, { first: t, last: t });
    else {
      if (t < span.first) span.first = t;
      if (t > span.last) span.last = t;
    }
    for (const s of SELECTIONS) {
      if (!s.match(r)) continue;
      let byProvider = collected.get(s.key);
      if (!byProvider) collected.set(s.key, (byProvider = new Map()));
      let list = byProvider.get(r.provider);
      if (!list) byProvider.set(r.provider, (list = []));
      list.push([t, s.isGood?.(r) ? 1 : 0]);
    }
  }
  const series: BacktestInput['series'] = {};
  for (const s of SELECTIONS) {
    const out = new Map<string, EventSeries>();
    for (const [provider, list] of collected.get(s.key) ?? []) {
      list.sort((a, b) => a[0] - b[0]);
      out.set(provider, { times: Float64Array.from(list, (e) => e[0]), ...(s.isGood ? { recovered: Uint8Array.from(list, (e) => e[1]) } : {}) });
    }
    series[s.key] = out;
  }
  return { providers, series };
}

/** The backtest's input read from the store's error_logs: one SELECT per alert kind. */
export function inputFromDb(db: Database.Database): BacktestInput {
  const providers: BacktestInput['providers'] = new Map();
  const spans = db.prepare('SELECT provider, min(timestamp) AS first, max(timestamp) AS last FROM error_logs GROUP BY provider').all() as Array<{ provider: string; first: string; last: string }>;
  for (const s of spans) providers.set(s.provider, { first: toMs(s.first), last: toMs(s.last) });
  const series: BacktestInput['series'] = {};
  for (const s of SELECTIONS) {
    const out = new Map<string, EventSeries>();
    const stmt = db.prepare(`SELECT provider, timestamp${s.good ? `, ${s.good} AS good` : ''} FROM error_logs WHERE ${s.where} ORDER BY provider, timestamp`).raw(true);
    let provider: string | null = null;
    let times: number[] = [];
    let good: number[] = [];
    const flush = () => {
      if (provider !== null) out.set(provider, { times: Float64Array.from(times), ...(s.good ? { recovered: Uint8Array.from(good) } : {}) });
    };
    for (const row of stmt.iterate() as Iterable<[string, string, number?]>) {
      if (row[0] !== provider) {
        flush();
        provider = row[0];
        times = [];
        good = [];
      }
      times.push(toMs(row[1]));
      if (s.good) good.push(row[2] ? 1 : 0);
    }
    flush();
    series[s.key] = out;
  }
  return { providers, series };
}
