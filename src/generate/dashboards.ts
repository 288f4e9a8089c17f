// Grafana dashboards (DESIGN.md §7, issue 6): the overview and one dashboard per configured provider, built
// from templates/dashboards/*.json and the same config as the alerts, so a panel draws the line its alert fires on.
//
// A template is itself valid JSON; `<% name %>` placeholders live inside its strings and are filled string by
// string, so a value can never break the JSON. The template owns the text (titles, descriptions, expressions,
// units, sizes); this module owns what the conventions require and what must agree with the alerts: uid, id,
// schemaVersion, editable, the variables, the datasource of every panel and target, refIds, panel ids, the
// layout (x, y) and the thresholds.
//
// Thresholds are drawn in the unit the panel plots, and every range stays $__rate_interval or $__range:
// - an alert on a per-second rate (HighLLMErrorRate: errors/s) is drawn on `sum by (provider) (rate(...))`
//   as its own number;
// - an alert on a count per window (RateLimitExceeded: `increase(x[w]) > T`) is drawn on
//   `sum by (provider) (rate(x[$__rate_interval])) * <w in seconds>`: increase(x[w]) is rate(x[w]) * w, so the
//   panel plots the count per alert window at the current rate and the line is the config's T itself;
// - a ratio (LowLLMRecoveryRate) has no unit to convert; it fires below its line.
// A panel with `thresholdsFrom: <alert key>` gets one set of targets per rule of that alert, as the alert rules
// are written: on the overview the default rule (without the providers that have an override) and one rule per
// override, each with its own window and its own threshold (a field override matched by refId); on a provider
// dashboard the provider's own rule, overrides included.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  AnnotationQuery, Dashboard, DashboardLink, DataSourceRef, FieldConfigSource, Panel, RowPanel,
  ThresholdsConfig, VariableModel,
} from '@grafana/schema';
import { parseDurationSeconds } from '../config/duration.js';
import { formatMatchers, parseSelector } from '../config/selector.js';
import { grafanaPromqlString as promqlString, regexLiteral } from '../escape.js';
import { ALERT_KEYS, effectiveSpec, type AlertKey, type AlertSpec, type Config } from '../config/types.js';
import { UserError } from '../model.js';
import { slug, sortKeys } from '../text.js';
import { promqlSyntaxError } from './promql.js';
import { alertDef, alertRules, byCodePoint } from '../alerts/definitions.js';
import { fill, type TemplateValue } from './template.js';
import { dashboardUid } from './uid.js';

export const SCHEMA_VERSION = 39;
/** Every panel, target and variable query goes through the dashboard's `datasource` variable. */
export const DATASOURCE: DataSourceRef = { type: 'prometheus', uid: '${datasource}' };
/** The bundled templates; `--templates DIR` replaces this directory. */
export const BUNDLED_TEMPLATES = resolve(dirname(fileURLToPath(import.meta.url)), '../../templates/dashboards');

const GRID_COLUMNS = 24;
const SAFE_FILE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export interface DashboardFile {
  /** File name inside the output directory: overview.json or provider-<id>.json. */
  name: string;
  dashboard: Dashboard;
}

/**
 * The file a provider's dashboard is written to: provider-<id>.json when the id is a plain file name (letters,
 * digits, '.', '_', '-'), else a readable slug plus a hash of the id, so any id the config accepts gets its own
 * safe file name and nothing in it can reach a path.
 */
export function providerFileName(id: string): string {
  if (SAFE_FILE_ID.test(id)) return `provider-${id}.json`;
  const stem = slug(id, 40, true);
  const hash = createHash('sha256').update(id).digest('hex').slice(0, 8);
  return `provider-${stem ? `${stem}-` : ''}${hash}.json`;
}

/** The overview and one dashboard per configured provider, in that order. */
export function buildDashboards(config: Config, templatesDir = BUNDLED_TEMPLATES): DashboardFile[] {
  const prefix = config.metrics.prefix;
  if (!/^[A-Za-z_:][A-Za-z0-9_:]*$/.test(prefix)) {
    throw new UserError(`metrics.prefix: ${JSON.stringify(prefix)} is not the start of a Prometheus metric name`);
  }
  const seen = new Map<string, string>();
  for (const id of config.providers) {
    const file = providerFileName(id);
    const other = seen.get(file.toLowerCase());
    if (other !== undefined) {
      throw new UserError(`providers: ${JSON.stringify(other)} and ${JSON.stringify(id)} would share the dashboard file ${file} (file names ignore case on some systems)`);
    }
    seen.set(file.toLowerCase(), id);
  }
  const overviewTemplate = readTemplate(templatesDir, 'overview.json');
  const providerTemplate = readTemplate(templatesDir, 'provider.json');
  const overviewUid = dashboardUid(config, 'overview');
  const files: DashboardFile[] = [
    { name: 'overview.json', dashboard: build(config, overviewTemplate, { uid: overviewUid, overviewUid, provider: null }) },
  ];
  for (const id of config.providers) {
    const uid = dashboardUid(config, { provider: id });
    files.push({ name: providerFileName(id), dashboard: build(config, providerTemplate, { uid, overviewUid, provider: id }) });
  }
  const uids = new Map<string, string>();
  for (const f of files) {
    const clash = uids.get(f.dashboard.uid!);
    if (clash) throw new UserError(`${clash} and ${f.name} would share the dashboard uid ${f.dashboard.uid}`);
    uids.set(f.dashboard.uid!, f.name);
  }
  return files;
}

/** Canonical JSON: keys sorted at every level, 2-space indent, trailing newline (byte-identical across runs). */
export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}


// ---------------------------------------------------------------------------------------------------------------
// Values and rules

interface Scope {
  uid: string;
  overviewUid: string;
  /** The provider of a provider dashboard; null for the overview. */
  provider: string | null;
}

/** One alert rule as the alerts write it: which series it covers and with which settings. */
/** A PromQL regex matching exactly one of `values`. */
function promqlAlternation(values: string[]): string {
  return promqlString(values.map(regexLiteral).join('|'));
}

/** config.metrics.selector in its canonical form (`job="vtcode", env="prod"`), or ''. */
function configSelector(config: Config): string {
  try {
    return formatMatchers(parseSelector(config.metrics.selector));
  } catch (err) {
    throw new UserError(`metrics.selector: ${(err as Error).message}`);
  }
}

function matchers(...parts: Array<string | null>): string {
  return parts.filter((p): p is string => Boolean(p)).join(', ');
}

function windowSeconds(window: string, key: AlertKey): number {
  try {
    return parseDurationSeconds(window);
  } catch (err) {
    throw new UserError(`alerts.${key}.window: ${(err as Error).message}`);
  }
}

/** A rule as a panel draws it: the label matcher of its series (null: all of the panel's), its settings. */
interface PanelRule {
  matcher: string | null;
  spec: AlertSpec;
}

/** The rules of an alert a panel draws: on a provider dashboard the provider's own; on the overview all. */
function rulesFor(config: Config, key: AlertKey, scope: Scope): PanelRule[] {
  if (scope.provider !== null) return [{ matcher: null, spec: effectiveSpec(config, key, scope.provider) }];
  return alertRules(config, key, { includeDisabled: true }).map((r) => ({
    matcher: r.provider !== null ? `provider=${promqlString(r.provider)}` : r.excluded.length ? `provider!~${promqlAlternation(r.excluded)}` : null,
    spec: r.spec,
  }));
}

/** The values every string of a template can use (README in templates/dashboards/ lists them). */
function globalValues(config: Config, scope: Scope): Record<string, TemplateValue> {
  const selector = configSelector(config);
  const match = scope.provider === null ? '=~"$provider"' : `=${promqlString(scope.provider)}`;
  const values: Record<string, TemplateValue> = {
    prefix: config.metrics.prefix,
    selector,
    provider_match: match,
    sel: matchers(`provider${match}`, selector),
    overview_url: `/d/${scope.overviewUid}`,
    runbook_url: config.runbook_base_url ?? '',
    folder: config.grafana.folder,
  };
  if (scope.provider !== null) values.provider = scope.provider;
  return values;
}

// ---------------------------------------------------------------------------------------------------------------
// Templates

interface Template {
  file: string;
  raw: string;
  json: Record<string, unknown>;
}

function readTemplate(dir: string, name: string): Template {
  const file = join(dir, name);
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`${file}: cannot read template (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new UserError(`${file}:${lineAt(raw, jsonErrorOffset(raw))}: not valid JSON (${(err as Error).message}); placeholders go inside JSON strings`);
  }
  if (!isObject(json)) throw new UserError(`${file}:1: a dashboard template is a JSON object`);
  return { file, raw, json };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function lineAt(text: string, offset: number): number {
  return text.slice(0, Math.max(0, offset)).split('\n').length;
}

/** Offset of the first JSON syntax error (JSON.parse in Node 20 does not say where). */
function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\r\n'.includes(text[i])) i++; };
  const fail = (): never => { throw i; };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) { i++; return; }
      for (;;) {
        if (c === '{') { ws(); if (text[i] !== '"') fail(); value(); ws(); if (text[i] !== ':') fail(); i++; }
        value();
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === close) { i++; return; }
        fail();
      }
    }
    if (c === '"') {
      const m = /^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/.exec(text.slice(i));
      if (!m) fail();
      i += m![0].length;
      return;
    }
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i));
    if (!m) fail();
    i += m![0].length;
  };
  try {
    value();
    ws();
    return i < text.length ? i : text.length;
  } catch (at) {
    return at as number;
  }
}

/** Fill every string of `node` (keys excluded) with `values`; errors name the template file and line. */
function fillTree(node: unknown, values: Record<string, TemplateValue>, t: Template): unknown {
  if (typeof node === 'string') return fillString(node, values, t);
  if (Array.isArray(node)) return node.map((n) => fillTree(n, values, t));
  if (isObject(node)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (k.includes('<%')) throw new UserError(`${t.file}:${lineOfString(t, k)}: placeholders go in values, not in keys (${k})`);
      out[k] = fillTree(v, values, t);
    }
    return out;
  }
  return node;
}

function fillString(s: string, values: Record<string, TemplateValue>, t: Template): string {
  if (!s.includes('<%')) return s;
  let out: string;
  try {
    out = fill(s, values, t.file);
  } catch (err) {
    // fill() counts lines within the string; a template string is one line of the file.
    const prefix = `${t.file}:1: `;
    if (!(err instanceof UserError && err.message.startsWith(prefix))) throw err;
    const message = err.message.slice(prefix.length);
    const hint = /^unknown placeholder <% window(_seconds)? %>$/.test(message) && !('window' in values)
      ? ' (window and window_seconds exist only in the targets of a panel with "thresholdsFrom")'
      : '';
    throw new UserError(`${t.file}:${lineOfString(t, s)}: ${message}${hint}`);
  }
  if (out.includes('<%')) throw new UserError(`${t.file}:${lineOfString(t, s)}: malformed placeholder in ${JSON.stringify(s)}`);
  return out;
}

/** Line of a string of the template (its first occurrence; JSON strings never span lines). */
function lineOfString(t: Template, s: string): number {
  const at = t.raw.indexOf(JSON.stringify(s));
  return at >= 0 ? lineAt(t.raw, at) : lineAt(t.raw, t.raw.indexOf(s.slice(s.indexOf('<%')).split('%>')[0]));
}

// ---------------------------------------------------------------------------------------------------------------
// The model

function build(config: Config, t: Template, scope: Scope): Dashboard {
  const values = globalValues(config, scope);
  const top = t.json;
  if (typeof top.title !== 'string' || !top.title) throw new UserError(`${t.file}: the template needs a "title"`);
  if (!Array.isArray(top.panels)) throw new UserError(`${t.file}: the template needs a "panels" array`);
  const { panels: templatePanels, links, annotations, ...rest } = top;
  const filled = fillTree(rest, values, t) as Record<string, unknown>;

  const dashboard: Dashboard = {
    ...filled,
    id: null,
    uid: scope.uid,
    title: filled.title as string,
    schemaVersion: SCHEMA_VERSION,
    editable: false,
    links: filledLinks(links, values, t),
    annotations: { list: filledAnnotations(annotations, values, t) },
    templating: { list: variables(config, scope) },
    panels: layout(templatePanels.map((p, i) => buildPanel(config, t, scope, values, p, i))),
  };
  return dashboard;
}

function filledLinks(links: unknown, values: Record<string, TemplateValue>, t: Template): DashboardLink[] {
  if (links === undefined) return [];
  if (!Array.isArray(links)) throw new UserError(`${t.file}: "links" must be an array`);
  // A plain link whose URL fills to nothing (no runbook_base_url configured) is left out.
  return (fillTree(links, values, t) as DashboardLink[]).filter((l) => !(l.type === 'link' && !l.url));
}

function filledAnnotations(list: unknown, values: Record<string, TemplateValue>, t: Template): AnnotationQuery[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new UserError(`${t.file}: "annotations" must be an array`);
  return (fillTree(list, values, t) as Record<string, unknown>[]).map((a) => ({ ...a, datasource: DATASOURCE }) as AnnotationQuery);
}

function variables(config: Config, scope: Scope): VariableModel[] {
  const selector = configSelector(config);
  const metric = `${config.metrics.prefix}_errors_total`;
  const filter = scope.provider === null ? selector : matchers(`provider=${promqlString(scope.provider)}`, selector);
  const query = `label_values(${filter ? `${metric}{${filter}}` : metric}, provider)`;
  const datasource: VariableModel = {
    name: 'datasource',
    label: 'Data source',
    type: 'datasource',
    query: 'prometheus',
    hide: 0,
    includeAll: false,
    multi: false,
    options: [],
    refresh: 1,
    regex: '',
  };
  const provider: VariableModel & { definition: string } = {
    name: 'provider',
    label: 'Provider',
    type: 'query',
    datasource: DATASOURCE,
    query,
    definition: query,
    // Refresh on time range change (2), so a provider that appears in the range is offered.
    refresh: 2,
    hide: 0,
    sort: 1,
    regex: '',
    options: [],
    ...(scope.provider === null
      ? { multi: true, includeAll: true, allValue: '.*', current: { text: ['All'], value: ['$__all'] } }
      : { multi: false, includeAll: false, current: { text: scope.provider, value: scope.provider } }),
  };
  return [datasource, provider];
}

type TemplatePanel = Record<string, unknown> & { type: string };

function buildPanel(config: Config, t: Template, scope: Scope, values: Record<string, TemplateValue>, raw: unknown, index: number): Panel | RowPanel {
  const where = `${t.file}: panels[${index}]`;
  if (!isObject(raw) || typeof raw.type !== 'string') throw new UserError(`${where}: a panel is an object with a "type"`);
  const { targets, thresholdsFrom, ...rest } = raw as TemplatePanel;
  if (rest.type === 'row') {
    const row = fillTree(rest, values, t) as Record<string, unknown>;
    return { ...row, type: 'row', collapsed: false, panels: [], id: 0, datasource: DATASOURCE } as RowPanel;
  }
  const panel = fillTree(rest, values, t) as TemplatePanel;
  const title = typeof panel.title === 'string' ? panel.title : '';
  const fieldConfig = (isObject(panel.fieldConfig) ? panel.fieldConfig : {}) as Partial<FieldConfigSource>;
  const defaults = isObject(fieldConfig.defaults) ? fieldConfig.defaults : {};
  if (!title) throw new UserError(`${where}: every panel needs a "title"`);
  if (typeof panel.description !== 'string' || !panel.description) throw new UserError(`${where} (${title}): every panel needs a "description"`);
  if (typeof defaults.unit !== 'string' || !defaults.unit) throw new UserError(`${where} (${title}): every panel needs fieldConfig.defaults.unit`);
  if (!Array.isArray(targets) || targets.length === 0 || !targets.every((x) => isObject(x) && typeof x.expr === 'string' && x.expr)) {
    throw new UserError(`${where} (${title}): every panel needs "targets", each with an "expr"`);
  }
  if (thresholdsFrom !== undefined && !(ALERT_KEYS as readonly unknown[]).includes(thresholdsFrom)) {
    throw new UserError(`${where} (${title}): thresholdsFrom must be one of ${ALERT_KEYS.join(', ')}`);
  }

  const size = isObject(panel.gridPos) ? panel.gridPos : {};
  const w = size.w ?? 12;
  const h = size.h ?? 8;
  if (!Number.isInteger(w) || (w as number) < 1 || (w as number) > GRID_COLUMNS || !Number.isInteger(h) || (h as number) < 1) {
    throw new UserError(`${where} (${title}): gridPos.w must be an integer from 1 to ${GRID_COLUMNS}, gridPos.h a positive integer`);
  }

  // Targets: once per alert rule when the panel draws an alert's thresholds, else once.
  const rules: Array<PanelRule | null> = thresholdsFrom ? rulesFor(config, thresholdsFrom as AlertKey, scope) : [null];
  const outTargets: Record<string, unknown>[] = [];
  const overrides = [...(fieldConfig.overrides ?? [])];
  let threshold: ThresholdsConfig | null = null;
  for (const [ruleIndex, rule] of rules.entries()) {
    const ruleValues = rule
      ? { ...values, sel: matchers(values.sel as string, rule.matcher), window: rule.spec.window, window_seconds: windowSeconds(rule.spec.window, thresholdsFrom as AlertKey) }
      : values;
    const refIds: string[] = [];
    for (const target of targets as Record<string, unknown>[]) {
      const refId = refIdFor(outTargets.length);
      const filled = fillTree(target, ruleValues, t) as Record<string, unknown>;
      checkRanges(filled.expr as string, `${where} (${title})`);
      const syntax = promqlSyntaxError(filled.expr as string);
      if (syntax) {
        const near = syntax.near ? `near "${syntax.near}"` : 'at its end';
        throw new UserError(`${t.file}:${lineOfString(t, target.expr as string)}: panels[${index}] (${title}): target is not valid PromQL (${near}): ${filled.expr}`);
      }
      outTargets.push({ ...filled, refId, datasource: DATASOURCE });
      refIds.push(refId);
    }
    if (!rule) continue;
    const drawn = thresholdsOf(rule.spec, alertDef(thresholdsFrom as AlertKey).compare === 'below');
    if (ruleIndex === 0) {
      threshold = drawn;
      continue;
    }
    for (const refId of refIds) {
      overrides.push({
        matcher: { id: 'byFrameRefID', options: refId },
        properties: [
          { id: 'thresholds', value: drawn },
          { id: 'custom.thresholdsStyle', value: { mode: rule.spec.enabled ? 'line' : 'off' } },
        ],
      });
    }
  }

  const outDefaults = { ...defaults } as FieldConfigSource['defaults'];
  if (threshold) {
    outDefaults.thresholds = threshold;
    outDefaults.custom = { ...(outDefaults.custom ?? {}), thresholdsStyle: { mode: rules[0]!.spec.enabled ? 'line' : 'off' } };
  }
  // A panel that draws an alert links to that alert's runbook (the runbook_url of the rule, see alerts.ts).
  const links = Array.isArray(panel.links) ? [...panel.links] : [];
  if (thresholdsFrom && config.runbook_base_url) {
    const name = alertDef(thresholdsFrom as AlertKey).name;
    links.push({ title: `Runbook: ${name}`, url: `${config.runbook_base_url}/${name}`, targetBlank: true });
  }
  return {
    ...panel,
    ...(links.length ? { links } : {}),
    id: 0,
    datasource: DATASOURCE,
    gridPos: { x: 0, y: 0, w, h },
    fieldConfig: { ...fieldConfig, defaults: outDefaults, overrides },
    targets: outTargets,
  } as Panel;
}

/** The steps Grafana draws: the alert's threshold as the boundary to red (red below it for an alert that fires below). */
function thresholdsOf(spec: AlertSpec, firesBelow: boolean): ThresholdsConfig {
  const mode = 'absolute' as ThresholdsConfig['mode'];
  if (!spec.enabled) return { mode, steps: [{ color: 'green', value: null }] };
  return firesBelow
    ? { mode, steps: [{ color: 'red', value: null }, { color: 'green', value: spec.threshold }] }
    : { mode, steps: [{ color: 'green', value: null }, { color: 'red', value: spec.threshold }] };
}

function refIdFor(i: number): string {
  return i < 26 ? String.fromCharCode(65 + i) : refIdFor(Math.floor(i / 26) - 1) + String.fromCharCode(65 + (i % 26));
}

/** Every range of an expression is $__rate_interval or $__range (string literals and [[var]] set aside). */
function checkRanges(expr: string, where: string): void {
  const code = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""').replace(/\[\[[^\]]*\]\]/g, 'v');
  for (const m of code.matchAll(/\[([^\]]*)\]/g)) {
    const range = m[1].trim();
    if (range !== '$__rate_interval' && range !== '$__range') {
      throw new UserError(`${where}: range [${range}] in ${expr}: use [$__rate_interval] (or [$__range] for a total over the dashboard's range)`);
    }
  }
}

/** Rows start a new line at full width; panels flow left to right and wrap at 24 columns. */
function layout(panels: Array<Panel | RowPanel>): Array<Panel | RowPanel> {
  let x = 0;
  let y = 0;
  let lineHeight = 0;
  return panels.map((p, i) => {
    const id = i + 1;
    if (p.type === 'row') {
      y += lineHeight;
      const row = { ...p, id, gridPos: { x: 0, y, w: GRID_COLUMNS, h: 1 } } as RowPanel;
      y += 1;
      x = 0;
      lineHeight = 0;
      return row;
    }
    const w = p.gridPos?.w ?? 12;
    const h = p.gridPos?.h ?? 8;
    if (x + w > GRID_COLUMNS) {
      y += lineHeight;
      x = 0;
      lineHeight = 0;
    }
    const placed = { ...p, id, gridPos: { x, y, w, h } };
    x += w;
    lineHeight = Math.max(lineHeight, h);
    return placed;
  });
}
