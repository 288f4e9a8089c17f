// The report's sections from the period's tally (issue 15, sections 1 and 5-7): trends, error patterns,
// recovery and retries, provider reliability. Each compares the period with the one before it. Lists
// are ordered by code point, as the store's SQL ordered text.
import { byCodePoint } from '../alerts/definitions.js';
import { bucketIso, changePct, round, type Period } from './period.js';
import { UNFIXABLE, type Pair, type ReportTally } from './tally.js';

/** A retry whose success rate is below this is not worth making. */
export const RETRY_WORTH = 0.05;
/** How many entries a "most frequent" list keeps. */
export const TOP = 10;

/** Entries of a map in code-point order of their keys. */
const sorted = <V>(m: Map<string, V>): Array<[string, V]> => [...m].sort((a, b) => byCodePoint(a[0], b[0]));

export interface Change {
  current: number;
  previous: number;
  change_pct: number | null;
  new: boolean;
}
const change = (current: number, previous: number): Change => ({ current, previous, change_pct: changePct(current, previous), new: current > 0 && previous === 0 });

/** Providers with any row in the period (the alerts are backtested for these). */
export function periodProviders(tally: ReportTally): string[] {
  return sorted(tally.providers).filter(([, t]) => t.inPeriod).map(([provider]) => provider);
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

/** Errors of the period and the one before it by `key`, most in the period first. */
function compared<K extends string>(counts: Array<[string, Pair]>, key: K): Array<Record<K, string> & Change> {
  return counts
    .filter(([, n]) => n.cur + n.prev > 0)
    .sort((a, b) => b[1].cur - a[1].cur || byCodePoint(a[0], b[0]))
    .map(([k, n]) => ({ [key]: k, ...change(n.cur, n.prev) }) as Record<K, string> & Change);
}

export function trends(tally: ReportTally, p: Period): Trends {
  const byProvider = compared([...tally.providers].map(([provider, t]) => [provider, t.errors]), 'provider');
  const byType = compared([...tally.types], 'error_type');
  const series: Array<{ b: string; provider: string; error_type: string; errors: number }> = [];
  for (const [b, byProv] of sorted(tally.errorSeries)) for (const [provider, byType] of sorted(byProv)) for (const [error_type, errors] of sorted(byType)) series.push({ b, provider, error_type, errors });
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

/** Most first, then by message. */
const byCountThenMessage = (a: { count: number; message: string }, b: { count: number; message: string }) => b.count - a.count || byCodePoint(a.message, b.message);

export function patterns(tally: ReportTally): Patterns {
  const top: Patterns['top_messages'] = [];
  const fresh: Patterns['new_messages'] = [];
  for (const [error_type, byMessage] of sorted(tally.messages)) {
    const current = [...byMessage].filter(([, m]) => m.cur > 0).map(([message, m]) => ({ error_type, message, count: m.cur }));
    top.push(...current.sort(byCountThenMessage).slice(0, TOP));
    for (const [message, m] of byMessage) if (m.prev === 0) fresh.push({ error_type, message, count: m.cur, first_seen: m.first! });
  }
  fresh.sort((a, b) => b.count - a.count || byCodePoint(a.error_type, b.error_type) || byCodePoint(a.message, b.message));
  const auth = [...tally.providers]
    .filter(([, t]) => t.authFailures.cur > 0)
    .sort((a, b) => b[1].authFailures.cur - a[1].authFailures.cur || byCodePoint(a[0], b[0]))
    .map(([provider, t]) => ({
      provider,
      cur: t.authFailures.cur,
      prev: t.authFailures.prev,
      top_message: [...t.authMessages].map(([message, count]) => ({ message, count })).sort(byCountThenMessage)[0].message,
    }));
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

export function recovery(tally: ReportTally, p: Period): Recovery {
  const providers = sorted(tally.providers);
  const rows = providers.map(([provider, t]) => ({ provider, rec: t.recovered.cur, fail: t.failed.cur, prec: t.recovered.prev, pfail: t.failed.prev }));
  const byProvider = rows
    .filter((x) => x.rec + x.fail > 0)
    .map((x) => {
      const now = rate(x.rec, x.fail);
      const before = rate(x.prec, x.pfail);
      return { provider: x.provider, recovered: x.rec, failed: x.fail, rate: now, previous_rate: before, change_points: now === null || before === null ? null : round((now - before) * 100, 2) };
    });
  const outcomes: Array<{ b: string; provider: string; rec: number; fail: number }> = [];
  for (const [b, byProvider] of sorted(tally.outcomeSeries)) for (const [provider, o] of sorted(byProvider)) outcomes.push({ b, provider, ...o });
  const series = outcomes.map((x) => ({ bucket: bucketIso(p, x.b), provider: x.provider, recovered: x.rec, failed: x.fail, rate: rate(x.rec, x.fail)! }));

  // Outcomes with a retry count: a request that recovered with k retries succeeded at attempt k + 1; one
  // that failed with k retries failed at every attempt up to k + 1.
  const ends = providers.flatMap(([provider, t]) => [...t.ends].sort((a, b) => a[0] - b[0]).map(([k, e]) => ({ provider, k, ...e })));
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
  const waste = providers
    .filter(([, t]) => t.retried > 0)
    .map(([provider, t]) => ({ provider, total: t.retries, wasted: t.wasted, byCause: t.wastedBy }));
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
      by_cause: causes.map(([cause], i) => ({ cause, retries: waste.reduce((n, w) => n + w.byCause[i], 0) })),
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

export function reliability(tally: ReportTally): Reliability {
  const rows = sorted(tally.providers).map(([provider, t]) => ({
    provider, errors: t.errors.cur, rec: t.recovered.cur, fail: t.failed.cur, week: t.week, pweek: t.previousWeek,
  }));
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
