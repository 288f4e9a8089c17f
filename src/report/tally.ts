// The report's rows counted once (issue 15): one pass over the rows of the period and the one before
// it gives every section's counts (sections.ts, alerts.ts) and the events check's backtest reads. The
// rows come from the parsing workers in a one-shot run (nothing is stored) or, with --db, from one
// query over the store: either way the same counting, so each section has one implementation.
import type Database from 'better-sqlite3';
import { isFailed, isRecovered } from '../alerts/series.js';
import { EventCollector } from '../check/events.js';
import { asInMemory } from '../store/packed.js';
import { parseDurationSeconds } from '../config/duration.js';
import type { Config } from '../config/types.js';
import type { Row } from '../model.js';
import { iso, WEEK_MS, type Period } from './period.js';

/** What the report reads of a row. */
export type TallyRow = Pick<Row, 'timestamp' | 'provider' | 'event' | 'error_type' | 'error_subtype' | 'status_code' | 'error_message' | 'retry_count' | 'outcome'>;

/** Errors a retry cannot fix (DESIGN.md §3: retryable = 0): the retries spent on them are waste. */
export const UNFIXABLE: Record<string, (r: TallyRow) => boolean> = {
  auth_error: (r) => r.error_type === 'auth_error',
  quota_exhausted: (r) => r.error_subtype === 'quota_exhausted',
  client_error: (r) => r.error_type === 'client_error',
};
const CAUSES = Object.values(UNFIXABLE);

/** An error's type as the report groups it, and its message. */
export const typeOf = (r: Pick<Row, 'error_type'>): string => r.error_type ?? 'unknown';
export const messageOf = (r: Pick<Row, 'error_message'>): string => r.error_message ?? '(no message)';

/** Counts in the period and in the one before it. */
export interface Pair {
  cur: number;
  prev: number;
}

export interface ProviderTally {
  /** A row of any kind in the period. */
  inPeriod: boolean;
  /** Errors (event = 'error'). */
  errors: Pair;
  recovered: Pair;
  failed: Pair;
  /** Errors in the last 7 days before the period's end and the 7 before them. */
  week: number;
  previousWeek: number;
  authFailures: Pair;
  /** The period's auth failures by message. */
  authMessages: Map<string, number>;
  /** The period's rate-limit errors: throttling, quota exhaustion (and its first and last time). */
  throttled: number;
  quota: number;
  quotaFirst: string | null;
  quotaLast: string | null;
  /** The period's outcomes with a retry count, by that count. */
  ends: Map<number, { rec: number; n: number }>;
  /** The period's outcomes with retries: how many, their retries, those spent per UNFIXABLE cause and in all. */
  retried: number;
  retries: number;
  wastedBy: number[];
  wasted: number;
}

export interface MessageTally extends Pair {
  /** The earliest of the period (the report names it only for messages new in the period). */
  first: string | null;
}

const pair = (): Pair => ({ cur: 0, prev: 0 });

export class ReportTally {
  readonly providers = new Map<string, ProviderTally>();
  readonly types = new Map<string, Pair>();
  /** Errors by type, then message. */
  readonly messages = new Map<string, Map<string, MessageTally>>();
  /** The period's errors by bucket, provider and type. */
  readonly errorSeries = new Map<string, Map<string, Map<string, number>>>();
  /** The period's outcomes by bucket and provider. */
  readonly outcomeSeries = new Map<string, Map<string, { rec: number; fail: number }>>();
  readonly events = new EventCollector();

  // The bounds as the stored timestamps compare (ISO text, as the store's SQL compared them).
  private readonly from: string;
  private readonly to: string;
  private readonly previousFrom: string;
  private readonly weekFrom: string;
  private readonly weekPrevious: string;
  /** Rows from here on are read; the backtest's events from `eventsFrom` to `to` inclusive. */
  readonly lowest: string;
  private readonly eventsFrom: string;
  private readonly bucketLength: number;

  constructor(readonly period: Period, config: Config) {
    const p = period;
    [this.from, this.to, this.previousFrom] = [iso(p.from), iso(p.to), iso(p.previousFrom)];
    [this.weekFrom, this.weekPrevious] = [iso(p.to - WEEK_MS), iso(p.to - 2 * WEEK_MS)];
    // An evaluation of the period counts the events of its window before it (and one at `to` itself).
    this.eventsFrom = iso(Math.max(p.from - longestWindowMs(config), -8.64e15));
    this.lowest = [this.previousFrom, this.weekPrevious, this.eventsFrom].reduce((a, b) => (b < a ? b : a));
    this.bucketLength = p.bucket === 'hour' ? 13 : 10;
  }

  add(r: TallyRow): void {
    const ts = r.timestamp;
    if (ts < this.lowest || ts > this.to) return;
    if (ts >= this.eventsFrom) this.events.add(r);
    if (ts === this.to) return;
    let t = this.providers.get(r.provider);
    if (!t) this.providers.set(r.provider, (t = newProvider()));
    const cur = ts >= this.from;
    const inPair = ts >= this.previousFrom; // in the period or the one before it
    const error = r.event === 'error';
    if (cur) t.inPeriod = true;
    if (error && ts >= this.weekPrevious) {
      if (ts >= this.weekFrom) t.week++;
      else t.previousWeek++;
    }
    if (!inPair) return;
    const rec = isRecovered(r);
    const outcome = rec || isFailed(r);
    if (error) {
      count(t.errors, cur);
      const type = typeOf(r);
      let n = this.types.get(type);
      if (!n) this.types.set(type, (n = pair()));
      count(n, cur);
      let byMessage = this.messages.get(type);
      if (!byMessage) this.messages.set(type, (byMessage = new Map()));
      const message = messageOf(r);
      let m = byMessage.get(message);
      if (!m) byMessage.set(message, (m = { cur: 0, prev: 0, first: null }));
      count(m, cur);
      if (cur && (m.first === null || ts < m.first)) m.first = ts;
      if (r.error_type === 'auth_error') {
        count(t.authFailures, cur);
        if (cur) t.authMessages.set(message, (t.authMessages.get(message) ?? 0) + 1);
      }
    }
    if (outcome) count(rec ? t.recovered : t.failed, cur);
    if (!cur) return;

    const bucket = ts.slice(0, this.bucketLength);
    if (error) {
      let byProvider = this.errorSeries.get(bucket);
      if (!byProvider) this.errorSeries.set(bucket, (byProvider = new Map()));
      let byType = byProvider.get(r.provider);
      if (!byType) byProvider.set(r.provider, (byType = new Map()));
      const type = typeOf(r);
      byType.set(type, (byType.get(type) ?? 0) + 1);
      if (r.error_type === 'rate_limit') {
        if (r.error_subtype !== 'quota_exhausted') t.throttled++;
        else {
          t.quota++;
          if (t.quotaFirst === null || ts < t.quotaFirst) t.quotaFirst = ts;
          if (t.quotaLast === null || ts > t.quotaLast) t.quotaLast = ts;
        }
      }
    }
    if (outcome) {
      let byProvider = this.outcomeSeries.get(bucket);
      if (!byProvider) this.outcomeSeries.set(bucket, (byProvider = new Map()));
      let o = byProvider.get(r.provider);
      if (!o) byProvider.set(r.provider, (o = { rec: 0, fail: 0 }));
      if (rec) o.rec++;
      else o.fail++;
      const k = r.retry_count;
      if (k !== null && k >= 0) {
        let e = t.ends.get(k);
        if (!e) t.ends.set(k, (e = { rec: 0, n: 0 }));
        if (rec) e.rec++;
        e.n++;
      }
      if (k !== null && k > 0) {
        t.retried++;
        t.retries += k;
        let any = false;
        CAUSES.forEach((is, i) => {
          if (is(r)) (t.wastedBy[i] += k), (any = true);
        });
        if (any) t.wasted += k;
      }
    }
  }
}

const count = (p: Pair, cur: boolean) => (cur ? p.cur++ : p.prev++);

const newProvider = (): ProviderTally => ({
  inPeriod: false, errors: pair(), recovered: pair(), failed: pair(), week: 0, previousWeek: 0, authFailures: pair(), authMessages: new Map(),
  throttled: 0, quota: 0, quotaFirst: null, quotaLast: null, ends: new Map(), retried: 0, retries: 0, wastedBy: CAUSES.map(() => 0), wasted: 0,
});

/** The longest window of any alert, default or override (a window no duration reads is left to the backtest to report). */
function longestWindowMs(config: Config): number {
  const specs = [...Object.values(config.alerts), ...Object.values(config.overrides).flatMap((o) => Object.values(o))] as Array<{ window?: string }>;
  let longest = 0;
  for (const s of specs) {
    if (s?.window === undefined) continue;
    try {
      longest = Math.max(longest, Math.round(parseDurationSeconds(s.window) * 1000));
    } catch {
      // not a duration
    }
  }
  return longest;
}

/** With --db: the rows the report reads, in one query over the store. */
export function tallyStore(db: Database.Database, tally: ReportTally): void {
  const stmt = db
    .prepare(
      `SELECT timestamp, provider, event, ${['error_type', 'error_subtype', 'status_code'].map(asInMemory).join(', ')}, error_message, retry_count, outcome
       FROM error_logs WHERE timestamp >= ? AND timestamp <= ?`,
    )
    .raw(true);
  for (const v of stmt.iterate(tally.lowest, iso(tally.period.to)) as Iterable<unknown[]>) {
    tally.add({
      timestamp: v[0] as string, provider: v[1] as string, event: v[2] as Row['event'], error_type: v[3] as Row['error_type'], error_subtype: v[4] as string | null,
      status_code: v[5] as number | null, error_message: v[6] as string | null, retry_count: v[7] as number | null, outcome: v[8] as string | null,
    });
  }
}
