// The events the backtest counts, per alert and provider, from stored rows: one SELECT per alert kind
// (ordered by provider, timestamp) against the store, or the same selection over rows in memory.
import type Database from 'better-sqlite3';
import { labelSql, seriesDef } from '../alerts/series.js';
import type { AlertKey } from '../config/types.js';
import { ALERTS, type AlertDef } from '../alerts/definitions.js';
import type { Row } from '../model.js';
import { isBacktested, type BacktestInput, type EventSeries } from './backtest.js';

type Fields = Pick<Row, 'timestamp' | 'provider' | 'event' | 'error_type' | 'outcome' | 'status_code'>;

interface Selection {
  key: AlertKey;
  where: string;
  good?: string;
  notIndexed?: boolean;
  match: (r: Fields) => boolean;
  isGood?: (r: Fields) => boolean;
}

/** The rows one counter of an alert counts (its series' rows with the rule's matchers), as SQL and as a predicate. */
function counterRows(c: AlertDef['counters'][number]): { where: string; match: (r: Fields) => boolean } {
  const def = seriesDef(c.suffix);
  if (!def.rows) throw new Error(`${c.suffix} has no rows`);
  const rows = def.rows;
  for (const m of c.matchers) if (m.op !== '=') throw new Error(`backtest: only = matchers are modelled (${c.suffix} ${m.name}${m.op})`);
  const sql = c.matchers.map((m) => ` AND ${labelSql(def, m.name)} = '${m.value.replace(/'/g, "''")}'`).join('');
  const tests = c.matchers.map((m) => ({ label: rows.labels[m.name], value: m.value }));
  return {
    where: `(${rows.where})${sql}`,
    match: (r) => rows.match(r) && tests.every((t) => t.label(r) === t.value),
  };
}

/**
 * Which rows each backtestable alert counts: the rows of the series its rule reads (src/alerts/series.ts),
 * as SQL and as a predicate. For the ratio, `good` marks rows of its first counter (recovered).
 */
const SELECTIONS: Selection[] = ALERTS.filter((a) => isBacktested(a.key)).map((a) => {
  const counters = a.counters.map(counterRows);
  const sel: Selection = {
    key: a.key,
    where: counters.map((c) => c.where).join(' OR '),
    match: (r) => counters.some((c) => c.match(r)),
  };
  if (a.kind === 'ratio') {
    sel.good = counters[0].where;
    sel.isGood = counters[0].match;
    // Every error row's outcome is read anyway (the indexes do not hold it): one pass over the table is cheaper.
    sel.notIndexed = true;
  }
  return sel;
});

const toMs = (iso: string): number => {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`not a stored timestamp: ${JSON.stringify(iso)}`);
  return t;
};

// The hour last read: stored timestamps come in runs of one hour, whose start is parsed once.
let hourText = '';
let hourMs = Number.NaN;

/**
 * The time of the stored timestamp (YYYY-MM-DDTHH:MM:SS.sssZ) at `at` in `s`: its hour parsed once for
 * all the timestamps of that hour, minutes, seconds and milliseconds read by position. NaN when the
 * text there is not one.
 */
function storedMsAt(s: string, at: number): number {
  if (s.charCodeAt(at + 23) !== 90 /* Z */ || s.charCodeAt(at + 13) !== 58 /* : */ || s.charCodeAt(at + 16) !== 58 || s.charCodeAt(at + 19) !== 46 /* . */) {
    return Number.NaN;
  }
  if (hourText === '' || !s.startsWith(hourText, at)) {
    hourText = s.slice(at, at + 13);
    hourMs = Date.parse(`${hourText}:00:00.000Z`);
  }
  const mm = number(s, at + 14, 2);
  const ss = number(s, at + 17, 2);
  const sss = number(s, at + 20, 3);
  if (mm < 0 || mm > 59 || ss < 0 || ss > 59 || sss < 0) return Number.NaN;
  return hourMs + mm * 60_000 + ss * 1000 + sss;
}

/** toMs for rows in memory, a million at a time: a stored timestamp by position, anything else by Date.parse. */
function timeOf(ts: string): number {
  const t = ts.length === 24 ? storedMsAt(ts, 0) : Number.NaN;
  return Number.isNaN(t) ? toMs(ts) : t;
}

/** The decimal number of the `n` digits at `at`, or -1 if one is not a digit. */
function number(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** The backtest's input from rows in memory (any order). */
export function inputFromRows(rows: Iterable<Fields>): BacktestInput {
  const c = new EventCollector();
  for (const r of rows) c.add(r);
  return c.input();
}

/**
 * One alert's events of one provider as they come: times, and for the ratio 1 = recovered. Typed arrays
 * that double when full: their contents live outside the JS heap, which the collector then need not
 * walk or move (a one-shot report collects a million and more while it reads).
 */
class Collected {
  times = new Float64Array(64);
  good: Uint8Array | null;
  n = 0;
  sorted = true;

  constructor(flagged: boolean) {
    this.good = flagged ? new Uint8Array(64) : null;
  }

  push(t: number, good: number): void {
    if (this.n === this.times.length) {
      const times = new Float64Array(this.n * 2);
      times.set(this.times);
      this.times = times;
      if (this.good) {
        const g = new Uint8Array(this.n * 2);
        g.set(this.good);
        this.good = g;
      }
    }
    if (this.n > 0 && t < this.times[this.n - 1]) this.sorted = false;
    this.times[this.n] = t;
    if (this.good) this.good[this.n] = good;
    this.n++;
  }

  /** The events in time order (ties in the order they came). */
  series(): EventSeries {
    const n = this.n;
    let times = this.times.subarray(0, n);
    let good = this.good?.subarray(0, n) ?? null;
    if (!this.sorted) {
      const t = times;
      const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => t[a] - t[b] || a - b);
      const g = good;
      times = Float64Array.from(order, (i) => t[i]);
      good = g && Uint8Array.from(order, (i) => g[i]);
    }
    return good ? { times, recovered: good } : { times };
  }
}

/**
 * The backtest's input gathered row by row, in any order, without keeping the rows: the times of the
 * events each alert counts (a number each, not a row), sorted when asked for the input.
 */
export class EventCollector {
  private readonly providers: BacktestInput['providers'] = new Map();
  private readonly collected = new Map<AlertKey, Map<string, Collected>>(SELECTIONS.map((s) => [s.key, new Map()]));

  add(r: Fields): void {
    let t = Number.NaN;
    for (const s of SELECTIONS) {
      if (!s.match(r)) continue;
      if (Number.isNaN(t)) t = timeOf(r.timestamp);
      const byProvider = this.collected.get(s.key)!;
      let list = byProvider.get(r.provider);
      if (!list) byProvider.set(r.provider, (list = new Collected(s.isGood !== undefined)));
      list.push(t, s.isGood?.(r) ? 1 : 0);
    }
    if (Number.isNaN(t)) t = timeOf(r.timestamp);
    const span = this.providers.get(r.provider);
    if (!span) this.providers.set(r.provider, { first: t, last: t });
    else {
      if (t < span.first) span.first = t;
      if (t > span.last) span.last = t;
    }
  }

  input(): BacktestInput {
    const series: BacktestInput['series'] = {};
    for (const s of SELECTIONS) {
      const out = new Map<string, EventSeries>();
      for (const [provider, list] of this.collected.get(s.key)!) out.set(provider, list.series());
      series[s.key] = out;
    }
    return { providers: this.providers, series };
  }
}

/**
 * The backtest's input read from the store's error_logs: one SELECT per alert kind, each giving the
 * provider's timestamps in order, concatenated per provider and UTC hour (one row per provider-hour
 * instead of one per event: reading rows one by one costs more than everything else together).
 */
/** Stored events at or after `since`, before `until`, of these providers (all when empty). */
export function eventsIn(db: Database.Database, since: number | null, until: number | null, providers: string[]): number {
  const conds: string[] = [];
  const params: unknown[] = [];
  if (since !== null) conds.push('timestamp >= ?'), params.push(new Date(since).toISOString());
  if (until !== null) conds.push('timestamp < ?'), params.push(new Date(until).toISOString());
  if (providers.length) conds.push(`provider IN (${providers.map(() => '?').join(',')})`), params.push(...providers);
  return db.prepare(`SELECT count(*) FROM error_logs${conds.length ? ` WHERE ${conds.join(' AND ')}` : ''}`).pluck().get(...params) as number;
}

export function inputFromDb(db: Database.Database): BacktestInput {
  const providers: BacktestInput['providers'] = new Map();
  const spans = db.prepare('SELECT provider, min(timestamp) AS first, max(timestamp) AS last FROM error_logs GROUP BY provider').all() as Array<{ provider: string; first: string; last: string }>;
  for (const s of spans) providers.set(s.provider, { first: toMs(s.first), last: toMs(s.last) });
  const series: BacktestInput['series'] = {};
  for (const s of SELECTIONS) {
    // Each item is a stored timestamp, followed for the ratio by + (recovered) or - (failed).
    const item = s.good ? `timestamp || CASE WHEN ${s.good} THEN '+' ELSE '-' END` : 'timestamp';
    const stmt = db
      .prepare(
        `SELECT provider, group_concat(${item}, ',' ORDER BY timestamp) FROM error_logs${s.notIndexed ? ' NOT INDEXED' : ''} WHERE ${s.where}
         GROUP BY provider, substr(timestamp, 1, 13) ORDER BY provider, substr(timestamp, 1, 13)`,
      )
      .raw(true);
    const out = new Map<string, EventSeries>();
    let provider: string | null = null;
    let times: number[] = [];
    let good: number[] = [];
    const flush = () => {
      if (provider !== null) out.set(provider, { times: Float64Array.from(times), ...(s.good ? { recovered: Uint8Array.from(good) } : {}) });
    };
    for (const [p, list] of stmt.iterate() as Iterable<[string, string]>) {
      if (p !== provider) {
        flush();
        provider = p;
        times = [];
        good = [];
      }
      readItems(list, s.good !== undefined, times, good);
    }
    flush();
    series[s.key] = out;
  }
  return { providers, series };
}

/**
 * Append the times (and flags) of one provider-hour's items: comma-separated stored timestamps, each
 * followed for the ratio by + or -. Anything that is not one falls back to Date.parse item by item.
 */
function readItems(list: string, flagged: boolean, times: number[], good: number[]): void {
  const width = flagged ? 25 : 24;
  const [nTimes, nGood] = [times.length, good.length];
  if ((list.length + 1) % (width + 1) === 0) {
    let at = 0;
    for (; at < list.length; at += width + 1) {
      const t = storedMsAt(list, at);
      if (Number.isNaN(t)) break;
      times.push(t);
      if (flagged) good.push(list.charCodeAt(at + 24) === 43 /* + */ ? 1 : 0);
    }
    if (at >= list.length) return;
    times.length = nTimes;
    good.length = nGood;
  }
  for (const part of list.split(',')) {
    const ts = flagged ? part.slice(0, -1) : part;
    times.push(toMs(ts));
    if (flagged) good.push(part.endsWith('+') ? 1 : 0);
  }
}
