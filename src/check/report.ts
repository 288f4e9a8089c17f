// What `check` prints: one report object, in the formats a CI job shows (table, json, markdown, GitHub
// workflow commands) and JUnit XML (a test case per alert and provider, and per generated file).
import { Chalk } from 'chalk';
import type { Config } from '../config/types.js';
import { renderJson, renderSections, type Section } from '../render/index.js';
import { markdownCell } from '../escape.js';
import type { BacktestResult, PairResult } from './backtest.js';
import type { DriftEntry } from './drift.js';
import { FORMAT, plural, VALUE } from './format.js';

export type CheckFormat = 'table' | 'json' | 'markdown' | 'github';
export const CHECK_FORMATS: readonly CheckFormat[] = ['table', 'json', 'markdown', 'github'];

export interface ReportEpisode {
  alert: string;
  provider: string;
  severity: string;
  start: string;
  end: string | null;
  /** Largest value at the evaluations from start up to, not including, end (exact). */
  peak: number;
  /** Smallest value over the same evaluations (the worst ratio, for LowLLMRecoveryRate). */
  low: number;
  evaluations: number;
}

export interface ReportAlert {
  alert: string;
  provider: string;
  severity: string;
  kind: 'rate' | 'increase' | 'ratio';
  condition: string;
  threshold: number;
  window: string;
  for: string;
  min_events: number | null;
  overridden: boolean;
  events: number;
  /** The value closest to firing over the range (largest; smallest counted ratio for LowLLMRecoveryRate). */
  worst: number | null;
  episodes: number;
  fired: boolean;
}

export interface CheckReport {
  status: 'pass' | 'fail';
  range: { from: string | null; to: string | null; evaluation_interval: string; evaluations: number };
  providers: string[];
  episodes: ReportEpisode[];
  alerts: ReportAlert[];
  not_backtestable: Array<{ alert: string; reason: string }>;
  drift: Array<{ file: string; status: DriftEntry['status']; kind: DriftEntry['kind']; line: number | null; diff: string[]; note: string }>;
  ingest: { files: number; records: number; ignored: number; skipped: number } | null;
  /** Stored events in the range and providers: none means nothing was backtested (exit 2 unless allowed). */
  events: number;
  empty_allowed: boolean;
  /** The least severity whose firing fails the check (--fail-on). */
  fail_on: FailOn;
}

export const FAIL_ON = ['critical', 'warning'] as const;
export type FailOn = (typeof FAIL_ON)[number];
// Critical above warning above anything else (info, say), which never fails a check.
const rank = (severity: string): number => (severity === 'critical' ? 2 : severity === 'warning' ? 1 : 0);
/** Does this alert's firing fail a check run with --fail-on `failOn`? */
export const failsCheck = (severity: string, failOn: FailOn): boolean => rank(severity) >= rank(failOn);

const iso = (ms: number) => new Date(ms).toISOString();

export function condition(p: Pick<PairResult, 'kind' | 'compare' | 'threshold' | 'window' | 'for' | 'min_events'>): string {
  const t = VALUE[p.kind](p.threshold);
  const what = p.kind === 'rate' ? `> ${t} over ${p.window}` : p.kind === 'ratio' ? `< ${t} over ${p.window}, with at least ${plural(p.min_events ?? 0, 'outcome')}` : `> ${t} in ${p.window}`;
  return `${what}, for ${p.for}`;
}

export function buildCheckReport(
  result: BacktestResult, drift: DriftEntry[], config: Config, ingest: CheckReport['ingest'], events: number, emptyAllowed: boolean,
  failOn: FailOn = 'warning',
): CheckReport {
  const episodes = result.episodes.map((e) => ({
    alert: e.alert,
    provider: e.provider,
    severity: e.severity,
    start: iso(e.start),
    end: e.end === null ? null : iso(e.end),
    peak: e.peak,
    low: e.low,
    evaluations: e.evaluations,
  }));
  const alerts = result.pairs.map((p) => ({
    alert: p.alert,
    provider: p.provider,
    severity: p.severity,
    kind: p.kind,
    condition: condition(p),
    threshold: p.threshold,
    window: p.window,
    for: p.for,
    min_events: p.min_events,
    overridden: p.overridden,
    events: p.events,
    worst: p.worst,
    episodes: p.episodes.length,
    fired: p.episodes.length > 0,
  }));
  const failed = alerts.some((a) => a.fired && failsCheck(a.severity, failOn)) || drift.some((d) => d.status !== 'ok');
  return {
    status: failed ? 'fail' : 'pass',
    range: {
      from: result.first === null ? null : iso(result.first),
      to: result.last === null ? null : iso(result.last),
      evaluation_interval: config.evaluation_interval,
      evaluations: result.evaluations,
    },
    providers: result.providers,
    episodes,
    alerts,
    not_backtestable: result.notBacktestable.map((n) => ({ alert: n.alert, reason: n.reason })),
    drift: drift.map((d) => ({ file: d.file, status: d.status, kind: d.kind, line: d.line, diff: d.diff, note: d.note })),
    ingest,
    events,
    empty_allowed: emptyAllowed,
    fail_on: failOn,
  };
}

const fired = (r: CheckReport) => r.alerts.filter((a) => a.fired);
const drifted = (r: CheckReport) => r.drift.filter((d) => d.status !== 'ok');
const episodesOf = (r: CheckReport, a: ReportAlert) => r.episodes.filter((e) => e.alert === a.alert && e.provider === a.provider);
const alertOf = (r: CheckReport, e: ReportEpisode) => r.alerts.find((a) => a.alert === e.alert && a.provider === e.provider)!;
const span = (e: ReportEpisode) => `${e.start} to ${e.end ?? 'the end of the range (still firing)'}`;

/** The value closest to firing over some episodes of one pair: the largest, or for a ratio the lowest. */
function worstOf(a: ReportAlert, eps: ReportEpisode[]): { label: 'peak' | 'lowest'; value: string } {
  return a.kind === 'ratio'
    ? { label: 'lowest', value: FORMAT.ratio(Math.min(...eps.map((e) => e.low))) }
    : { label: 'peak', value: VALUE[a.kind](Math.max(...eps.map((e) => e.peak))) };
}
const peakCell = (w: ReturnType<typeof worstOf>) => (w.label === 'lowest' ? `${w.value} (lowest)` : w.value);

export const FIRED_COLUMNS = ['alert', 'provider', 'severity', 'episodes', 'first start', 'last end', 'peak', 'condition'] as const;

/** One row per alert and provider that fired, its episodes grouped: table and markdown both print these. */
export function firedRows(r: CheckReport): Array<Record<(typeof FIRED_COLUMNS)[number], string>> {
  return fired(r).map((a) => {
    const eps = episodesOf(r, a);
    return {
      alert: a.alert,
      provider: a.provider,
      severity: a.severity,
      episodes: FORMAT.count(eps.length),
      'first start': eps[0].start,
      'last end': FORMAT.end(eps[eps.length - 1].end),
      peak: peakCell(worstOf(a, eps)),
      condition: a.condition,
    };
  });
}

/** One sentence on one fired alert and provider. */
export function firedSentence(r: CheckReport, a: ReportAlert): string {
  const eps = episodesOf(r, a);
  const w = worstOf(a, eps);
  const when = eps.length === 1 ? `once, ${span(eps[0])}` : `${plural(eps.length, 'time')}, first ${span(eps[0])}, last ${span(eps[eps.length - 1])}`;
  return `${a.alert} would have fired for ${a.provider} ${when}; ${w.label} ${w.value} (${a.severity}: ${a.condition}${a.overridden ? ', provider override' : ''})`;
}

/** The verdict line. */
export function verdict(r: CheckReport): string {
  const f = fired(r);
  const d = drifted(r);
  const parts: string[] = [];
  const below = f.filter((a) => !failsCheck(a.severity, r.fail_on)).length;
  if (r.events === 0) parts.push(NO_EVENTS);
  else if (f.length) parts.push(`${plural(f.length, 'alert×provider pair')} would have fired (${plural(r.episodes.length, 'episode')})${below ? `, ${FORMAT.count(below)} of them below --fail-on ${r.fail_on}` : ''}`);
  else parts.push(`no alert would have fired (${plural(r.alerts.length, 'alert×provider pair')}, ${FORMAT.count(r.range.evaluations)} evaluations each)`);
  if (r.drift.length) parts.push(d.length ? `${plural(d.length, 'generated file')} drifted` : `${plural(r.drift.length, 'generated file')} current`);
  return `${r.status === 'fail' ? 'FAIL' : r.events === 0 ? 'EMPTY' : 'PASS'}: ${parts.join('; ')}`;
}

/** What every format says when the range held no event. */
export const NO_EVENTS = 'no event was read in the range, so nothing was backtested (check the paths, --since/--until and --provider; --allow-empty accepts this)';

function sections(r: CheckReport): Section[] {
  const out: Section[] = [
    {
      key: 'backtest',
      title: 'Backtest',
      columns: ['from', 'to', 'evaluation_interval', 'evaluations', 'providers', 'alerts'],
      rows: [{ ...r.range, evaluations: FORMAT.count(r.range.evaluations), providers: FORMAT.count(r.providers.length), alerts: FORMAT.count(new Set(r.alerts.map((a) => a.alert)).size) }],
    },
    // Grouped per alert and provider, as markdown: a month of logs can hold thousands of episodes.
    { key: 'episodes', title: 'Alerts that would have fired', columns: [...FIRED_COLUMNS], rows: firedRows(r), empty: 'none' },
  ];
  if (r.not_backtestable.length) out.push({ key: 'not_backtestable', title: 'Not backtestable', columns: ['alert', 'reason'], rows: r.not_backtestable });
  if (r.drift.length) out.push({ key: 'drift', title: 'Generated files', columns: ['file', 'status', 'line'], rows: r.drift });
  return out;
}

export function renderTableReport(r: CheckReport, color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  let text = renderSections('table', sections(r), color);
  for (const d of drifted(r)) {
    text += `${c.yellow(d.note)}\n`;
    for (const l of d.diff) text += `  ${l.startsWith('-') ? c.red(l) : l.startsWith('+') ? c.green(l) : l}\n`;
    text += '\n';
  }
  return `${text}${r.status === 'fail' ? c.red.bold(verdict(r)) : c.green.bold(verdict(r))}\n`;
}

const mdCell = (v: unknown) => markdownCell(v === null || v === undefined ? '' : String(v));

/** The markdown report (also the GitHub step summary). */
export function renderMarkdownReport(r: CheckReport): string {
  const out: string[] = [`## vtcode-errors check: ${r.status === 'fail' ? 'failed' : r.events === 0 ? 'no events' : 'passed'}`, '', `**${verdict(r)}**`, ''];
  out.push(
    r.range.from === null
      ? '_No evaluations: the logs hold no events in the range._'
      : `Backtest from ${r.range.from} to ${r.range.to}, every ${r.range.evaluation_interval} (${plural(r.range.evaluations, 'evaluation')}), ${plural(r.providers.length, 'provider')}: ${r.providers.map((p) => `\`${p.replace(/`/g, "'")}\``).join(', ')}.`,
    '',
  );
  const rows = firedRows(r);
  if (rows.length) {
    out.push('### Alerts that would have fired', '', `| ${FIRED_COLUMNS.join(' | ')} |`, `|${FIRED_COLUMNS.map(() => ' --- ').join('|')}|`);
    for (const row of rows) out.push(`| ${FIRED_COLUMNS.map((c) => mdCell(row[c])).join(' | ')} |`);
    out.push('', '<details><summary>Every episode</summary>', '', '| alert | provider | start | end | peak |', '| --- | --- | --- | --- | --- |');
    for (const e of r.episodes) out.push(`| ${[e.alert, e.provider, e.start, FORMAT.end(e.end), peakCell(worstOf(alertOf(r, e), [e]))].map(mdCell).join(' | ')} |`);
    out.push('', '</details>', '');
  }
  if (r.drift.length) {
    out.push('### Generated files', '', '| file | status |', '| --- | --- |');
    for (const d of r.drift) out.push(`| ${mdCell(d.file)} | ${d.status} |`);
    out.push('');
    for (const d of drifted(r)) {
      out.push(`- ${mdCell(d.note)}`);
      if (d.diff.length) out.push('', '```diff', ...d.diff.map((l) => l.replace(/```/g, "'''")), '```', '');
    }
    out.push('');
  }
  if (r.not_backtestable.length) {
    out.push('### Not backtestable', '');
    for (const n of r.not_backtestable) out.push(`- \`${n.alert}\`: ${n.reason}`);
    out.push('');
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

// GitHub workflow commands: data escapes %, CR, LF; properties also : and ,.
const ghData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const ghProp = (s: string) => ghData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** One `::error` (critical) or `::warning` line per fired alert and provider, and one `::error` per drifted file. */
export function renderGithub(r: CheckReport): string {
  const lines: string[] = [];
  if (r.events === 0) lines.push(`::${r.empty_allowed ? 'warning' : 'error'} title=No events::${ghData(NO_EVENTS)}`);
  for (const a of fired(r)) {
    const level = a.severity === 'critical' ? 'error' : 'warning';
    lines.push(`::${level} title=${ghProp(`${a.alert} ${a.provider}`)}::${ghData(firedSentence(r, a))}`);
  }
  for (const d of drifted(r)) {
    const props = [`file=${ghProp(d.file)}`, ...(d.line !== null ? [`line=${d.line}`] : []), `title=${ghProp(d.status === 'missing' ? `Missing generated file ${d.file}` : `Stale generated file ${d.file}`)}`];
    lines.push(`::error ${props.join(',')}::${ghData(d.note)}`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

export function renderReport(r: CheckReport, format: CheckFormat, color: boolean): string {
  if (format === 'json') return renderJson(r);
  if (format === 'markdown') return renderMarkdownReport(r);
  if (format === 'github') return renderGithub(r);
  return renderTableReport(r, color);
}

// JUnit XML ------------------------------------------------------------------------------------------------------

/** Text for XML 1.0: escaped, and characters XML cannot hold (controls, lone surrogates) replaced. */
export function xmlText(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** JUnit XML: a suite of alert×provider cases (failed when it fired) and a suite of generated files (failed unless ok). */
export function renderJunit(r: CheckReport): string {
  const attrs = (o: Record<string, string | number>) => Object.entries(o).map(([k, v]) => ` ${k}="${xmlText(String(v))}"`).join('');
  const alertCases = r.alerts.map((a) => {
    const head = `    <testcase${attrs({ classname: `vtcode-errors.check.${a.alert}`, name: `${a.alert} ${a.provider}`, time: 0 })}`;
    if (!a.fired) return `${head}/>`;
    // Fired, but below --fail-on: told, not failed.
    if (!failsCheck(a.severity, r.fail_on)) return `${head}>\n      <system-out>${xmlText(firedSentence(r, a))}</system-out>\n    </testcase>`;
    const body = episodesOf(r, a)
      .map((e) => {
        const w = worstOf(a, [e]);
        return `${span(e)}: ${w.label} ${w.value}`;
      })
      .join('\n');
    return `${head}>\n      <failure${attrs({ message: firedSentence(r, a), type: a.severity })}>${xmlText(body)}</failure>\n    </testcase>`;
  });
  const fileCases = r.drift.map((d) => {
    const head = `    <testcase${attrs({ classname: 'vtcode-errors.check.drift', name: d.file, time: 0 })}`;
    if (d.status === 'ok') return `${head}/>`;
    return `${head}>\n      <failure${attrs({ message: d.note, type: d.status })}>${xmlText(d.diff.join('\n'))}</failure>\n    </testcase>`;
  });
  // The input itself is a case: no event in the range fails it (or skips it, with --allow-empty).
  if (r.events === 0) {
    const head = `    <testcase${attrs({ classname: 'vtcode-errors.check.input', name: 'events in range', time: 0 })}>`;
    alertCases.unshift(`${head}\n      <${r.empty_allowed ? 'skipped' : 'failure'}${attrs({ message: NO_EVENTS })}/>\n    </testcase>`);
  }
  // Alerts the logs cannot backtest: a skipped case each, with the reason.
  for (const n of r.not_backtestable) {
    alertCases.push(`    <testcase${attrs({ classname: `vtcode-errors.check.${n.alert}`, name: n.alert, time: 0 })}>\n      <skipped${attrs({ message: n.reason })}/>\n    </testcase>`);
  }
  const alertFailures = r.alerts.filter((a) => a.fired && failsCheck(a.severity, r.fail_on)).length + (r.events === 0 && !r.empty_allowed ? 1 : 0);
  const alertSkipped = (r.events === 0 && r.empty_allowed ? 1 : 0) + r.not_backtestable.length;
  const fileFailures = r.drift.filter((d) => d.status !== 'ok').length;
  const props = [
    ['range_from', r.range.from ?? ''],
    ['range_to', r.range.to ?? ''],
    ['evaluation_interval', r.range.evaluation_interval],
    ['evaluations', String(r.range.evaluations)],
    ['events', String(r.events)],
    ...r.not_backtestable.map((n) => ['not_backtestable', n.alert]),
  ];
  const suite = (name: string, cases: string[], failures: number, extra = '', skipped = 0) =>
    `  <testsuite${attrs({ name, tests: cases.length, failures, errors: 0, skipped, time: 0 })}>\n${extra}${cases.map((c) => `${c}\n`).join('')}  </testsuite>\n`;
  const propsXml = `    <properties>\n${props.map(([k, v]) => `      <property${attrs({ name: k, value: v })}/>\n`).join('')}    </properties>\n`;
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites${attrs({ name: 'vtcode-errors check', tests: alertCases.length + fileCases.length, failures: alertFailures + fileFailures, errors: 0, time: 0 })}>\n` +
    suite('alert backtest', alertCases, alertFailures, propsXml, alertSkipped) +
    (fileCases.length ? suite('generated files', fileCases, fileFailures) : '') +
    '</testsuites>\n'
  );
}
