// The report's sections computed with SQL over error_logs (issue 15, sections 1 and 5-7): trends, error
// patterns, recovery and retries, provider reliability. Each compares the period with the one before it.
import type Database from 'better-sqlite3';
import { bucketIso, bucketSql, changePct, iso, round, WEEK_MS, type Period } from './period.js';

type Db = Database.Database;

/** Errors a retry cannot fix (DESIGN.md §3: retryable = 0): the retries spent on them are waste. */
export const UNFIXABLE: Record<string, string> = {
  auth_error: "error_type = 'auth_error'",
  quota_exhausted: "error_subtype = 'quota_exhausted'",
  client_error: "error_type = 'client_error'",
};
/** A retry whose success rate is below this is not worth making. */
export const RETRY_WORTH = 0.05;
/** How many entries a "most frequent" list keeps. */
export const TOP = 10;

// What a row is (as `analyze` counts it): an outcome counts recovered/failed events and errors with that outcome.
const RECOVERED = "(event = 'recovered' OR (event = 'error' AND outcome = 'recovered'))";
const FAILED = "(event = 'failed' OR (event = 'error' AND outcome = 'failed'))";
const TYPE = "coalesce(error_type, 'unknown')";

interface Range {
  prev: string;
  from: string;
  to: string;
}
const rangeOf = (p: Period): Range => ({ prev: iso(p.previousFrom), from: iso(p.from), to: iso(p.to) });

export interface Change {
  current: number;
  previous: number;
  change_pct: number | null;
  new: boolean;
}
const change = (current: number, previous: number): Change => ({ current, previous, change_pct: changePct(current, previous), new: current > 0 && previous === 0 });

/** Providers with any row in the period (the alerts are backtested for these). */
export function periodProviders(db: Db, p: Period): string[] {
  const r = rangeOf(p);
  return db.prepare('SELECT DISTINCT provider FROM error_logs WHERE timestamp >= ? AND timestamp < ? ORDER BY provider').pluck().all(r.from, r.to) as string[];
}

// 1. Trends -------------------------------------------------------------------------------------------------

export interface Trends {
  bucket: 'hour' | 'day';
  total: Change;
  by_provider: Array<{ provider: string } & Change>;
  by_type: Array<{ error_type: string } & Change>;
  new_providers: string[];
  new_error_types: string[];
  /** Providers whose errors grew most (by count), largest growth first. */
  top_growth: Array<{ provider: string; growth: number; change_pct: number | null }>;
  /** Errors per bucket, provider and error type in the period. */
  series: Array<{ bucket: string; provider: string; error_type: string; errors: number }>;
}

function compared<K extends string>(db: Db, p: Period, key: K, expr: string): Array<Record<K, string> & Change> {
  const r = rangeOf(p);
  const rows = db
    .prepare(
      `SELECT ${expr} AS k, sum(timestamp >= @from) AS cur, sum(timestamp < @from) AS prev FROM error_logs
       WHERE event = 'error' AND timestamp >= @prev AND timestamp < @to GROUP BY k ORDER BY cur DESC, k`,
    )
    .all(r) as Array<{ k: string; cur: number; prev: number }>;
  return rows.map((x) => ({ [key]: x.k, ...change(x.cur, x.prev) }) as Record<K, string> & Change);
}

export function trends(db: Db, p: Period): Trends {
  const r = rangeOf(p);
  const byProvider = compared(db, p, 'provider', 'provider');
  const byType = compared(db, p, 'error_type', TYPE);
  const series = db
    .prepare(
      `SELECT ${bucketSql(p)} AS b, provider, ${TYPE} AS error_type, count(*) AS errors FROM error_logs
       WHERE event = 'error' AND timestamp >= ? AND timestamp < ? GROUP BY b, provider, error_type ORDER BY b, provider, error_type`,
    )
    .all(r.from, r.to) as Array<{ b: string; provider: string; error_type: string; errors: number }>;
  const sum = (k: 'current' | 'previous') => byProvider.reduce((n, x) => n + x[k], 0);
  return {
    bucket: p.bucket,
    total: change(sum('current'), sum('previous')),
    by_provider: byProvider,
    by_type: byType,
    new_providers: byProvider.filter((x) => x.new).map((x) => x.provider).sort(),
    new_error_types: byType.filter((x) => x.new).map((x) => x.error_type).sort(),
    top_growth: byProvider
      .filter((x) => x.current > x.previous)
      .map((x) => ({ provider: x.provider, growth: x.current - x.previous, change_pct: x.change_pct }))
      .sort((a, b) => b.growth - a.growth || a.provider.localeCompare(b.provider))
      .slice(0, 5),
    series: series.map((s) => ({ bucket: bucketIso(p, s.b), provider: s.provider, error_type: s.error_type, errors: s.errors })),
  };
}

// 5. Error patterns -----------------------------------------------------------------------------------------

export interface Patterns {
  /** The most frequent (redacted) messages per error type in the period. */
  top_messages: Array<{ error_type: string; message: string; count: number }>;
  /** Messages of the period that the previous period did not have. */
  new_messages: Array<{ error_type: string; message: string; count: number; first_seen: string }>;
  auth_failures: Array<{ provider: string; top_message: string } & Change>;
}

const MESSAGE = "coalesce(error_message, '(no message)')";

export function patterns(db: Db, p: Period): Patterns {
  const r = rangeOf(p);
  const top = db
    .prepare(
      `SELECT error_type, message, count FROM (
         SELECT ${TYPE} AS error_type, ${MESSAGE} AS message, count(*) AS count,
                row_number() OVER (PARTITION BY ${TYPE} ORDER BY count(*) DESC, ${MESSAGE}) AS n
         FROM error_logs WHERE event = 'error' AND timestamp >= @from AND timestamp < @to GROUP BY 1, 2)
       WHERE n <= ${TOP} ORDER BY error_type, count DESC, message`,
    )
    .all(r) as Patterns['top_messages'];
  const fresh = db
    .prepare(
      `SELECT ${TYPE} AS error_type, ${MESSAGE} AS message, sum(timestamp >= @from) AS count, min(timestamp) AS first_seen
       FROM error_logs WHERE event = 'error' AND timestamp >= @prev AND timestamp < @to GROUP BY 1, 2
       HAVING sum(timestamp < @from) = 0 ORDER BY count DESC, error_type, message`,
    )
    .all(r) as Patterns['new_messages'];
  const auth = db
    .prepare(
      `SELECT provider, sum(timestamp >= @from) AS cur, sum(timestamp < @from) AS prev,
              (SELECT ${MESSAGE} FROM error_logs m WHERE m.provider = e.provider AND m.event = 'error' AND m.error_type = 'auth_error'
                 AND m.timestamp >= @from AND m.timestamp < @to GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1) AS top_message
       FROM error_logs e WHERE event = 'error' AND error_type = 'auth_error' AND timestamp >= @prev AND timestamp < @to
       GROUP BY provider HAVING cur > 0 ORDER BY cur DESC, provider`,
    )
    .all(r) as Array<{ provider: string; cur: number; prev: number; top_message: string }>;
  return { top_messages: top, new_messages: fresh, auth_failures: auth.map((a) => ({ provider: a.provider, top_message: a.top_message, ...change(a.cur, a.prev) })) };
}

// 6. Recovery and retries -----------------------------------------------------------------------------------

export interface Recovery {
  by_provider: Array<{ provider: string; recovered: number; failed: number; rate: number | null; previous_rate: number | null; change_points: number | null }>;
  /** Recovery rate per bucket and provider (buckets with an outcome). */
  series: Array<{ bucket: string; provider: string; recovered: number; failed: number; rate: number }>;
  /** Outcomes by the attempt they ended at (attempt = retry_count + 1), per provider; success_rate = recovered / reached. */
  attempts: Array<{ provider: string; attempt: number; reached: number; recovered: number; success_rate: number }>;
  retries: { total: number; wasted: number; share: number | null; by_cause: Array<{ cause: string; retries: number }> };
  waste_by_provider: Array<{ provider: string; retries: number; wasted: number; share: number | null }>;
  suggested_max_retries: Array<{ provider: string; observed_max: number; suggested: number; reason: string }>;
}

const rate = (rec: number, fail: number) => (rec + fail === 0 ? null : round(rec / (rec + fail), 4));

export function recovery(db: Db, p: Period): Recovery {
  const r = rangeOf(p);
  const rows = db
    .prepare(
      `SELECT provider, sum(timestamp >= @from AND ${RECOVERED}) AS rec, sum(timestamp >= @from AND ${FAILED}) AS fail,
              sum(timestamp < @from AND ${RECOVERED}) AS prec, sum(timestamp < @from AND ${FAILED}) AS pfail
       FROM error_logs WHERE (${RECOVERED} OR ${FAILED}) AND timestamp >= @prev AND timestamp < @to GROUP BY provider ORDER BY provider`,
    )
    .all(r) as Array<{ provider: string; rec: number; fail: number; prec: number; pfail: number }>;
  const byProvider = rows
    .filter((x) => x.rec + x.fail > 0)
    .map((x) => {
      const now = rate(x.rec, x.fail);
      const before = rate(x.prec, x.pfail);
      return { provider: x.provider, recovered: x.rec, failed: x.fail, rate: now, previous_rate: before, change_points: now === null || before === null ? null : round((now - before) * 100, 2) };
    });
  const series = (
    db
      .prepare(
        `SELECT ${bucketSql(p)} AS b, provider, sum(${RECOVERED}) AS rec, sum(${FAILED}) AS fail FROM error_logs
         WHERE (${RECOVERED} OR ${FAILED}) AND timestamp >= @from AND timestamp < @to GROUP BY b, provider ORDER BY b, provider`,
      )
      .all(r) as Array<{ b: string; provider: string; rec: number; fail: number }>
  ).map((x) => ({ bucket: bucketIso(p, x.b), provider: x.provider, recovered: x.rec, failed: x.fail, rate: rate(x.rec, x.fail)! }));

  // Outcomes with a retry count: a request that recovered with k retries succeeded at attempt k + 1; one
  // that failed with k retries failed at every attempt up to k + 1.
  const ends = db
    .prepare(
      `SELECT provider, retry_count AS k, sum(${RECOVERED}) AS rec, count(*) AS n FROM error_logs
       WHERE (${RECOVERED} OR ${FAILED}) AND retry_count IS NOT NULL AND retry_count >= 0 AND timestamp >= @from AND timestamp < @to
       GROUP BY provider, k ORDER BY provider, k`,
    )
    .all(r) as Array<{ provider: string; k: number; rec: number; n: number }>;
  const attempts: Recovery['attempts'] = [];
  const suggested: Recovery['suggested_max_retries'] = [];
  for (const provider of [...new Set(ends.map((e) => e.provider))]) {
    const mine = ends.filter((e) => e.provider === provider);
    const maxK = Math.max(...mine.map((e) => e.k));
    let worthUpTo = 0; // the last retry whose success rate is at least RETRY_WORTH
    for (let k = 0; k <= maxK; k++) {
      const reached = mine.filter((e) => e.k >= k).reduce((n, e) => n + e.n, 0);
      const recovered = mine.find((e) => e.k === k)?.rec ?? 0;
      const successRate = round(recovered / reached, 4);
      attempts.push({ provider, attempt: k + 1, reached, recovered, success_rate: successRate });
      if (k > 0 && recovered / reached >= RETRY_WORTH) worthUpTo = k;
    }
    suggested.push({
      provider,
      observed_max: maxK,
      suggested: worthUpTo,
      reason:
        worthUpTo === 0
          ? `no retry succeeded ${RETRY_WORTH * 100}% of the time or more`
          : worthUpTo === maxK
            ? `retry ${worthUpTo}, the last made, still succeeded ${RETRY_WORTH * 100}% of the time or more: no evidence to cut`
            : `past retry ${worthUpTo} (attempt ${worthUpTo + 1}) success is below ${RETRY_WORTH * 100}%`,
    });
  }

  // Retries spent on errors a retry cannot fix.
  const causes = Object.entries(UNFIXABLE);
  const waste = db
    .prepare(
      `SELECT provider, coalesce(sum(retry_count), 0) AS total, ${causes.map(([c, w]) => `coalesce(sum(CASE WHEN ${w} THEN retry_count END), 0) AS "${c}"`).join(', ')},
              coalesce(sum(CASE WHEN ${causes.map(([, w]) => `(${w})`).join(' OR ')} THEN retry_count END), 0) AS wasted
       FROM error_logs WHERE (${RECOVERED} OR ${FAILED}) AND retry_count > 0 AND timestamp >= @from AND timestamp < @to GROUP BY provider ORDER BY provider`,
    )
    .all(r) as Array<Record<string, number> & { provider: string }>;
  const total = waste.reduce((n, w) => n + w.total, 0);
  const wasted = waste.reduce((n, w) => n + w.wasted, 0);
  return {
    by_provider: byProvider,
    series,
    attempts,
    retries: {
      total,
      wasted,
      share: total ? round(wasted / total, 4) : null,
      by_cause: causes.map(([cause]) => ({ cause, retries: waste.reduce((n, w) => n + w[cause], 0) })),
    },
    waste_by_provider: waste.map((w) => ({ provider: w.provider, retries: w.total, wasted: w.wasted, share: w.total ? round(w.wasted / w.total, 4) : null })),
    suggested_max_retries: suggested,
  };
}

// 7. Provider reliability -----------------------------------------------------------------------------------

export interface Reliability {
  providers: Array<{
    provider: string;
    errors: number;
    outcomes: number;
    errors_per_outcome: number | null;
    recovery_rate: number | null;
    rank_errors: number;
    rank_errors_per_outcome: number | null;
    rank_recovery: number | null;
    /** The last 7 days before the period's end against the 7 before them. */
    week_errors: number;
    previous_week_errors: number;
    wow_change_pct: number | null;
  }>;
}

export function reliability(db: Db, p: Period): Reliability {
  const r = rangeOf(p);
  const weekFrom = iso(p.to - WEEK_MS);
  const weekPrev = iso(p.to - 2 * WEEK_MS);
  const lowest = r.prev < weekPrev ? r.prev : weekPrev;
  const rows = db
    .prepare(
      `SELECT provider,
              sum(event = 'error' AND timestamp >= @from) AS errors,
              sum(${RECOVERED} AND timestamp >= @from) AS rec, sum(${FAILED} AND timestamp >= @from) AS fail,
              sum(event = 'error' AND timestamp >= @weekFrom) AS week, sum(event = 'error' AND timestamp >= @weekPrev AND timestamp < @weekFrom) AS pweek
       FROM error_logs WHERE timestamp >= @lowest AND timestamp < @to GROUP BY provider`,
    )
    .all({ ...r, weekFrom, weekPrev, lowest }) as Array<{ provider: string; errors: number; rec: number; fail: number; week: number; pweek: number }>;
  const list = rows
    .filter((x) => x.errors + x.rec + x.fail > 0)
    .map((x) => ({
      provider: x.provider,
      errors: x.errors,
      outcomes: x.rec + x.fail,
      errors_per_outcome: x.rec + x.fail ? round(x.errors / (x.rec + x.fail), 4) : null,
      recovery_rate: rate(x.rec, x.fail),
      rank_errors: 0,
      rank_errors_per_outcome: null as number | null,
      rank_recovery: null as number | null,
      week_errors: x.week,
      previous_week_errors: x.pweek,
      wow_change_pct: changePct(x.week, x.pweek),
    }));
  // Ranks: 1 is the worst (most errors, most errors per outcome, lowest recovery rate); ties share a rank.
  const ranks = (value: (x: (typeof list)[number]) => number | null, worstHigh: boolean) => {
    const ranked = list.filter((x) => value(x) !== null).sort((a, b) => (worstHigh ? value(b)! - value(a)! : value(a)! - value(b)!));
    const out = new Map<string, number>();
    ranked.forEach((x, i) => out.set(x.provider, i > 0 && value(ranked[i - 1]) === value(x) ? out.get(ranked[i - 1].provider)! : i + 1));
    return out;
  };
  const byErrors = ranks((x) => x.errors, true);
  const byPerOutcome = ranks((x) => x.errors_per_outcome, true);
  const byRecovery = ranks((x) => x.recovery_rate, false);
  for (const x of list) {
    x.rank_errors = byErrors.get(x.provider)!;
    x.rank_errors_per_outcome = byPerOutcome.get(x.provider) ?? null;
    x.rank_recovery = byRecovery.get(x.provider) ?? null;
  }
  list.sort((a, b) => a.rank_errors - b.rank_errors || a.provider.localeCompare(b.provider));
  return { providers: list };
}
