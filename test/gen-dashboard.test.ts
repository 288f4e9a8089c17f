// gen-dashboard (issue 6): the generated Grafana dashboards follow the conventions (and the public dashboard
// linter's rules), every expression parses with Prometheus' own grammar, the thresholds drawn are the alerts'
// (per provider, overrides included), and the output is deterministic and provisionable.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parser } from '@prometheus-io/lezer-promql';
import { parse as parseYaml } from 'yaml';
import { ALERT_KEYS, defaultConfig, type AlertKey, type AlertSpec, type Config } from '../src/config/types.js';
import { parseConfig } from '../src/config/load.js';
import { parseDurationSeconds } from '../src/config/duration.js';
import { BUNDLED_TEMPLATES, providerFileName } from '../src/generate/dashboards.js';
import { dashboardFiles, folderUid } from '../src/generate/provisioning.js';
import { dashboardUid } from '../src/generate/uid.js';
import { buildRules, readAlertTemplates } from '../src/generate/alerts.js';
import { ALERTS, alertDef, appliesTo } from '../src/alerts/definitions.js';
import { UserError } from '../src/model.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const GOLDEN = join(ROOT, 'test/golden/dashboards');
const GRAFANA_PATH = '/var/lib/grafana/dashboards/vtcode-errors';
const DS = { type: 'prometheus', uid: '${datasource}' };

// ---------------------------------------------------------------------------------------------------------------
// Configs: the default, and hand-made ones (other providers, a prefix, a selector, overrides, disabled alerts).

function otherConfig(): Config {
  const c = defaultConfig();
  c.metrics = { prefix: 'vtcode_llm', selector: 'job="vtcode", env=~"prod|staging"' };
  c.providers = ['deepseek', 'openrouter', 'ollama-cloud', 'xai', 'gemini'];
  c.overrides = {
    gemini: { rate_limit_exceeded: { threshold: 300 } },
    deepseek: { high_error_rate: { threshold: 0.5 }, rate_limit_exceeded: { threshold: 50, window: '5m' }, auth_failures: { threshold: 3 } },
    xai: { low_recovery_rate: { threshold: 0.5, window: '30m' }, provider_unavailable: { enabled: false } },
  };
  c.runbook_base_url = 'https://runbooks.example.com/llm-errors';
  c.grafana = { url: 'https://grafana.example.com', folder: 'AI platform / LLM errors' };
  return c;
}

function disabledConfig(): Config {
  const c = defaultConfig();
  c.alerts.high_error_rate.enabled = false;
  c.alerts.fallback_storm.enabled = false;
  c.overrides = { anthropic: { high_error_rate: { enabled: true, threshold: 0.2 } } };
  return c;
}

const yamlConfigText = `metrics: { prefix: myapp_llm, selector: 'cluster="eu-1"' }
providers: [anthropic, moonshot, zai]
alerts:
  rate_limit_exceeded: { threshold: 40, window: 2m }
  overrides:
    moonshot: { high_error_rate: { threshold: 0.25, window: 10m }, rate_limit_exceeded: { threshold: 5 } }
  runbook_base_url: https://runbooks.example.com/llm
grafana: { folder: Model providers }
`;

const CONFIGS: Array<[string, () => Config]> = [
  ['default config', defaultConfig],
  ['other providers, prefix, selector, overrides', otherConfig],
  ['disabled alerts, an override enabling one', disabledConfig],
  ['YAML config', () => parseConfig(yamlConfigText, 'test.yaml')],
];

// ---------------------------------------------------------------------------------------------------------------
// Helpers

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function generate(config: Config, opts: { wrap?: boolean; templatesDir?: string } = {}): Map<string, string> {
  return new Map(dashboardFiles(config, { path: GRAFANA_PATH, ...opts }).map((f) => [f.name, f.text]));
}

function dashboardsOf(files: Map<string, string>): Array<[string, Json]> {
  return [...files].filter(([n]) => n.endsWith('.json')).map(([n, text]) => [n, JSON.parse(text)]);
}

const isRow = (p: Json) => p.type === 'row';
const targetsOf = (d: Json): Json[] => d.panels.filter((p: Json) => !isRow(p)).flatMap((p: Json) => p.targets);

/** Every PromQL expression of a dashboard: targets, annotations and variable queries (label_values aside). */
function expressionsOf(d: Json): string[] {
  return [...targetsOf(d).map((t) => t.expr), ...d.annotations.list.map((a: Json) => a.expr)];
}

/** Grafana's variables replaced by sample values, as Grafana would before sending the query. */
function substitute(expr: string, samples: Record<string, string>): string {
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g, (m, a, b, c) => {
    const name = a ?? b ?? c;
    assert.ok(name in samples, `unexpected Grafana variable ${m} in ${expr}`);
    return samples[name];
  });
}

const SAMPLES = { __rate_interval: '1m', __range: '1h', __interval: '1m', provider: 'gemini' };
// Distinct durations, so that a range written literally as [1m] in a template cannot pass for $__rate_interval.
const MAGIC = { __rate_interval: '7777s', __range: '8888s', __interval: '9999s', provider: 'gemini' };

type Node = ReturnType<typeof parser.parse>['topNode'];

function parsePromQL(expr: string): { tree: Node; text: (n: Node) => string } {
  const tree = parser.parse(expr);
  const errors: string[] = [];
  tree.iterate({ enter: (n) => { if (n.type.isError) errors.push(`at ${n.from}: ${JSON.stringify(expr.slice(n.from, n.from + 20))}`); } });
  assert.deepEqual(errors, [], `PromQL does not parse: ${expr}`);
  return { tree: tree.topNode, text: (n) => expr.slice(n.from, n.to) };
}

/** The nodes called `name` in the subtree of `root` (root included). */
function nodes(root: Node, name: string): Node[] {
  const out: Node[] = root.name === name ? [root] : [];
  for (let c = root.firstChild; c; c = c.nextSibling) out.push(...nodes(c, name));
  return out;
}

function counterMetrics(prefix: string): Set<string> {
  return new Set(['errors_total', 'rate_limits_total', 'errors_recovered_total', 'errors_failed_total', 'fallback_triggered_total', 'circuit_breaker_rejected_total', 'error_handling_duration_ms_bucket'].map((m) => `${prefix}_${m}`));
}

function functionOf(call: Node, text: (n: Node) => string): string {
  return text(call.getChild('FunctionIdentifier')!);
}

function rectanglesOverlap(a: Json, b: Json): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

// The panels that draw an alert's threshold (by title), and the alerts that count per window.
const OVERVIEW_THRESHOLDS: Record<string, AlertKey> = {
  'Error Rate by Provider': 'high_error_rate',
  'Rate Limits': 'rate_limit_exceeded',
  'Server Errors': 'provider_unavailable',
  'Auth Errors': 'auth_failures',
  'Recovery Success Rate': 'low_recovery_rate',
  'Fallbacks Triggered': 'fallback_storm',
  'Circuit-Breaker Rejections': 'circuit_breaker_rejecting',
};
const PROVIDER_THRESHOLDS: Record<string, AlertKey> = {
  'Error Rate': 'high_error_rate',
  'Rate Limits': 'rate_limit_exceeded',
  'Server Errors': 'provider_unavailable',
  'Auth Errors': 'auth_failures',
  'Recovery Success Rate': 'low_recovery_rate',
  'Fallbacks Triggered': 'fallback_storm',
  'Circuit-Breaker Rejections': 'circuit_breaker_rejecting',
};
// What the alert rules compare (gen-alerts' own definitions): a count per window (increase), a rate, a ratio.
const PER_WINDOW: ReadonlySet<AlertKey> = new Set(ALERTS.filter((a) => a.kind === 'increase').map((a) => a.key));
const FIRES_BELOW: ReadonlySet<AlertKey> = new Set(ALERTS.filter((a) => a.compare === 'below').map((a) => a.key));

function effective(config: Config, key: AlertKey, provider: string): AlertSpec {
  return { ...config.alerts[key], ...(config.overrides[provider]?.[key] ?? {}) };
}

/** The red line of a thresholds config: [value, fires below?], or null when none is drawn. */
function redLine(thresholds: Json): [number, boolean] | null {
  if (!thresholds) return null;
  const steps = thresholds.steps as Array<{ color: string; value: number | null }>;
  if (steps.length === 1) return null;
  assert.equal(steps.length, 2, JSON.stringify(steps));
  assert.equal(steps[0].value, null);
  return [steps[1].value as number, steps[1].color === 'green'];
}

/** What an alert draws: its threshold (above or below), or nothing when disabled. */
function expectedLine(key: AlertKey, spec: AlertSpec): [number, boolean] | null {
  return spec.enabled ? [spec.threshold, FIRES_BELOW.has(key)] : null;
}

// Subset of the units the dashboard linter accepts (grafana-data's value formats).
const VALID_UNITS = new Set([
  'none', 'string', 'short', 'percent', 'percentunit', 'locale', 'sci',
  'ns', 'µs', 'ms', 's', 'm', 'h', 'd', 'dtdurationms', 'dtdurations',
  'cps', 'ops', 'reqps', 'rps', 'wps', 'iops', 'cpm', 'opm', 'rpm', 'wpm',
]);

// ---------------------------------------------------------------------------------------------------------------
// The checks of issue 6, for every config

for (const [label, makeConfig] of CONFIGS) {
  describe(`gen-dashboard, ${label}`, () => {
    const config = makeConfig();
    const files = generate(config);
    const dashboards = dashboardsOf(files);
    const prefix = config.metrics.prefix;

    test('writes overview.json, provider-<id>.json per provider and provisioning.yaml', () => {
      assert.deepEqual([...files.keys()], ['overview.json', ...config.providers.map((p) => `provider-${p}.json`), 'provisioning.yaml']);
      for (const [name, text] of files) {
        assert.ok(text.endsWith('}\n') || name.endsWith('.yaml'), `${name} ends with a newline`);
        if (name.endsWith('.json')) assert.equal(text, `${JSON.stringify(JSON.parse(text), null, 2)}\n`, `${name}: 2-space JSON`);
      }
    });

    test('Grafana conventions: schemaVersion 39, id null, not editable, tags, title, description', () => {
      for (const [name, d] of dashboards) {
        assert.equal(d.schemaVersion, 39, name);
        assert.equal(d.id, null, name);
        assert.equal(d.editable, false, `${name}: uneditable-dashboard`);
        assert.ok(Array.isArray(d.tags) && d.tags.includes('vtcode-errors'), name);
        assert.ok(d.title && d.description, name);
        assert.equal(d.thresholdsFrom, undefined);
      }
      const titles = dashboards.map(([, d]) => d.title);
      assert.equal(new Set(titles).size, titles.length, 'titles are unique');
    });

    test('uids: unique, stable, URL-safe, at most 40 characters, from dashboardUid', () => {
      const uids = dashboards.map(([, d]) => d.uid as string);
      assert.equal(new Set(uids).size, uids.length, `unique: ${uids}`);
      for (const uid of uids) assert.match(uid, /^[A-Za-z0-9_-]{1,40}$/);
      assert.equal(dashboards[0][1].uid, dashboardUid(config, 'overview'));
      config.providers.forEach((p, i) => assert.equal(dashboards[i + 1][1].uid, dashboardUid(config, { provider: p })));
      assert.deepEqual(dashboardsOf(generate(makeConfig())).map(([, d]) => d.uid), uids, 'same config, same uids');
    });

    test('template-datasource and template-on-time-change-reload: the datasource and provider variables', () => {
      for (const [name, d] of dashboards) {
        const vars = d.templating.list;
        const ds = vars.filter((v: Json) => v.type === 'datasource');
        assert.equal(ds.length, 1, name);
        assert.equal(ds[0].name, 'datasource');
        assert.equal(ds[0].label, 'Data source');
        assert.equal(ds[0].query, 'prometheus');
        for (const v of vars.filter((x: Json) => x.type === 'query')) {
          assert.equal(v.refresh, 2, `${name}: variable ${v.name} refreshes on time range change`);
          assert.deepEqual(v.datasource, DS);
        }
        const provider = vars.find((v: Json) => v.name === 'provider');
        assert.equal(provider.type, 'query');
        const selector = config.metrics.selector;
        const metric = `${prefix}_errors_total`;
        const providerName = name === 'overview.json' ? null : dashboards.find(([n]) => n === name)![1].title.replace('LLM errors: ', '');
        const filter = [providerName ? `provider=${JSON.stringify(providerName)}` : '', selector].filter(Boolean).join(', ');
        assert.equal(provider.query, `label_values(${filter ? `${metric}{${filter}}` : metric}, provider)`, name);
        // The query of a variable parses too.
        parsePromQL(provider.query.replace(/^label_values\((.*), provider\)$/, '$1'));
      }
    });

    test('panel-datasource, panel-title-description, panel-units: every panel', () => {
      for (const [name, d] of dashboards) {
        for (const p of d.panels) {
          assert.deepEqual(p.datasource, DS, `${name}: panel ${p.title}`);
          assert.ok(p.title, `${name}: panel ${p.id} has a title`);
          if (isRow(p)) continue;
          assert.ok(typeof p.description === 'string' && p.description.length > 20, `${name}: ${p.title} has a description`);
          assert.ok(VALID_UNITS.has(p.fieldConfig.defaults.unit), `${name}: ${p.title} unit ${p.fieldConfig.defaults.unit}`);
          assert.ok(p.targets.length > 0);
          for (const t of p.targets) assert.deepEqual(t.datasource, DS, `${name}: ${p.title} target ${t.refId}`);
          const refIds = p.targets.map((t: Json) => t.refId);
          assert.equal(new Set(refIds).size, refIds.length, `${name}: ${p.title} refIds unique`);
        }
        for (const a of d.annotations.list) assert.deepEqual(a.datasource, DS);
      }
    });

    test('the overview has the guide\'s panels and the issue\'s additions; provider dashboards the guide\'s', () => {
      const overview = dashboards[0][1];
      const titles = overview.panels.map((p: Json) => p.title);
      for (const t of ['Error Rate by Provider', 'Rate Limits', 'Error Distribution', 'Recovery Success Rate', 'Errors by Status Code',
        'Error-Handling Duration', 'Fallbacks Triggered', 'Circuit-Breaker Rejections']) {
        assert.ok(titles.includes(t), `overview has ${t}`);
      }
      const duration = overview.panels.find((p: Json) => p.title === 'Error-Handling Duration');
      assert.deepEqual(duration.targets.map((t: Json) => t.expr.match(/histogram_quantile\(([\d.]+)/)[1]), ['0.5', '0.95', '0.99']);
      for (const t of duration.targets) assert.ok(t.expr.includes(`${prefix}_error_handling_duration_ms_bucket{`));
      const alerts = overview.annotations.list[0];
      assert.ok(alerts.expr.startsWith('ALERTS{alertname=~"HighLLMErrorRate|RateLimitExceeded|ProviderUnavailable|LLM.*'), alerts.expr);
      assert.ok(alerts.enable);
      for (const [, d] of dashboards.slice(1)) {
        const ptitles = d.panels.map((p: Json) => p.title);
        for (const t of ['Error Rate', 'Rate Limits', 'Error Distribution', 'Auth Errors by Status Code']) assert.ok(ptitles.includes(t), `${d.title} has ${t}`);
      }
    });

    test('links: provider dashboards back to the overview; the runbook when one is configured', () => {
      const overviewUid = dashboardUid(config, 'overview');
      const base = config.runbook_base_url;
      for (const [name, d] of dashboards) {
        const runbook = d.links.find((l: Json) => l.title === 'Runbook');
        assert.equal(runbook?.url, base ?? undefined, `${name}: dashboard runbook link`);
        if (name !== 'overview.json') {
          const back = d.links.find((l: Json) => l.title === 'Overview');
          assert.equal(back.url, `/d/${overviewUid}`);
          assert.equal(back.includeVars, true, 'the overview opens on this provider');
        } else {
          assert.ok(d.links.some((l: Json) => l.type === 'dashboards' && l.tags.includes('llm-provider')));
        }
        const table = name === 'overview.json' ? OVERVIEW_THRESHOLDS : PROVIDER_THRESHOLDS;
        for (const p of d.panels.filter((x: Json) => !isRow(x))) {
          const key = table[p.title];
          const wanted = key && base ? [{ title: `Runbook: ${alertDef(key).name}`, url: `${base}/${alertDef(key).name}`, targetBlank: true }] : undefined;
          assert.deepEqual(p.links, wanted, `${name}: ${p.title} links`);
        }
      }
    });

    test('layout: 24 columns, no overlap, unique panel ids, rows for groups', () => {
      for (const [name, d] of dashboards) {
        const ids = d.panels.map((p: Json) => p.id);
        assert.equal(new Set(ids).size, ids.length, `${name}: unique panel ids`);
        assert.ok(d.panels.filter(isRow).length >= 2, `${name}: rows`);
        for (const p of d.panels) {
          const g = p.gridPos;
          for (const k of ['x', 'y', 'w', 'h']) assert.ok(Number.isInteger(g[k]) && g[k] >= 0, `${name}: ${p.title} gridPos.${k}`);
          assert.ok(g.w >= 1 && g.h >= 1 && g.x + g.w <= 24, `${name}: ${p.title} fits 24 columns`);
          if (isRow(p)) assert.deepEqual([g.x, g.w, g.h], [0, 24, 1]);
        }
        for (let i = 0; i < d.panels.length; i++) {
          for (let j = i + 1; j < d.panels.length; j++) {
            assert.ok(!rectanglesOverlap(d.panels[i].gridPos, d.panels[j].gridPos), `${name}: ${d.panels[i].title} overlaps ${d.panels[j].title}`);
          }
        }
        // A row heads the panels below it: panels come in reading order.
        const order = d.panels.map((p: Json) => p.gridPos.y * 24 + p.gridPos.x);
        assert.deepEqual(order, [...order].sort((a, b) => a - b), `${name}: panels in reading order`);
      }
    });

    test('target-promql: every expression parses (Prometheus grammar) after variable substitution', () => {
      for (const [, d] of dashboards) for (const e of expressionsOf(d)) parsePromQL(substitute(e, SAMPLES));
    });

    test('target-rate-interval and target-counter-agg: ranges are $__rate_interval or $__range, counters only through rate/increase', () => {
      const counters = counterMetrics(prefix);
      for (const [name, d] of dashboards) {
        for (const expr of expressionsOf(d)) {
          const { tree, text } = parsePromQL(substitute(expr, MAGIC));
          for (const m of nodes(tree, 'MatrixSelector')) {
            const range = text(m).replace(/^.*\[/, '').replace(/\]$/, '');
            assert.ok(range === '7777s' || range === '8888s', `${name}: range [${range}] in ${expr}`);
            const call = m.parent?.parent;
            assert.equal(call?.name, 'FunctionCall', `${name}: a range outside a function in ${expr}`);
            const fn = functionOf(call!, text);
            assert.ok(['rate', 'increase'].includes(fn), `${name}: ${fn} over a range in ${expr}`);
            if (fn === 'rate') assert.equal(range, '7777s', `${name}: rate over $__rate_interval in ${expr}`);
          }
          for (const v of nodes(tree, 'VectorSelector')) {
            const metric = text(v.getChild('Identifier') ?? v).replace(/\{.*$/, '');
            if (!counters.has(metric) && !metric.endsWith('_total')) continue;
            const m = v.parent;
            assert.equal(m?.name, 'MatrixSelector', `${name}: counter ${metric} used without a range in ${expr}`);
            assert.ok(['rate', 'increase'].includes(functionOf(m!.parent!.parent!, text)), `${name}: counter ${metric} not through rate/increase in ${expr}`);
          }
        }
      }
    });

    test('every selector of a metric carries the config selector; provider dashboards fix their provider', () => {
      const wanted = config.metrics.selector ? config.metrics.selector.split(', ') : [];
      for (const [name, d] of dashboards) {
        const provider = name === 'overview.json' ? null : config.providers[dashboards.findIndex(([n]) => n === name) - 1];
        for (const expr of targetsOf(d).map((t) => t.expr)) {
          const { tree, text } = parsePromQL(substitute(expr, SAMPLES));
          for (const v of nodes(tree, 'VectorSelector')) {
            const sel = text(v);
            assert.ok(sel.startsWith(`${prefix}_`), `${name}: metric of the prefix in ${sel}`);
            for (const w of wanted) assert.ok(sel.includes(w), `${name}: ${sel} lacks ${w}`);
            if (provider) {
              assert.ok(sel.includes(`provider="${provider}"`), `${name}: ${sel} is about ${provider}`);
            } else {
              assert.ok(sel.includes('provider=~"gemini"'), `${name}: ${sel} follows the provider variable`);
            }
          }
        }
      }
    });

    test('thresholds equal the alerts of the config, per provider with overrides, in the unit of the panel', () => {
      // Provider dashboards: the provider's own alert (overrides included), on the panel's defaults.
      config.providers.forEach((provider, i) => {
        const d = dashboards[i + 1][1];
        for (const p of d.panels.filter((x: Json) => !isRow(x))) {
          const key = PROVIDER_THRESHOLDS[p.title];
          const line = redLine(p.fieldConfig.defaults.thresholds);
          if (!key) {
            assert.equal(line, null, `${d.title}: ${p.title} draws no threshold`);
            continue;
          }
          const spec = effective(config, key, provider);
          assert.deepEqual(line, expectedLine(key, spec), `${d.title}: ${p.title} (${key})`);
          if (spec.enabled) assert.equal(p.fieldConfig.defaults.custom.thresholdsStyle.mode, 'line');
          assert.equal(p.targets.length, 1);
          assertScale(p.targets[0].expr, key, spec);
        }
      });
      // Overview: the default rule on the defaults, each override as a field override of its own targets.
      const overview = dashboards[0][1];
      for (const [title, key] of Object.entries(OVERVIEW_THRESHOLDS)) {
        const p = overview.panels.find((x: Json) => x.title === title);
        assert.ok(p, title);
        const base = config.alerts[key];
        assert.deepEqual(redLine(p.fieldConfig.defaults.thresholds), expectedLine(key, base), `overview: ${title}`);
        const overridden = Object.keys(config.overrides).filter((o) => config.overrides[o][key] !== undefined).sort();
        assert.equal(p.targets.length, 1 + overridden.length, `overview: ${title} has one target per alert rule`);
        const first = p.targets[0];
        assertScale(first.expr, key, base);
        if (overridden.length) assert.ok(first.expr.includes(`provider!~"${overridden.map((o) => o.replace(/[.]/g, '\\\\.')).join('|')}"`), first.expr);
        else assert.ok(!first.expr.includes('provider!~'), first.expr);
        overridden.forEach((provider, i) => {
          const t = p.targets[i + 1];
          const spec = effective(config, key, provider);
          assert.ok(t.expr.includes(`provider="${provider}"`), t.expr);
          assertScale(t.expr, key, spec);
          const o = p.fieldConfig.overrides.find((x: Json) => x.matcher.id === 'byFrameRefID' && x.matcher.options === t.refId);
          assert.ok(o, `overview: ${title}: a field override for ${provider}`);
          const th = o.properties.find((x: Json) => x.id === 'thresholds').value;
          assert.deepEqual(redLine(th), expectedLine(key, spec), `overview: ${title}, ${provider}`);
        });
      }
      for (const p of overview.panels.filter((x: Json) => !isRow(x) && !(x.title in OVERVIEW_THRESHOLDS))) {
        assert.equal(redLine(p.fieldConfig.defaults.thresholds), null, `overview: ${p.title} draws no threshold`);
      }
    });

    test('each threshold line sits on the series its alert rule reads (gen-alerts\' rules), over the same window', () => {
      const rules = buildRules(config, readAlertTemplates());
      assert.ok(rules.length > 0);
      const overview = dashboards[0][1];
      for (const { instance, rule } of rules) {
        const key = instance.def.key;
        const wanted = seriesOf(rule.expr);
        const windows = new Set([...rule.expr.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]));
        assert.deepEqual([...windows], [instance.spec.window], rule.expr);
        // Overview: the target of this very rule (the default rule first, then one per override).
        const panel = overview.panels.find((x: Json) => x.title === Object.keys(OVERVIEW_THRESHOLDS).find((t) => OVERVIEW_THRESHOLDS[t] === key));
        const target = instance.provider === null ? panel.targets[0] : panel.targets.find((t: Json) => t.expr.includes(`provider="${instance.provider}"`));
        assert.ok(target, `overview: a target for ${rule.alert} ${instance.provider ?? ''}`);
        const got = seriesOf(substitute(target.expr, SAMPLES)).map((x) => x.replace(/,?provider=~"gemini"/, '').replace('{,', '{'));
        assert.deepEqual(got, wanted, `overview ${panel.title}: ${target.expr} vs ${rule.expr}`);
        assertScale(target.expr, key, instance.spec);
        // Provider dashboards: the rule that applies to the provider, with the provider fixed.
        config.providers.forEach((provider, i) => {
          if (!appliesTo(instance, provider)) return;
          const d = dashboards[i + 1][1];
          const p = d.panels.find((x: Json) => PROVIDER_THRESHOLDS[x.title] === key);
          const strip = (x: string) => x.replace(/,?provider(=|!~)"(?:[^"\\]|\\.)*"/g, '').replace('{,', '{');
          assert.deepEqual(seriesOf(p.targets[0].expr.replace(/\$__rate_interval/g, '1m')).map(strip), wanted.map(strip), `${d.title} ${p.title}`);
          assert.deepEqual(redLine(p.fieldConfig.defaults.thresholds), expectedLine(key, instance.spec), `${d.title} ${p.title}`);
          assertScale(p.targets[0].expr, key, instance.spec);
        });
      }
    });

    test('provisioning.yaml: apiVersion 1, one file provider pointing at the output directory, the config\'s folder', () => {
      const doc = parseYaml(files.get('provisioning.yaml')!);
      assert.equal(doc.apiVersion, 1);
      assert.equal(doc.providers.length, 1);
      const [p] = doc.providers;
      assert.equal(p.type, 'file');
      assert.equal(p.options.path, GRAFANA_PATH);
      assert.equal(p.folder, config.grafana.folder);
      assert.equal(p.folderUid, folderUid(config));
      assert.match(p.folderUid, /^[a-z0-9-]{1,40}$/);
    });

    test('--wrap: {"dashboard", "folderUid", "overwrite": true} around the same models, no provisioning file', () => {
      const wrapped = generate(config, { wrap: true });
      assert.deepEqual([...wrapped.keys()], [...files.keys()].filter((n) => n !== 'provisioning.yaml'));
      for (const [name, text] of wrapped) {
        const w = JSON.parse(text);
        assert.deepEqual(Object.keys(w).sort(), ['dashboard', 'folderUid', 'overwrite']);
        assert.equal(w.overwrite, true);
        assert.equal(w.folderUid, folderUid(config));
        assert.deepEqual(w.dashboard, JSON.parse(files.get(name)!));
      }
    });

    test('determinism: two runs give identical bytes', () => {
      const again = generate(makeConfig());
      assert.deepEqual([...again.keys()], [...files.keys()]);
      for (const [name, text] of files) assert.equal(again.get(name), text, name);
    });
  });
}

/** The series an expression reads: each selector as metric{matchers sorted}, `\x24` read back as `$`, sorted. */
function seriesOf(expr: string): string[] {
  const { tree, text } = parsePromQL(expr);
  const out = new Set<string>();
  for (const v of nodes(tree, 'VectorSelector')) {
    const metric = text(v.getChild('Identifier')!);
    const matchers = nodes(v, 'UnquotedLabelMatcher').map((m) => text(m).replace(/^\s*(\w+)\s*(=~|!~|!=|=)\s*/, '$1$2').replace(/\\x24/g, '$')).sort();
    out.add(`${metric}{${matchers.join(',')}}`);
  }
  return [...out].sort();
}

/** A per-window alert is plotted as rate × window seconds (the count per alert window); a rate alert as the rate. */
function assertScale(expr: string, key: AlertKey, spec: AlertSpec): void {
  const m = / \* (\d+(?:\.\d+)?)$/.exec(expr);
  if (PER_WINDOW.has(key)) {
    assert.ok(m, `${key}: ${expr} is scaled to the alert window`);
    assert.equal(Number(m![1]), parseDurationSeconds(spec.window), `${key}: ${expr} scaled to ${spec.window}`);
  } else {
    assert.equal(m, null, `${key}: ${expr} is not scaled`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Golden files (the default config); UPDATE_GOLDEN=1 rewrites them.

describe('golden files', () => {
  test('the default config gives the golden files byte for byte', () => {
    const files = generate(defaultConfig());
    if (process.env.UPDATE_GOLDEN === '1') {
      rmSync(GOLDEN, { recursive: true, force: true });
      mkdirSync(GOLDEN, { recursive: true });
      for (const [name, text] of files) writeFileSync(join(GOLDEN, name), text);
    }
    assert.deepEqual(readdirSync(GOLDEN).sort(), [...files.keys()].sort());
    for (const [name, text] of files) assert.equal(text, readFileSync(join(GOLDEN, name), 'utf8'), `${name} differs from test/golden/dashboards (UPDATE_GOLDEN=1 to accept)`);
  });

  test('the golden overview draws the guide\'s numbers', () => {
    const overview = JSON.parse(readFileSync(join(GOLDEN, 'overview.json'), 'utf8'));
    const byTitle = (t: string) => overview.panels.find((p: Json) => p.title === t);
    assert.deepEqual(redLine(byTitle('Error Rate by Provider').fieldConfig.defaults.thresholds), [0.1, false]);
    assert.equal(byTitle('Error Rate by Provider').targets[0].expr, 'sum by (provider) (rate(llm_errors_total{provider=~"$provider"}[$__rate_interval]))');
    assert.deepEqual(redLine(byTitle('Rate Limits').fieldConfig.defaults.thresholds), [100, false]);
    assert.equal(byTitle('Rate Limits').targets[0].expr, 'sum by (provider) (rate(llm_rate_limits_total{provider=~"$provider"}[$__rate_interval])) * 60');
    assert.deepEqual(redLine(byTitle('Server Errors').fieldConfig.defaults.thresholds), [10, false]);
    assert.ok(byTitle('Server Errors').targets[0].expr.endsWith(' * 120'));
    assert.deepEqual(redLine(byTitle('Recovery Success Rate').fieldConfig.defaults.thresholds), [0.8, true]);
    assert.equal(byTitle('Error Distribution').targets[0].expr, 'sum by (error_type) (increase(llm_errors_total{provider=~"$provider"}[$__range]))');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Provider ids are data

describe('provider ids', () => {
  test('a plain id names its file; any other id gets a safe, distinct file name and stays a harmless label value', () => {
    assert.equal(providerFileName('ollama-cloud'), 'provider-ollama-cloud.json');
    const weird = ['a"}) or vector(1) #', '../../etc/passwd', 'a/b', '$provider', 'Z.AI beta', ''];
    const names = weird.map(providerFileName);
    assert.equal(new Set(names).size, names.length);
    for (const n of names) assert.match(n, /^provider-[a-z0-9._-]+\.json$/);
    for (const n of names) assert.ok(!n.includes('..') && !n.includes('/'), n);

    const c = defaultConfig();
    c.providers = ['a"}) or vector(1) #', '$datasource', 'gemini'];
    c.overrides = { '$datasource': { rate_limit_exceeded: { threshold: 1 } }, 'x.y': { high_error_rate: { threshold: 1 } } };
    const files = generate(c);
    for (const [name, d] of dashboardsOf(files)) {
      for (const e of expressionsOf(d)) parsePromQL(substitute(e, SAMPLES));
      for (const t of targetsOf(d)) assert.ok(!/\$datasource|\$provider\b/.test(t.expr.replace(/=~"\$provider"/g, '')), `${name}: a label value Grafana would expand: ${t.expr}`);
    }
    const [, injected] = dashboardsOf(files)[1];
    assert.ok(targetsOf(injected)[0].expr.includes('provider="a\\"}) or vector(1) #"'), targetsOf(injected)[0].expr);
    const [, dollar] = dashboardsOf(files)[2];
    assert.ok(targetsOf(dollar)[0].expr.includes('provider="\\x24datasource"'), targetsOf(dollar)[0].expr);
    const overview = dashboardsOf(files)[0][1];
    const rateLimits = overview.panels.find((p: Json) => p.title === 'Rate Limits');
    assert.ok(rateLimits.targets[0].expr.includes('provider!~"\\\\\\x24datasource"'), rateLimits.targets[0].expr);
    const errorRate = overview.panels.find((p: Json) => p.title === 'Error Rate by Provider');
    assert.ok(errorRate.targets[0].expr.includes('provider!~"x\\\\.y"'), errorRate.targets[0].expr);
  });

  test('two ids that would share a file (case) are a clear error', () => {
    const c = defaultConfig();
    c.providers = ['gemini', 'Gemini'];
    assert.throws(() => generate(c), (e: unknown) => e instanceof UserError && /"gemini" and "Gemini" would share the dashboard file/.test(e.message));
  });
});

// ---------------------------------------------------------------------------------------------------------------
// --templates DIR: a user's copy, checked as strictly

describe('--templates', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'vtcode-dash-tpl-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function copyWith(edit: (overview: string) => string): string {
    const d = mkdtempSync(join(dir, 't-'));
    cpSync(BUNDLED_TEMPLATES, d, { recursive: true });
    const file = join(d, 'overview.json');
    writeFileSync(file, edit(readFileSync(file, 'utf8')));
    return d;
  }

  function lineOf(text: string, needle: string): number {
    return text.slice(0, text.indexOf(needle)).split('\n').length;
  }

  test('a user copy is used: of templates/dashboards/, or of the whole templates/ as gen-alerts takes it', () => {
    const d = copyWith((t) => t.replace('"LLM errors: overview"', '"Our LLM errors"'));
    const overview = JSON.parse(generate(defaultConfig(), { templatesDir: d }).get('overview.json')!);
    assert.equal(overview.title, 'Our LLM errors');
    const whole = mkdtempSync(join(dir, 'whole-'));
    cpSync(d, join(whole, 'dashboards'), { recursive: true });
    assert.equal(JSON.parse(generate(defaultConfig(), { templatesDir: whole }).get('overview.json')!).title, 'Our LLM errors');
    assert.throws(() => generate(defaultConfig(), { templatesDir: join(dir, 'missing') }), /--templates .*missing: no such directory/);
  });

  test('an unknown placeholder is an error naming the file and line', () => {
    let text = '';
    const d = copyWith((t) => (text = t.replace('"title": "Rate Limits",', '"title": "Rate Limits <% rate_limit_window %>",')));
    assert.throws(() => generate(defaultConfig(), { templatesDir: d }), (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.equal(e.message, `${join(d, 'overview.json')}:${lineOf(text, '<% rate_limit_window %>')}: unknown placeholder <% rate_limit_window %>`);
      return true;
    });
  });

  test('window placeholders outside the targets of a thresholds panel are an error with a hint', () => {
    let text = '';
    const d = copyWith((t) => (text = t.replace('"title": "Errors by Status Code",', '"title": "Errors by Status Code per <% window %>",')));
    assert.throws(() => generate(defaultConfig(), { templatesDir: d }), (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.match(e.message, new RegExp(`overview\\.json:${lineOf(text, 'Status Code per <% window %>')}: unknown placeholder <% window %> \\(window and window_seconds exist only`));
      return true;
    });
  });

  test('invalid JSON is an error naming the line', () => {
    let text = '';
    const d = copyWith((t) => (text = t.replace('"title": "Rate Limits",', '"title": <% prefix %>,')));
    assert.throws(() => generate(defaultConfig(), { templatesDir: d }), (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.match(e.message, new RegExp(`overview\\.json:${lineOf(text, '<% prefix %>,')}: not valid JSON`));
      return true;
    });
  });

  test('a malformed placeholder, a fixed range, a missing description or unit, a bad thresholdsFrom are errors', () => {
    const cases: Array<[(t: string) => string, RegExp]> = [
      [(t) => t.replace('"title": "Rate Limits",', '"title": "Rate Limits <% window",'), /overview\.json:\d+: malformed placeholder/],
      [(t) => t.replace('[$__rate_interval])) * <% window_seconds %>', '[5m])) * <% window_seconds %>'), /Rate Limits\): range \[5m\]/],
      [(t) => t.replace(/"description": "Errors by error_type[^"]*",/, ''), /Error Distribution\): every panel needs a "description"/],
      [(t) => t.replace('"unit": "ms", ', ''), /Error-Handling Duration\): every panel needs fieldConfig.defaults.unit/],
      [(t) => t.replace('"thresholdsFrom": "high_error_rate"', '"thresholdsFrom": "high_error"'), /thresholdsFrom must be one of high_error_rate/],
      [(t) => t.replace('"gridPos": { "w": 16, "h": 8 }', '"gridPos": { "w": 25, "h": 8 }'), /gridPos.w must be an integer from 1 to 24/],
    ];
    for (const [edit, message] of cases) {
      const d = copyWith(edit);
      assert.throws(() => generate(defaultConfig(), { templatesDir: d }), (e: unknown) => e instanceof UserError && message.test(e.message), String(message));
    }
  });

  test('a missing template or a provisioning template without options.path is an error', () => {
    const d = copyWith((t) => t);
    rmSync(join(d, 'provider.json'));
    assert.throws(() => generate(defaultConfig(), { templatesDir: d }), /provider\.json: cannot read template \(ENOENT\)/);
    const p = copyWith((t) => t);
    writeFileSync(join(p, 'provisioning.yaml'), 'apiVersion: 1\nproviders: []\n');
    assert.throws(() => generate(defaultConfig(), { templatesDir: p }), /provisioning\.yaml: a provisioning template needs/);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The command

describe('vtcode-errors gen-dashboard (CLI)', () => {
  let work: string;
  before(() => {
    // Others' half-written files may make tsc complain; it still emits, and these tests need only this command.
    spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT, encoding: 'utf8' });
    assert.ok(existsSync(join(ROOT, 'dist/commands/gen-dashboard.js')), 'tsc emitted dist/commands/gen-dashboard.js');
    work = mkdtempSync(join(tmpdir(), 'vtcode-dash-cli-'));
    writeFileSync(join(work, 'vtcode-errors.yaml'), yamlConfigText);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  const run = (...args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, 'bin/vtcode-errors.js'), 'gen-dashboard', ...args], { cwd: work, encoding: 'utf8' });

  test('writes the dashboards and a provisioning file pointing at the absolute output directory', () => {
    const r = run('--config', 'vtcode-errors.yaml', '--out', 'out/dash');
    assert.equal(r.status, 0, r.stderr);
    const dir = join(work, 'out/dash');
    assert.deepEqual(readdirSync(dir).sort(), ['overview.json', 'provider-anthropic.json', 'provider-moonshot.json', 'provider-zai.json', 'provisioning.yaml']);
    assert.deepEqual(r.stdout.trim().split('\n'), ['overview.json', 'provider-anthropic.json', 'provider-moonshot.json', 'provider-zai.json', 'provisioning.yaml'].map((n) => join('out/dash', n)));
    assert.equal(parseYaml(readFileSync(join(dir, 'provisioning.yaml'), 'utf8')).providers[0].options.path, dir);
    const expected = generate(parseConfig(yamlConfigText, 'x'));
    for (const name of ['overview.json', 'provider-moonshot.json']) assert.equal(readFileSync(join(dir, name), 'utf8'), expected.get(name));
    const again = run('--config', 'vtcode-errors.yaml', '--out', 'out/dash', '--quiet');
    assert.equal(again.status, 0);
    assert.equal(again.stdout, '');
  });

  test('--out naming a file: one line saying it must be a directory, exit 2, the file untouched', () => {
    writeFileSync(join(work, 'a-file.json'), 'keep me');
    const r = run('--out', 'a-file.json');
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'vtcode-errors: --out a-file.json: must be a directory (it names a file)\n');
    assert.equal(readFileSync(join(work, 'a-file.json'), 'utf8'), 'keep me');
  });

  test('--out defaults to ./dashboards and the config to ./vtcode-errors.yaml', () => {
    const r = run();
    assert.equal(r.status, 0, r.stderr);
    assert.ok(existsSync(join(work, 'dashboards/provider-moonshot.json')));
  });

  test('--wrap writes the HTTP API shape; --provisioning-path sets options.path', () => {
    const r = run('--out', 'wrapped', '--wrap');
    assert.equal(r.status, 0, r.stderr);
    const w = JSON.parse(readFileSync(join(work, 'wrapped/overview.json'), 'utf8'));
    assert.equal(w.overwrite, true);
    assert.equal(w.dashboard.schemaVersion, 39);
    assert.ok(!existsSync(join(work, 'wrapped/provisioning.yaml')));
    const p = run('--out', 'mounted', '--provisioning-path', '/var/lib/grafana/dashboards/llm');
    assert.equal(p.status, 0, p.stderr);
    assert.equal(parseYaml(readFileSync(join(work, 'mounted/provisioning.yaml'), 'utf8')).providers[0].options.path, '/var/lib/grafana/dashboards/llm');
  });

  test('a stale provider file is pointed out', () => {
    writeFileSync(join(work, 'dashboards/provider-gone.json'), '{}');
    const r = run();
    assert.equal(r.status, 0);
    assert.match(r.stderr, /dashboards\/provider-gone\.json is not in the config any more/);
  });

  test('a bad config or a bad template exits 2 with a one-line message', () => {
    writeFileSync(join(work, 'bad.yaml'), 'metrics: { prefix: 9bad }\n');
    const bad = run('--config', 'bad.yaml');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /metrics\.prefix/);
    const tpl = join(work, 'tpl');
    cpSync(BUNDLED_TEMPLATES, tpl, { recursive: true });
    const file = join(tpl, 'provider.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"title": "Error Rate",', '"title": "<% nope %>",'));
    const r = run('--templates', tpl);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^vtcode-errors: .*provider\.json:\d+: unknown placeholder <% nope %>\n$/);
  });

  test('--help shows an example', () => {
    const r = run('--help');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /Example:\n\s+\$ vtcode-errors gen-dashboard/);
  });
});

// Every alert key is known to the tests' tables (a new alert must decide where its line is drawn).
test('every alert is drawn on the overview and on every provider dashboard', () => {
  assert.deepEqual(Object.values(OVERVIEW_THRESHOLDS).sort(), [...ALERT_KEYS].sort());
  assert.deepEqual(Object.values(PROVIDER_THRESHOLDS).sort(), [...ALERT_KEYS].sort());
  assert.deepEqual(ALERTS.map((a) => a.key).sort(), [...ALERT_KEYS].sort());
});
