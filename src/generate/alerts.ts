// The alerting rules of gen-alerts (issue 5, DESIGN.md §7): which alerts exist, what each one fires on,
// how per-provider overrides split them into rules, and the rule objects filled from templates/alerts/.
// `check` and gen-dashboard read the same definitions (effectiveAlerts) so all three agree.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';
import { effectiveSpec, type AlertKey, type AlertSpec, type Config } from '../config/types.js';
import { parseSelector, type Matcher } from '../config/selector.js';
import { goTemplateLiteral, promqlString, regexLiteral } from '../escape.js';
import { UserError } from '../model.js';
import { ALERTS, byCodePoint, effectiveAlerts, RuleInstance, ruleInstances } from '../alerts/definitions.js';
import { checkGoTemplate } from './go-template.js';
import { promqlSyntaxError } from './promql.js';
import { fill, type TemplateValue } from './template.js';
import { dashboardUid } from './uid.js';

/** The bundled alert templates; `--templates DIR` replaces this directory. */
export const BUNDLED_ALERT_TEMPLATES = resolve(dirname(fileURLToPath(import.meta.url)), '../../templates/alerts');

/** runbook_url is `<runbook_base_url>/<AlertName>`; this base stands in until the config sets one. */
export const DEFAULT_RUNBOOK_BASE_URL = 'https://runbooks.example.com/llm-errors';

/** The label matchers of a rule: the config's selector, then the provider scope. */
export function ruleMatchers(config: Config, rule: RuleInstance): string[] {
  const own = parseSelector(config.metrics.selector).map((m) => `${m.name}${m.op}${promqlString(m.value)}`);
  if (rule.provider !== null) own.push(`provider=${promqlString(rule.provider)}`);
  else if (rule.excluded.length > 0) own.push(`provider!~${promqlString(rule.excluded.map(regexLiteral).join('|'))}`);
  return own;
}

/** dashboard_url: the provider's dashboard (the overview for providers without one), or null without grafana.url. */
export function dashboardUrl(config: Config, rule: RuleInstance): string | null {
  if (!config.grafana.url) return null;
  const base = `${config.grafana.url}/d/`;
  const query = '?var-provider={{ $labels.provider | urlquery }}';
  const uidFor = (p: string) => (config.providers.includes(p) ? dashboardUid(config, { provider: p }) : dashboardUid(config, 'overview'));
  if (rule.provider !== null) return `${base}${uidFor(rule.provider)}${query}`;
  // One rule covers many providers: Prometheus picks the uid when it expands the annotation.
  const own = config.providers.filter((p) => !rule.excluded.includes(p));
  if (own.length === 0) return `${base}${dashboardUid(config, 'overview')}${query}`;
  const branches = own.map((p, i) => `{{ ${i === 0 ? 'if' : 'else if'} eq $labels.provider ${promqlString(p)} }}${dashboardUid(config, { provider: p })}`);
  return `${base}${branches.join('')}{{ else }}${dashboardUid(config, 'overview')}{{ end }}${query}`;
}

/** The values an alert template can use (templates/alerts/README.md lists them). */
export function templateValues(config: Config, rule: RuleInstance): Record<string, TemplateValue> {
  const matchers = ruleMatchers(config, rule);
  const labels: Record<string, string> = { severity: rule.spec.severity };
  // An override rule also names its provider as a rule label: the alert's labels are unchanged (the
  // series carries the same provider), and promtool's lint sees two distinct rules, not a duplicate.
  if (rule.provider !== null) labels.provider = goTemplateLiteral(rule.provider);
  for (const k of Object.keys(config.labels).sort(byCodePoint)) labels[k] = goTemplateLiteral(config.labels[k]);
  return {
    alert: rule.def.name,
    prefix: config.metrics.prefix,
    selector: matchers.length ? `{${matchers.join(', ')}}` : '',
    selector_tail: matchers.map((m) => `, ${m}`).join(''),
    window: rule.spec.window,
    for: rule.spec.for,
    threshold: rule.spec.threshold,
    min_events: rule.spec.min_events ?? 0,
    severity: rule.spec.severity,
    labels,
    provider: rule.provider,
    runbook_url: `${config.runbook_base_url ?? DEFAULT_RUNBOOK_BASE_URL}/${rule.def.name}`,
    dashboard_url: dashboardUrl(config, rule),
    evaluation_interval: config.evaluation_interval,
  };
}

export interface AlertTemplates {
  dir: string;
  /** null for the bundled templates, else sha256 of the user's templates (for the file header). */
  hash: string | null;
  files: Map<string, { file: string; text: string }>;
}

const SKELETONS = ['rules.yaml', 'prometheusrule.yaml'] as const;

/** Read every alert template from `dir` (a user's copy of templates/ or of templates/alerts/). */
export function readAlertTemplates(dir?: string): AlertTemplates {
  const bundled = dir === undefined;
  let base = dir ?? BUNDLED_ALERT_TEMPLATES;
  if (!bundled) {
    if (!existsSync(base)) throw new UserError(`--templates ${dir}: no such directory`);
    if (existsSync(join(base, 'alerts', 'rules.yaml'))) base = join(base, 'alerts');
  }
  const files = new Map<string, { file: string; text: string }>();
  const hash = createHash('sha256');
  for (const name of [...ALERTS.map((a) => `${a.key}.yaml`), ...SKELETONS]) {
    const file = join(base, name);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UserError(`${file}: cannot read template (${(err as NodeJS.ErrnoException).code ?? err})`);
    }
    files.set(name, { file, text });
    hash.update(`${name}\0${text}\0`);
  }
  return { dir: base, hash: bundled ? null : hash.digest('hex'), files };
}

/** A rule as Prometheus reads it. */
export interface Rule {
  alert: string;
  expr: string;
  for?: string;
  keep_firing_for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** Fill a template and parse it; the result must be valid YAML (errors name the template file and line). */
export function fillYaml(file: string, text: string, values: Record<string, TemplateValue>): unknown {
  const filled = fill(text, values, file);
  const lineCounter = new LineCounter();
  const doc = parseDocument(filled, { lineCounter, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new UserError(`${file}:${e.linePos?.[0].line ?? 1}: the filled template is not valid YAML: ${e.message.split('\n')[0]}`);
  }
  return doc.toJS();
}

/** The rule of one instance, from its template, checked as strictly for a user's copy as for the bundled one. */
export function buildRule(config: Config, rule: RuleInstance, templates: AlertTemplates): Rule {
  const { file, text } = templates.files.get(`${rule.def.key}.yaml`)!;
  const values = templateValues(config, rule);
  const obj = fillYaml(file, text, values);
  const bad = (why: string) => new UserError(`${file}: ${why}`);
  if (!isPlainObject(obj)) throw bad('a rule template is one YAML mapping (alert, expr, for, labels, annotations)');
  for (const k of Object.keys(obj)) {
    if (!['alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations'].includes(k)) throw bad(`unknown key "${k}" in an alerting rule`);
  }
  if (obj.alert !== rule.def.name) throw bad(`alert must be ${rule.def.name} (alert names are fixed so that routes keep working)`);
  if (typeof obj.expr !== 'string' || obj.expr.trim() === '') throw bad('expr must be a non-empty PromQL expression');
  const syntax = promqlSyntaxError(obj.expr);
  if (syntax) {
    const where = syntax.near ? `near "${syntax.near}"` : 'at its end';
    throw new UserError(`${file}:${exprLine(text, syntax.line)}: expr of ${rule.def.name} is not valid PromQL (${where}): ${obj.expr.trim()}`);
  }
  // Every rule is scoped by the selector and its provider matcher; a matcher missing from the parsed expr
  // means the template dropped <% selector %>, or wrote expr as a plain YAML scalar where a `#` in a value
  // started a comment (write `expr: |-` and the expression on the lines below).
  for (const m of ruleMatchers(config, rule)) {
    if (!obj.expr.includes(m)) throw bad(`expr must select <% selector %> (or <% selector_tail %>) in full; ${m} is missing from it (write the expression as a block scalar: expr: |-)`);
  }
  // Key order as Prometheus documents it: alert, expr, for, keep_firing_for, labels, annotations.
  const out = { alert: obj.alert, expr: obj.expr.replace(/\s+$/, '') } as Rule;
  for (const k of ['for', 'keep_firing_for'] as const) {
    if (obj[k] === undefined || obj[k] === null) continue;
    if (typeof obj[k] !== 'string') throw bad(`${k} must be a duration`);
    out[k] = obj[k] as string;
  }
  out.labels = stringMap(obj.labels, 'labels', bad);
  if (out.labels.severity !== rule.spec.severity) throw bad(`labels must include severity: <% severity %> (use labels: <% labels | yaml %>)`);
  out.annotations = stringMap(obj.annotations, 'annotations', bad);
  for (const a of ['summary', 'description', 'runbook_url']) {
    if (!out.annotations[a]) throw bad(`annotations must include a non-empty ${a}`);
  }
  for (const [k, v] of [...Object.entries(out.labels), ...Object.entries(out.annotations)]) {
    try {
      checkGoTemplate(v);
    } catch (err) {
      throw bad(`${k}: ${(err as Error).message}`);
    }
  }
  return out;
}

// The template line of line `n` of the expression: `expr: |-` puts it on the lines below the key, a
// plain or quoted scalar on the key's own line (placeholders never add lines: their values are escaped).
function exprLine(template: string, n: number): number {
  const lines = template.split('\n');
  const key = lines.findIndex((l) => /^expr\s*:/.test(l));
  if (key < 0) return 1;
  return /^expr\s*:\s*[|>]/.test(lines[key]) ? key + 1 + n : key + 1;
}

// A map of strings; null values are dropped (an annotation whose placeholder is null, e.g. dashboard_url).
function stringMap(v: unknown, what: string, bad: (why: string) => Error): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isPlainObject(v)) throw bad(`${what} must be a mapping of names to strings`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === null) continue;
    if (typeof x !== 'string' && typeof x !== 'number' && typeof x !== 'boolean') throw bad(`${what}.${k} must be a string`);
    out[k] = String(x);
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Every rule of the config, filled from the templates. */
export function buildRules(config: Config, templates: AlertTemplates): Array<{ instance: RuleInstance; rule: Rule }> {
  const instances = ruleInstances(config);
  // A disabled alert's template is checked too, so that enabling it later cannot surface a broken template.
  for (const def of ALERTS) {
    if (!instances.some((i) => i.def === def)) buildRule(config, { def, spec: config.alerts[def.key], provider: null, excluded: [] }, templates);
  }
  return instances.map((instance) => ({ instance, rule: buildRule(config, instance, templates) }));
}

