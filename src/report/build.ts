// The report (issue 15): every section computed from the tally of one period's rows, as one object.
// The json format prints it as it is; markdown and html render it.
import type { Config } from '../config/types.js';
import { alertSections, type AlertSections } from './alerts.js';
import { checklist, type ChecklistItem } from './checklist.js';
import { iso, type Period } from './period.js';
import { patterns, periodProviders, recovery, reliability, trends, type Patterns, type Recovery, type Reliability, type Trends } from './sections.js';
import type { ReportTally } from './tally.js';

/** The sections in their order: the anchor every format links to, and the title. */
export const SECTIONS = [
  { id: 'trends', title: 'Trends' },
  { id: 'rate-limit-usage', title: 'Rate-limit usage' },
  { id: 'alert-health', title: 'Alert health' },
  { id: 'threshold-review', title: 'Threshold review' },
  { id: 'error-patterns', title: 'Error patterns' },
  { id: 'recovery-and-retries', title: 'Recovery and retries' },
  { id: 'provider-reliability', title: 'Provider reliability' },
  { id: 'checklist', title: 'Checklist' },
] as const;
export type SectionId = (typeof SECTIONS)[number]['id'];

export interface PeriodReport {
  period: { name: Period['name']; from: string; to: string; previous_from: string; previous_to: string; bucket: Period['bucket'] };
  config: string | null;
  ingest: { files: number; records: number; ignored: number; skipped: number } | null;
  /** Providers with a row in the period. */
  providers: string[];
  trends: Trends;
  rate_limit_usage: AlertSections['rate_limit_usage'];
  alert_health: AlertSections['alert_health'] & { evaluation: AlertSections['evaluation'] };
  threshold_review: AlertSections['threshold_review'];
  error_patterns: Patterns;
  recovery: Recovery;
  reliability: Reliability;
  checklist: ChecklistItem[];
}

/** The report from the tally of its rows (tally.ts). */
export function buildPeriodReport(tally: ReportTally, config: Config, ingest: PeriodReport['ingest']): PeriodReport {
  const p = tally.period;
  const providers = periodProviders(tally);
  const alerts = alertSections(tally, config, p, providers);
  const report: Omit<PeriodReport, 'checklist'> = {
    period: { name: p.name, from: iso(p.from), to: iso(p.to), previous_from: iso(p.previousFrom), previous_to: iso(p.from), bucket: p.bucket },
    config: config.source,
    ingest,
    providers,
    trends: trends(tally, p),
    rate_limit_usage: alerts.rate_limit_usage,
    alert_health: { evaluation: alerts.evaluation, ...alerts.alert_health },
    threshold_review: alerts.threshold_review,
    error_patterns: patterns(tally),
    recovery: recovery(tally, p),
    reliability: reliability(tally),
  };
  return { ...report, checklist: checklist(report) };
}
