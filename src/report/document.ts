// The report's sections as blocks (headings, paragraphs, tables, lists) that markdown and HTML both
// render: what each section says is written once. The checklist (section 8) is rendered by each format.
import { SECTIONS, type PeriodReport, type SectionId } from './build.js';

export type Cell = string | number | null;
export type Block =
  | { h: string }
  | { p: string }
  | { list: string[] }
  | { table: { columns: string[]; rows: Cell[][]; empty?: string } };

export const title = (id: SectionId): string => SECTIONS.find((s) => s.id === id)!.title;
/** The order the formats show the sections in: the checklist first, as the summary. */
export const SECTION_ORDER: SectionId[] = ['checklist', ...SECTIONS.map((s) => s.id).filter((id) => id !== 'checklist')];
export const MARK = { ok: '✓', look: '⚠' } as const;

export const pct = (v: number | null): string => (v === null ? '' : `${v > 0 ? '+' : ''}${v}%`);
export const share = (v: number | null): string => (v === null ? '' : `${Math.round(v * 1000) / 10}%`);
const table = (columns: string[], rows: Cell[][], empty?: string): Block => ({ table: { columns, rows, empty } });
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function intro(r: PeriodReport): string {
  const p = r.period;
  return `From ${p.from} to ${p.to}, compared with the ${p.name} before it (${p.previous_from} to ${p.previous_to}); ${plural(r.providers.length, 'provider')} with rows: ${r.providers.join(', ') || 'none'}.`;
}

export const BLOCKS: Record<Exclude<SectionId, 'checklist'>, (r: PeriodReport) => Block[]> = {
  trends: (r) => {
    const t = r.trends;
    const buckets = [...new Set(t.series.map((s) => s.bucket))];
    const providers = t.by_provider.filter((x) => x.current > 0).map((x) => x.provider);
    const perBucket = buckets.map((b) => [b, ...providers.map((pr) => t.series.filter((s) => s.bucket === b && s.provider === pr).reduce((n, s) => n + s.errors, 0))]);
    return [
      { p: `${t.total.current} errors against ${t.total.previous} the ${r.period.name} before (${pct(t.total.change_pct) || 'none before'}).` },
      ...(t.new_providers.length ? [{ p: `New providers: ${t.new_providers.join(', ')}.` }] : []),
      ...(t.new_error_types.length ? [{ p: `New error types: ${t.new_error_types.join(', ')}.` }] : []),
      ...(t.top_growth.length ? [{ p: `Grew most: ${t.top_growth.map((g) => `${g.provider} +${g.growth}${g.change_pct === null ? ' (new)' : ` (${pct(g.change_pct)})`}`).join(', ')}.` }] : []),
      { h: 'By provider' },
      table(['provider', 'errors', 'before', 'change', 'new'], t.by_provider.map((x) => [x.provider, x.current, x.previous, pct(x.change_pct), x.new ? 'yes' : ''])),
      { h: 'By error type' },
      table(['error type', 'errors', 'before', 'change', 'new'], t.by_type.map((x) => [x.error_type, x.current, x.previous, pct(x.change_pct), x.new ? 'yes' : ''])),
      { h: `Errors per ${t.bucket}` },
      table([t.bucket, ...providers], perBucket, 'no errors'),
    ];
  },
  'rate-limit-usage': (r) => [
    { p: "The peak of the RateLimitExceeded alert's value (rate-limit errors in its window) at the period's evaluations, against its threshold. Quota exhaustion (not retryable) is counted apart from throttling." },
    table(
      ['provider', 'peak', 'threshold', 'of threshold', 'when', 'throttled', 'quota exhausted', 'quota first', 'quota last'],
      r.rate_limit_usage.map((u) => [u.provider, u.peak, u.threshold, share(u.fraction), u.peak_at === null ? '' : u.text.replace(/^peaked at \S+ on /, ''), u.throttled, u.quota_exhausted, u.quota_first, u.quota_last]),
    ),
  ],
  'alert-health': (r) => {
    const h = r.alert_health;
    const misses = h.alerts.flatMap((a) => a.near_misses.map((n) => [a.alert, a.provider, n.start, n.end ?? 'still', n.value, share(n.fraction)]));
    const episodes = h.alerts.flatMap((a) => a.episode_list.map((e) => [a.alert, a.provider, e.start, e.end ?? 'still firing', e.peak]));
    return [
      {
        p:
          h.evaluation.first === null
            ? 'No evaluation: no provider has rows in the period.'
            : `The backtest of every enabled alert (check's engine) from ${h.evaluation.first} to ${h.evaluation.last}, every ${h.evaluation.interval} (${h.evaluation.evaluations} evaluations). Flapping: more than 3 episodes in a day. A near miss: the value past 80% of the threshold while the alert did not fire.`,
      },
      table(
        ['alert', 'provider', 'episodes', 'firing (min)', 'flapping', 'near misses'],
        h.alerts.map((a) => [a.alert, a.provider, a.episodes, a.firing_minutes, a.flapping ? `⚠ ${a.flapping_days.map((d) => `${d.day} (${d.episodes})`).join(', ')}` : '', a.near_misses.length || '']),
      ),
      ...(misses.length ? [{ h: 'Near misses' }, table(['alert', 'provider', 'from', 'to', 'closest value', 'of threshold'], misses)] : []),
      ...(episodes.length ? [{ h: 'Episodes' }, table(['alert', 'provider', 'start', 'end', 'peak'], episodes)] : []),
      ...(h.not_backtestable.length ? [{ h: 'Not backtestable' }, { list: h.not_backtestable.map((n) => `${n.alert}: ${n.reason}`) }] : []),
    ];
  },
  'threshold-review': (r) => [
    { p: "The alert's value over the period's evaluations (nearest-rank percentiles), and the threshold that would have fired at most once a week on this history: a suggestion for review, never applied (--write-config FILE writes the ones of alerts that fired more often into a copy of the config)." },
    table(
      ['alert', 'provider', 'p50', 'p95', 'p99', 'max (min for a ratio)', 'threshold', 'fired', 'suggested', 'would fire'],
      r.threshold_review.map((t) => [t.alert, t.provider, t.p50, t.p95, t.p99, t.compare === 'below' ? t.min : t.max, t.threshold, t.episodes, t.suggested, t.suggested_episodes]),
    ),
    { h: 'Reasoning' },
    { list: r.threshold_review.map((t) => `${t.alert} ${t.provider}: ${t.reasoning}`) },
  ],
  'error-patterns': (r) => {
    const e = r.error_patterns;
    return [
      { h: 'Most frequent messages per error type' },
      table(['error type', 'message', 'count'], e.top_messages.map((m) => [m.error_type, m.message, m.count]), 'no errors'),
      { h: 'New this period' },
      table(['error type', 'message', 'count', 'first seen'], e.new_messages.map((m) => [m.error_type, m.message, m.count, m.first_seen])),
      { h: 'Auth failures per provider' },
      table(['provider', 'failures', 'before', 'change', 'most frequent message'], e.auth_failures.map((a) => [a.provider, a.current, a.previous, pct(a.change_pct), a.top_message])),
    ];
  },
  'recovery-and-retries': (r) => {
    const x = r.recovery;
    return [
      { h: 'Recovery rate' },
      table(['provider', 'recovered', 'failed', 'rate', 'before', 'change (points)'], x.by_provider.map((p) => [p.provider, p.recovered, p.failed, share(p.rate), share(p.previous_rate), p.change_points])),
      { h: 'Attempts' },
      { p: 'Outcomes with a retry count, by the attempt they ended at: how many requests reached each attempt and how many recovered there.' },
      table(['provider', 'attempt', 'reached', 'recovered', 'success'], x.attempts.map((a) => [a.provider, a.attempt, a.reached, a.recovered, share(a.success_rate)])),
      { h: 'Wasted retries' },
      { p: `${x.retries.wasted} of ${x.retries.total} retries (${share(x.retries.share) || '0%'}) were spent on errors a retry cannot fix: ${x.retries.by_cause.map((c) => `${c.cause} ${c.retries}`).join(', ')}.` },
      table(['provider', 'retries', 'wasted', 'share'], x.waste_by_provider.map((w) => [w.provider, w.retries, w.wasted, share(w.share)])),
      { h: 'Suggested maximum retries' },
      table(['provider', 'most retries made', 'suggested', 'why'], x.suggested_max_retries.map((s) => [s.provider, s.observed_max, s.suggested, s.reason])),
    ];
  },
  'provider-reliability': (r) => [
    { p: 'Ranked by errors (1: the most), by errors per recovered or failed outcome (1: the most) and by recovery rate (1: the lowest); week over week: the last 7 days of the period against the 7 before.' },
    table(
      ['provider', 'errors', 'rank', 'errors per outcome', 'rank', 'recovery rate', 'rank', 'last 7 days', 'the 7 before', 'week over week'],
      r.reliability.providers.map((p) => [p.provider, p.errors, p.rank_errors, p.errors_per_outcome, p.rank_errors_per_outcome, share(p.recovery_rate), p.rank_recovery, p.week_errors, p.previous_week_errors, pct(p.wow_change_pct)]),
    ),
  ],
};
