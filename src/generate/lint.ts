// `lint`: what a reviewer would flag in the config and the rules it generates, each finding with a stable
// id (a smaller cousin of Cloudflare's pint; its check names are given where one of ours mirrors it).
// Findings are about a valid config: an invalid one never gets here (loadConfig refuses it first).
import { keyLine, nearestLine } from '../config/lines.js';
import { tryParseDurationMs, formatDurationMs } from '../config/duration.js';
import { parseSelector } from '../config/selector.js';
import type { AlertKey, Config } from '../config/types.js';
import { providerId } from '../ingest/providers.js';
import { SERIES } from '../alerts/series.js';
import { ALERTS, isOverridden, type RuleInstance } from '../alerts/definitions.js';
import { readPromql } from './promql.js';
import { readAlertTemplates } from './alerts.js';
import { generateAlerts, type GeneratedAlerts } from './rules-file.js';

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  id: string;
  severity: Severity;
  /** The config key (`alerts.auth_failures.for`) or template the finding is about. */
  key: string;
  /** File and line to fix (the config, or a template), when known. */
  file: string | null;
  line: number | null;
  message: string;
}

/** Every check: its id (stable: scripts filter on it), severity, and what it flags. README lists them. */
export const CHECKS = {
  'short-window': { severity: 'error', says: 'a window shorter than 2 × scrape_interval holds fewer than two scrapes (pint: promql/rate)' },
  'window-below-evaluation-interval': { severity: 'warning', says: 'a window shorter than evaluation_interval never sees the events between two evaluations' },
  'for-below-evaluation-interval': { severity: 'warning', says: 'a `for` above 0 but below evaluation_interval acts as one evaluation interval' },
  'fires-on-one-event': { severity: 'warning', says: 'threshold 0 with for: 0m pages on a single event' },
  'single-event-never-fires': { severity: 'warning', says: 'threshold 0 (any event) with `for` no shorter than the window minus a scrape: one event leaves the window before `for` has passed' },
  'duplicate-override': { severity: 'error', says: 'two override entries name the same provider (as the exporter spells it)' },
  'override-never-matches': { severity: 'warning', says: 'an override for a provider id the exporter never writes (ids are lower-case)' },
  'override-unchanged': { severity: 'info', says: 'an override that sets every field to the value it already has' },
  'selector-regex-literal': { severity: 'info', says: 'a =~ / !~ matcher without regex syntax, or with ^ $ anchors Prometheus adds itself (pint: promql/regexp)' },
  'expr-no-comparison': { severity: 'error', says: 'an alert expression without a comparison fires whenever it returns anything (pint: alerts/comparison)' },
  'counter-without-rate': { severity: 'error', says: 'a counter read other than through rate() / increase() (pint: promql/counter)' },
  'unknown-series': { severity: 'warning', says: 'an expression reads a metric the exporter (serve) never writes (pint: promql/series)' },
} as const satisfies Record<string, { severity: Severity; says: string }>;
export type CheckId = keyof typeof CHECKS;

const COUNTER_SAFE = new Set(['rate', 'increase', 'irate', 'resets']);

/** Every finding for `config` and its generated rules, in check order then key order. */
/** What `vtcode-errors lint` finds in `config` and the rules it generates with the templates of `templatesDir`. */
export function lintConfig(config: Config, templatesDir?: string): Finding[] {
  const templates = readAlertTemplates(templatesDir);
  return lint(config, generateAlerts(config, 'rules', templatesDir), (key) => templates.files.get(`${key}.yaml`)!.file);
}

export function lint(config: Config, generated: GeneratedAlerts, templateFile: (key: AlertKey) => string): Finding[] {
  const out: Finding[] = [];
  const add = (id: CheckId, path: readonly string[], message: string, fallback?: readonly string[]) => {
    const line = nearestLine(config, path) ?? (fallback ? keyLine(config, fallback) : null);
    out.push({ id, severity: CHECKS[id].severity, key: path.join('.'), file: config.source, line, message });
  };
  out.push(...windowFindings(config, generated.rules.map((r) => r.instance)));

  const ms = (d: string) => tryParseDurationMs(d)!;
  const eiMs = ms(config.evaluation_interval);
  const scrapeMs = ms(config.scrape_interval);
  for (const { instance: r } of generated.rules) {
    const where = specPath(config, r, 'window');
    const forPath = specPath(config, r, 'for');
    const w = ms(r.spec.window);
    const f = ms(r.spec.for);
    const counts = r.def.kind !== 'ratio';
    if (w < eiMs) add('window-below-evaluation-interval', where, `window ${r.spec.window} is shorter than evaluation_interval ${config.evaluation_interval}: ${r.def.name}${scope(r)} never counts the events between two evaluations; use a window of at least ${config.evaluation_interval}`, ['evaluation_interval']);
    if (f > 0 && f < eiMs) add('for-below-evaluation-interval', forPath, `for ${r.spec.for} is shorter than evaluation_interval ${config.evaluation_interval}: ${r.def.name}${scope(r)} fires only after ${config.evaluation_interval} anyway; write for: ${config.evaluation_interval} (or 0m)`);
    if (counts && r.spec.threshold === 0 && f === 0) add('fires-on-one-event', forPath, `${r.def.name}${scope(r)} has threshold 0 and for: ${r.spec.for}: it pages on a single event; set a threshold or a for if that is not meant`);
    if (counts && r.spec.threshold === 0 && f >= w - scrapeMs) {
      add('single-event-never-fires', forPath, `${r.def.name}${scope(r)} has threshold 0 (any event) but for ${r.spec.for} is not shorter than its window ${r.spec.window} minus a scrape (${config.scrape_interval}): a single event leaves the window before for has passed and never fires it; use for below ${formatDurationMs(Math.max(w - scrapeMs, 0))} or a longer window`);
    }
  }

  // Overrides: keys are provider ids as the exporter writes them (src/ingest/providers.ts).
  const seen = new Map<string, string>();
  for (const p of Object.keys(config.overrides)) {
    const id = providerId(p);
    const path = ['alerts', 'overrides', p];
    const first = seen.get(id);
    if (first !== undefined) add('duplicate-override', path, `${JSON.stringify(p)} and ${JSON.stringify(first)} are the same provider (${id}): both would give it a rule for the same alert; merge them into one entry`);
    else seen.set(id, p);
    if (id !== p) add('override-never-matches', path, `the exporter writes provider ${JSON.stringify(p)} as ${JSON.stringify(id)}: this override matches no series; write ${id}`);
    for (const def of ALERTS) {
      const o = config.overrides[p][def.key];
      if (!o || !isOverridden(config, def.key, p)) continue;
      const base = config.alerts[def.key] as unknown as Record<string, unknown>;
      if (Object.entries(o).every(([k, v]) => base[k] === v)) add('override-unchanged', [...path, def.key], `every field of this override equals alerts.${def.key}: it only splits ${def.name} into one more rule; remove it`);
    }
  }

  for (const m of parseSelector(config.metrics.selector)) {
    if (m.op !== '=~' && m.op !== '!~') continue;
    const path = ['metrics', 'selector'];
    if (/^\^|(?<!\\)\$$/.test(m.value)) add('selector-regex-literal', path, `${m.name}${m.op}"${m.value}": Prometheus anchors label regexes itself; drop the ^ and $`);
    else if (!/[\\^$.*+?()[\]{}|]/.test(m.value)) add('selector-regex-literal', path, `${m.name}${m.op}"${m.value}" has no regex syntax: write ${m.name}${m.op === '=~' ? '=' : '!='}"${m.value}"`);
  }

  // The expressions themselves (they come from the templates: only a user's --templates can break these).
  const counters = new Set(SERIES.filter((s) => s.type === 'counter').map((s) => `${config.metrics.prefix}_${s.suffix}`));
  const served = new Set(SERIES.flatMap((s) => {
    const name = `${config.metrics.prefix}_${s.suffix}`;
    return s.type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name];
  }));
  const done = new Set<AlertKey>();
  for (const { instance, rule } of generated.rules) {
    if (done.has(instance.def.key)) continue; // one finding per template, not per override
    done.add(instance.def.key);
    const file = templateFile(instance.def.key);
    const at = (id: CheckId, message: string) => out.push({ id, severity: CHECKS[id].severity, key: `${instance.def.key}.yaml`, file, line: null, message: `${rule.alert}: ${message}` });
    const read = readPromql(rule.expr);
    if (read.comparisons === 0) at('expr-no-comparison', 'expr has no comparison (> < >= <= == !=): it fires on every series it returns, whatever the value');
    for (const s of read.selectors) {
      if (counters.has(s.metric) && !COUNTER_SAFE.has(s.fn ?? '')) at('counter-without-rate', `${s.metric} is a counter read ${s.fn ? `through ${s.fn}()` : 'raw'}: its value only says how much happened since the exporter started; use increase() or rate()`);
      if (s.metric && !served.has(s.metric)) at('unknown-series', `${s.metric} is no series vtcode-errors serve writes (prefix ${config.metrics.prefix}): the rule can never see data`);
    }
  }
  return out;
}

/** `short-window` findings: every rule whose window holds fewer than two scrapes. */
export function windowFindings(config: Config, rules: readonly RuleInstance[]): Finding[] {
  const scrapeMs = tryParseDurationMs(config.scrape_interval)!;
  const out: Finding[] = [];
  for (const r of rules) {
    if (tryParseDurationMs(r.spec.window)! >= 2 * scrapeMs) continue;
    const path = specPath(config, r, 'window');
    out.push({
      id: 'short-window',
      severity: CHECKS['short-window'].severity,
      key: path.join('.'),
      file: config.source,
      line: keyLine(config, path) ?? keyLine(config, ['scrape_interval']) ?? nearestLine(config, path),
      message: `window ${r.spec.window} of ${r.def.name}${scope(r)} is shorter than 2 × scrape_interval (${config.scrape_interval}): it holds fewer than two scrapes, so increase()/rate() mostly return nothing; use a window of at least ${formatDurationMs(2 * scrapeMs)}`,
    });
  }
  return out.sort((a, b) => (a.line ?? 1e9) - (b.line ?? 1e9)); // in file order, as config errors are
}

/** The config key a rule's field comes from: its override when the override sets it, else the alert's entry. */
function specPath(config: Config, r: RuleInstance, field: 'window' | 'for'): string[] {
  if (r.provider !== null && config.overrides[r.provider]?.[r.def.key]?.[field] !== undefined) return ['alerts', 'overrides', r.provider, r.def.key, field];
  return ['alerts', r.def.key, field];
}

function scope(r: RuleInstance): string {
  return r.provider === null ? '' : ` (override for ${r.provider})`;
}

/** A finding as one line: `file:line: severity id: key: message` (without severity and id: `bare`). */
export function formatFinding(f: Finding, bare = false): string {
  const place = f.file === null ? 'built-in defaults' : f.line === null ? f.file : `${f.file}:${f.line}`;
  return `${place}: ${bare ? '' : `${f.severity} ${f.id}: `}${f.key}: ${f.message}`;
}
