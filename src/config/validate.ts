// Strict validation of a parsed vtcode-errors.yaml (DESIGN.md §6): every key known, every value of the
// right type and range, each problem reported with its key path and line. Values are read from the
// YAML nodes (not a plain object) so that every message can point at the line the user has to fix.
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type YAMLMap } from 'yaml';
import { ALERT_KEYS, defaultConfig, type AlertKey, type AlertSpec, type Config } from './types.js';
import { tryParseDurationMs } from './duration.js';
import { formatMatchers, hasLoneSurrogate, LABEL_NAME_RE, parseSelector } from './selector.js';

export interface ConfigIssue {
  path: string;
  message: string;
  line: number | null;
}

const METRIC_PREFIX_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const SEVERITY_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
// Labels every alert gets from the rules themselves; a config label must not redefine them.
const RESERVED_LABELS = new Set(['alertname', 'severity', 'provider']);
const ALERT_FIELDS = ['enabled', 'threshold', 'window', 'for', 'severity', 'min_events'] as const;
type Field = (typeof ALERT_FIELDS)[number];

type MaybeNode = Node | null | undefined;

class Walker {
  readonly issues: ConfigIssue[] = [];
  constructor(private readonly doc: Document, private readonly lc: LineCounter) {}

  line(node: MaybeNode): number | null {
    const start = node?.range?.[0];
    return start === undefined ? null : this.lc.linePos(start).line;
  }

  fail(path: string, node: MaybeNode, message: string, fallback?: MaybeNode): void {
    this.issues.push({ path, message, line: this.line(node) ?? this.line(fallback) });
  }

  deref(node: MaybeNode): MaybeNode {
    let n: unknown = node;
    for (let i = 0; i < 20 && isAlias(n); i++) n = n.resolve(this.doc);
    return n as MaybeNode;
  }

  isNull(node: MaybeNode): boolean {
    const n = this.deref(node);
    return n == null || (isScalar(n) && n.value === null);
  }

  /** The pairs of a mapping as [key, key node, value node], after checking every key is allowed. */
  entries(path: string, node: MaybeNode, allowed: readonly string[] | null, keyNode?: MaybeNode): Array<[string, Node, MaybeNode]> {
    const n = this.deref(node);
    if (this.isNull(n)) return [];
    if (!isMap(n)) {
      this.fail(path, n, 'expected a mapping (key: value)', keyNode);
      return [];
    }
    const out: Array<[string, Node, MaybeNode]> = [];
    for (const pair of (n as YAMLMap<unknown, unknown>).items) {
      const k = this.deref(pair.key as MaybeNode);
      const v = pair.value as MaybeNode;
      if (!isScalar(k) || typeof k.value !== 'string') {
        const shown = isScalar(k) ? String(k.value) : '?';
        this.fail(path ? `${path}.${shown}` : shown, k, allowed ? 'unknown key' : 'expected a string key (quote it)');
        continue;
      }
      const childPath = path ? `${path}.${k.value}` : k.value;
      if (allowed && !allowed.includes(k.value)) {
        this.fail(childPath, k, `unknown key (expected one of: ${allowed.join(', ')})`);
        continue;
      }
      out.push([k.value, k as Node, v]);
    }
    return out;
  }

  scalar(node: MaybeNode): unknown {
    const n = this.deref(node);
    return isScalar(n) ? n.value : n == null ? null : undefined;
  }
}

/** Validate a parsed document; returns the Config (defaults filled in) and every problem found. */
export function validateDocument(doc: Document, lc: LineCounter, source: string | null): { config: Config; issues: ConfigIssue[] } {
  const w = new Walker(doc, lc);
  const config = defaultConfig();
  config.source = source;
  const top = ['metrics', 'providers', 'evaluation_interval', 'scrape_interval', 'alerts', 'grafana', 'serve', 'analyze'];
  for (const [key, keyNode, value] of w.entries('', doc.contents as MaybeNode, top)) {
    if (key === 'metrics') readMetrics(w, config, value, keyNode);
    else if (key === 'providers') {
      const list = readProviderList(w, 'providers', value, keyNode);
      if (list) config.providers = list;
    } else if (key === 'evaluation_interval') {
      const d = readDuration(w, key, value, keyNode, false);
      if (d !== undefined) config.evaluation_interval = d;
    } else if (key === 'scrape_interval') {
      const d = readDuration(w, key, value, keyNode, false);
      if (d !== undefined) config.scrape_interval = d;
    } else if (key === 'serve') readServe(w, config, value, keyNode);
    else if (key === 'analyze') readAnalyze(w, config, value, keyNode);
    else if (key === 'alerts') readAlerts(w, config, value, keyNode);
    else if (key === 'grafana') readGrafana(w, config, value, keyNode);
  }
  return { config, issues: w.issues };
}

function readMetrics(w: Walker, config: Config, node: MaybeNode, keyNode: Node): void {
  for (const [key, k, value] of w.entries('metrics', node, ['prefix', 'selector'], keyNode)) {
    const path = `metrics.${key}`;
    const v = w.scalar(value);
    if (typeof v !== 'string') {
      w.fail(path, value, key === 'prefix' ? 'expected a metric name prefix such as llm' : "expected a string of label matchers such as 'env=\"prod\"' ('' for none)", k);
      continue;
    }
    if (key === 'prefix') {
      if (!METRIC_PREFIX_RE.test(v)) w.fail(path, value, 'expected a metric name prefix (letters, digits, _ and :, not starting with a digit)', k);
      else config.metrics.prefix = v;
    } else {
      try {
        config.metrics.selector = formatMatchers(parseSelector(v));
      } catch (err) {
        w.fail(path, value, `expected PromQL label matchers such as env="prod", cluster=~"eu-.*": ${(err as Error).message}`, k);
      }
    }
  }
}

/** A provider id: any text (it is escaped wherever it is written), but not empty, padded or unencodable. */
function providerProblem(v: unknown): string | null {
  if (typeof v !== 'string') return "expected a provider id (a string; quote numbers: '360')";
  if (v === '') return 'expected a non-empty provider id';
  if (v.trim() !== v) return 'a provider id may not start or end with whitespace';
  if (v.length > 200) return 'a provider id may have at most 200 characters';
  if (hasLoneSurrogate(v)) return 'a provider id must be valid Unicode text';
  return null;
}

function readProviderList(w: Walker, path: string, node: MaybeNode, keyNode: Node): string[] | undefined {
  const n = w.deref(node);
  if (!isSeq(n)) {
    w.fail(path, n, 'expected a list of provider ids, e.g. [gemini, anthropic, openai]', keyNode);
    return undefined;
  }
  const out: string[] = [];
  n.items.forEach((item, i) => {
    const v = w.scalar(item as MaybeNode);
    const problem = providerProblem(v);
    if (problem) w.fail(`${path}[${i}]`, item as MaybeNode, problem, n);
    else if (out.includes(v as string)) w.fail(`${path}[${i}]`, item as MaybeNode, `duplicate provider ${JSON.stringify(v)}`, n);
    else out.push(v as string);
  });
  return out;
}

function readDuration(w: Walker, path: string, node: MaybeNode, keyNode: Node, zeroOk: boolean): string | undefined {
  const v = w.scalar(node);
  // `for: 0` is a YAML number, and Prometheus reads it as a zero duration; so do we.
  if (zeroOk && v === 0) return '0s';
  const ms = typeof v === 'string' ? tryParseDurationMs(v) : null;
  if (ms === null || (!zeroOk && ms === 0)) {
    const what = zeroOk ? 'a Prometheus duration such as 5m, 90s, 1h30m or 0m' : 'a Prometheus duration above zero such as 1m, 90s or 1h30m';
    w.fail(path, node, `expected ${what}`, keyNode);
    return undefined;
  }
  return v as string;
}

function readAlerts(w: Walker, config: Config, node: MaybeNode, keyNode: Node): void {
  const allowed = [...ALERT_KEYS, 'overrides', 'labels', 'runbook_base_url'];
  for (const [key, k, value] of w.entries('alerts', node, allowed, keyNode)) {
    const path = `alerts.${key}`;
    if (key === 'overrides') readOverrides(w, config, value, k);
    else if (key === 'labels') readLabels(w, config, value, k);
    else if (key === 'runbook_base_url') {
      const url = readUrl(w, path, value, k);
      if (url !== undefined) config.runbook_base_url = url;
    } else {
      const alert = key as AlertKey;
      Object.assign(config.alerts[alert], readSpec(w, path, alert, value, k, false));
    }
  }
}

/** The fields of an alert entry (or of an override, `partial`), each checked; invalid ones left out. */
function readSpec(w: Walker, path: string, alert: AlertKey, node: MaybeNode, keyNode: Node, partial: boolean): Partial<AlertSpec> {
  const fields: readonly Field[] = alert === 'low_recovery_rate' ? ALERT_FIELDS : ALERT_FIELDS.filter((f) => f !== 'min_events');
  const out: Partial<AlertSpec> = {};
  if (partial && w.isNull(node)) w.fail(path, node, `expected a mapping of the fields to override (${fields.join(', ')})`, keyNode);
  for (const [field, k, value] of w.entries(path, node, fields, keyNode)) {
    const p = `${path}.${field}`;
    const v = w.scalar(value);
    switch (field as Field) {
      case 'enabled':
        if (typeof v !== 'boolean') w.fail(p, value, 'expected true or false', k);
        else out.enabled = v;
        break;
      case 'threshold':
        if (alert === 'low_recovery_rate') {
          if (typeof v !== 'number' || !(v > 0 && v <= 1)) w.fail(p, value, 'expected a ratio > 0 and <= 1 (recovered / (recovered + failed))', k);
          else out.threshold = v;
        } else if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) w.fail(p, value, 'expected a number >= 0', k);
        else out.threshold = v;
        break;
      case 'window': {
        const d = readDuration(w, p, value, k, false);
        if (d !== undefined) out.window = d;
        break;
      }
      case 'for': {
        const d = readDuration(w, p, value, k, true);
        if (d !== undefined) out.for = d;
        break;
      }
      case 'severity':
        if (typeof v !== 'string' || !SEVERITY_RE.test(v)) w.fail(p, value, 'expected a severity such as critical, warning or info (letters, digits, _ . -)', k);
        else out.severity = v;
        break;
      case 'min_events':
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) w.fail(p, value, 'expected a whole number >= 0', k);
        else out.min_events = v;
        break;
    }
  }
  return out;
}

function readOverrides(w: Walker, config: Config, node: MaybeNode, keyNode: Node): void {
  for (const [provider, k, value] of w.entries('alerts.overrides', node, null, keyNode)) {
    const path = `alerts.overrides.${provider}`;
    const problem = providerProblem(provider);
    if (problem) {
      w.fail(path, k, problem);
      continue;
    }
    const perAlert: Partial<Record<AlertKey, Partial<AlertSpec>>> = {};
    if (w.isNull(value)) w.fail(path, value, `expected a mapping of alert keys (${ALERT_KEYS.join(', ')}) to the fields to override`, k);
    for (const [alert, ak, spec] of w.entries(path, value, ALERT_KEYS, k)) {
      perAlert[alert as AlertKey] = readSpec(w, `${path}.${alert}`, alert as AlertKey, spec, ak, true);
    }
    config.overrides[provider] = perAlert;
  }
}

function readLabels(w: Walker, config: Config, node: MaybeNode, keyNode: Node): void {
  for (const [name, k, value] of w.entries('alerts.labels', node, null, keyNode)) {
    const path = `alerts.labels.${name}`;
    if (!LABEL_NAME_RE.test(name) || name.startsWith('__')) {
      w.fail(path, k, 'expected a Prometheus label name (letters, digits and _, not starting with a digit or __)');
      continue;
    }
    if (RESERVED_LABELS.has(name)) {
      w.fail(path, k, `label ${name} is set by the rules themselves (alertname, provider, severity)`);
      continue;
    }
    const v = w.scalar(value);
    if (typeof v !== 'string' || v === '') w.fail(path, value, "expected a non-empty string (quote numbers and booleans: '1')", k);
    else if (hasLoneSurrogate(v)) w.fail(path, value, 'expected valid Unicode text', k);
    else config.labels[name] = v;
  }
}

function readUrl(w: Walker, path: string, node: MaybeNode, keyNode: Node): string | null | undefined {
  if (w.isNull(node)) return null;
  const v = w.scalar(node);
  if (typeof v !== 'string' || !/^https?:\/\/[^\s"'<>\\{}|^`]+$/.test(v)) {
    w.fail(path, node, 'expected an http:// or https:// URL (no spaces or quotes), or null', keyNode);
    return undefined;
  }
  return v.replace(/\/+$/, '');
}

function readServe(w: Walker, config: Config, node: MaybeNode, keyNode: Node): void {
  for (const [, k, value] of w.entries('serve', node, ['max_providers'], keyNode)) {
    const v = w.scalar(value);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 10_000) w.fail('serve.max_providers', value, 'expected a whole number from 1 to 10000', k);
    else config.serve.max_providers = v;
  }
}

function readAnalyze(w: Walker, config: Config, node: MaybeNode, keyNode: Node): void {
  for (const [, k, value] of w.entries('analyze', node, ['spike_min'], keyNode)) {
    const v = w.scalar(value);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) w.fail('analyze.spike_min', value, 'expected a whole number >= 1', k);
    else config.analyze.spike_min = v;
  }
}

function readGrafana(w: Walker, config: Config, node: MaybeNode, keyNode: Node): void {
  for (const [key, k, value] of w.entries('grafana', node, ['url', 'folder'], keyNode)) {
    const path = `grafana.${key}`;
    if (key === 'url') {
      const url = readUrl(w, path, value, k);
      if (url !== undefined) config.grafana.url = url;
    } else {
      const v = w.scalar(value);
      if (typeof v !== 'string' || v.trim() === '' || hasLoneSurrogate(v)) w.fail(path, value, 'expected a non-empty folder name', k);
      else config.grafana.folder = v;
    }
  }
}
