// Section 8: the guide's maintenance checklist, each item with a status that follows from the sections
// above (ok: nothing to do; look: something to look at, and why), and the section that shows it.
import type { PeriodReport, SectionId } from './build.js';
import { NEAR_MISS } from './alerts.js';

/** Errors growing more than this (%) against the previous period ask for a look. */
export const GROWTH_PCT = 20;
/** A recovery rate falling more than this many points asks for a look. */
export const RECOVERY_DROP_POINTS = 5;

export interface ChecklistItem {
  cadence: 'daily' | 'weekly' | 'monthly';
  item: string;
  status: 'ok' | 'look';
  section: SectionId;
  /** Why it needs a look, or what was checked. */
  note: string;
}

type Sections = Omit<PeriodReport, 'checklist'>;
const list = (xs: string[]) => xs.join(', ');
const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;

/** Each item: what it is, where it is shown, and the findings that ask for a look (none: ok). */
const ITEMS: Array<{ cadence: ChecklistItem['cadence']; item: string; section: SectionId; look: (r: Sections) => string[]; ok: string }> = [
  {
    cadence: 'daily',
    item: 'Review error rate trends',
    section: 'trends',
    look: (r) => [
      ...(r.trends.total.change_pct !== null && r.trends.total.change_pct > GROWTH_PCT ? [`errors up ${r.trends.total.change_pct}%`] : []),
      ...(r.trends.new_providers.length ? [`new providers: ${list(r.trends.new_providers)}`] : []),
      ...(r.trends.new_error_types.length ? [`new error types: ${list(r.trends.new_error_types)}`] : []),
    ],
    ok: 'no growth past 20%, nothing new',
  },
  {
    cadence: 'daily',
    item: 'Check rate-limit usage',
    section: 'rate-limit-usage',
    look: (r) => [
      ...r.rate_limit_usage.filter((u) => u.fraction !== null && u.fraction >= NEAR_MISS).map((u) => `${u.provider} ${u.text}`),
      ...r.rate_limit_usage.filter((u) => u.quota_exhausted > 0).map((u) => `${u.provider}: ${plural(u.quota_exhausted, 'quota exhaustion')}`),
    ],
    ok: 'every provider stayed under 80% of its threshold, no quota exhausted',
  },
  {
    cadence: 'daily',
    item: 'Verify alert health',
    section: 'alert-health',
    look: (r) => [
      ...r.alert_health.alerts.filter((a) => a.flapping).map((a) => `${a.alert} ${a.provider} flapping`),
      ...r.alert_health.alerts.filter((a) => a.near_misses.length).map((a) => `${a.alert} ${a.provider}: ${plural(a.near_misses.length, 'near miss', 'near misses')}`),
      ...r.alert_health.alerts.filter((a) => a.episodes && !a.flapping).map((a) => `${a.alert} ${a.provider} fired ${a.episodes}×`),
    ],
    ok: 'no alert fired, flapped or nearly fired',
  },
  {
    cadence: 'weekly',
    item: 'Analyse error patterns',
    section: 'error-patterns',
    look: (r) => [
      ...(r.error_patterns.new_messages.length ? [plural(r.error_patterns.new_messages.length, 'new message')] : []),
      ...r.error_patterns.auth_failures.map((a) => `${a.provider}: ${plural(a.current, 'auth failure')}`),
    ],
    ok: 'no new message, no auth failure',
  },
  {
    cadence: 'weekly',
    item: 'Review recovery strategies',
    section: 'recovery-and-retries',
    look: (r) => r.recovery.by_provider.filter((x) => x.change_points !== null && x.change_points < -RECOVERY_DROP_POINTS).map((x) => `${x.provider} recovery down ${-x.change_points!} points`),
    ok: 'no recovery rate fell more than 5 points',
  },
  {
    cadence: 'weekly',
    item: 'Update alert thresholds',
    section: 'threshold-review',
    look: (r) => r.threshold_review.filter((t) => t.episodes > t.allowed_episodes && t.suggested !== null).map((t) => `${t.alert} ${t.provider}: ${t.threshold} → ${t.suggested}`),
    ok: 'no alert fired more than once a week',
  },
  { cadence: 'monthly', item: 'Generate an error analytics report', section: 'checklist', look: () => [], ok: 'this report' },
  {
    cadence: 'monthly',
    item: 'Review provider reliability',
    section: 'provider-reliability',
    look: (r) => r.trends.by_provider.filter((x) => x.change_pct !== null && x.change_pct > GROWTH_PCT).map((x) => `${x.provider} errors up ${x.change_pct}%`),
    ok: 'no provider\'s errors grew past 20%',
  },
  {
    cadence: 'monthly',
    item: 'Optimise retry strategies',
    section: 'recovery-and-retries',
    look: (r) => [
      ...(r.recovery.retries.wasted ? [`${plural(r.recovery.retries.wasted, 'retry', 'retries')} (${Math.round(r.recovery.retries.share! * 1000) / 10}%) spent on errors a retry cannot fix`] : []),
      ...r.recovery.suggested_max_retries.filter((s) => s.suggested < s.observed_max).map((s) => `${s.provider}: retries past ${s.suggested} rarely succeed`),
    ],
    ok: 'no wasted retry, every retry made pays',
  },
];

export function checklist(r: Sections): ChecklistItem[] {
  return ITEMS.map((i) => {
    const found = i.look(r);
    return { cadence: i.cadence, item: i.item, status: found.length ? 'look' : 'ok', section: i.section, note: found.length ? found.join('; ') : i.ok };
  });
}
