// The analyses' report as the sections every text format prints (titles, columns, notes): presentation,
// apart from how the numbers are made (analyses/report.ts) and from the command (commands/analyze.ts).
import { ANALYSES, type AnalysisReport } from '../analyses/report.js';
import type { Section } from './sections.js';

const TITLES: Record<(typeof ANALYSES)[number], string> = {
  rate_limit_spikes: 'Rate-limit spikes (per provider per UTC hour)',
  auth_failures: 'Authentication failures',
  network_errors: 'Network errors',
  recovery: 'Recovery after retries',
};

const COLUMNS: Record<(typeof ANALYSES)[number], string[]> = {
  rate_limit_spikes: ['provider', 'hour', 'count', 'throttled', 'quota', 'spike'],
  auth_failures: ['provider', 'message', 'count'],
  network_errors: ['provider', 'avg_retries', 'total'],
  recovery: ['provider', 'recovered', 'failed', 'success_rate'],
};

/** The report as sections; `withSummary` false gives only the analyses' rows (CSV). */
export function analysisSections(report: AnalysisReport, withSummary: boolean): Section[] {
  const s = report.summary;
  const analyses: Section[] = ANALYSES.map((key) => ({
    key,
    title: TITLES[key],
    columns: COLUMNS[key],
    rows: report[key],
    notes: report.actions[key],
    empty: 'no findings',
  }));
  // A spike flag reads as a word, with the rule that set it.
  const rule = report.spike_rule;
  analyses[0].rows = report.rate_limit_spikes.map((r) => ({ ...r, spike: r.spike ? 'yes' : '' }));
  if (report.rate_limit_spikes.length > 0) {
    analyses[0].notes = [`spike: at least ${rule.min_events} in the hour and ${rule.factor}× the provider's median hour (analyze.spike_min)`, ...(analyses[0].notes ?? [])];
  }
  if (!withSummary) return analyses;
  const summary: Section = {
    key: 'summary',
    title: 'Summary',
    columns: ['files', 'records', 'errors', 'ignored', 'skipped', 'from', 'to'],
    rows: [{ files: s.files, records: s.records, errors: s.errors, ignored: s.ignored, skipped: s.skipped, from: s.from, to: s.to }],
  };
  const byProvider: Section = { key: 'by_provider', title: 'Errors by provider', columns: ['provider', 'errors'], rows: s.by_provider, empty: 'no errors' };
  const byType: Section = { key: 'by_type', title: 'Errors by type', columns: ['error_type', 'errors'], rows: s.by_type, empty: 'no errors' };
  const sections = [summary, byProvider, byType, ...analyses];
  if (report.skipped_samples.length) {
    sections.push({ key: 'skipped_samples', title: 'Skipped records (first 20)', columns: ['file', 'line', 'reason'], rows: report.skipped_samples });
  }
  return sections;
}
