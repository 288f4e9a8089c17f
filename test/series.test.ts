// One definition of each series (src/alerts/series.ts): every metric and label that a generated rule
// or dashboard target reads is one `serve` serves, or is named as one only the application can export,
// and then its alert or panel says so. Expressions are parsed with Prometheus' grammar, not matched by text.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { APPLICATION_ONLY, SERIES, type SeriesDef } from '../src/alerts/series.js';
import { loadConfig } from '../src/config/load.js';
import { parseSelector } from '../src/config/selector.js';
import type { Config } from '../src/config/types.js';
import { dashboardFiles } from '../src/generate/provisioning.js';
import { readPromql } from '../src/generate/promql.js';
import { generateAlerts } from '../src/generate/rules-file.js';
import { ROOT } from './helpers.js';

const CONFIGS: Array<[string, Config]> = [
  ['default config', loadConfig(join(ROOT, 'templates', 'vtcode-errors.yaml'))],
  ['examples/vtcode-errors.yaml', loadConfig(join(ROOT, 'examples', 'vtcode-errors.yaml'))],
  ['test/fixtures/alerts/other.yaml', loadConfig(join(ROOT, 'test', 'fixtures', 'alerts', 'other.yaml'))],
];

// Series Prometheus itself writes (the dashboards' alert annotations read ALERTS).
const PROMETHEUS_OWN = new Set(['ALERTS', 'ALERTS_FOR_STATE', 'up']);

interface Use {
  where: string;
  expr: string;
  /** The text a reader sees next to it (the alert's description, the panel's description). */
  says: string;
}

/** The series a metric name is (a histogram's _bucket/_sum/_count included), or null. */
function seriesOf(config: Config, metric: string): { def: SeriesDef; extra: string[] } | null {
  for (const def of SERIES) {
    const name = `${config.metrics.prefix}_${def.suffix}`;
    if (metric === name) return { def, extra: [] };
    if (def.type === 'histogram' && [`${name}_bucket`, `${name}_sum`, `${name}_count`].includes(metric)) return { def, extra: ['le'] };
  }
  return null;
}

/** Every problem with the names `use` reads: unknown metrics, labels no series of it has, silent application-only series. */
function problems(config: Config, use: Use): string[] {
  const out: string[] = [];
  const r = readPromql(use.expr);
  if (r.errors.length) out.push(`${use.where}: does not parse: ${use.expr}`);
  // Labels of the config's selector are target labels (job, env...) that Prometheus adds on the scrape.
  const targetLabels = new Set(parseSelector(config.metrics.selector).map((m) => m.name));
  const readable = new Set<string>(targetLabels);
  for (const s of r.selectors) {
    if (PROMETHEUS_OWN.has(s.metric)) continue;
    const found = seriesOf(config, s.metric);
    if (!found) {
      out.push(`${use.where}: ${s.metric} is no series of src/alerts/series.ts`);
      continue;
    }
    const labels = new Set([...found.def.labels, ...found.extra]);
    labels.forEach((l) => readable.add(l));
    for (const l of s.labels) if (!labels.has(l) && !targetLabels.has(l)) out.push(`${use.where}: ${s.metric} has no label ${l}`);
    if (found.def.rows === null && !/exports this (counter|histogram) itself/.test(use.says)) {
      out.push(`${use.where}: reads ${s.metric}, which only the application can export, and does not say so`);
    }
  }
  for (const l of r.grouping) if (!readable.has(l)) out.push(`${use.where}: groups by ${l}, a label none of its series has`);
  return out;
}

function ruleUses(config: Config): Use[] {
  const doc = parseYaml(generateAlerts(config, 'rules').text) as { groups: Array<{ rules: Array<{ alert: string; expr: string; annotations: Record<string, string> }> }> };
  return doc.groups.flatMap((g) => g.rules.map((r) => ({ where: `rule ${r.alert}`, expr: r.expr, says: r.annotations.description })));
}

function dashboardUses(config: Config): Use[] {
  const uses: Use[] = [];
  const walk = (v: unknown, file: string, panel: { title?: string; description?: string } | null): void => {
    if (Array.isArray(v)) return v.forEach((x) => walk(x, file, panel));
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    const here = typeof o.type === 'string' && 'title' in o ? (o as { title?: string; description?: string }) : panel;
    if (typeof o.expr === 'string' && o.expr !== '') uses.push({ where: `${file} "${here?.title}"`, expr: o.expr, says: here?.description ?? '' });
    for (const x of Object.values(o)) walk(x, file, here);
  };
  for (const f of dashboardFiles(config, { path: '/dashboards' })) if (f.name.endsWith('.json')) walk(JSON.parse(f.text), f.name, null);
  return uses;
}

describe('every series a generated rule or dashboard reads is defined once, in src/alerts/series.ts', () => {
  for (const [name, config] of CONFIGS) {
    it(`rules and dashboards of the ${name}`, () => {
      const uses = [...ruleUses(config), ...dashboardUses(config)];
      assert.ok(uses.length > 20, `only ${uses.length} expressions found`);
      assert.deepEqual(uses.flatMap((u) => problems(config, u)), []);
    });
  }

  it('the check fails on a metric or label that is not served', () => {
    const config = CONFIGS[0][1];
    const bad = (expr: string) => problems(config, { where: 'x', expr, says: '' });
    assert.equal(bad('sum by (provider) (rate(llm_errors_total[5m]))').length, 0);
    assert.match(bad('sum by (provider) (rate(llm_errors_recovered[5m]))')[0], /llm_errors_recovered is no series/);
    assert.match(bad('rate(llm_rate_limits_total{model="x"}[5m])')[0], /has no label model/);
    assert.match(bad('sum by (model) (rate(llm_errors_total[5m]))')[0], /groups by model/);
    assert.match(bad('rate(llm_circuit_breaker_rejected_total[5m])')[0], /only the application can export/);
    assert.match(bad('rate(llm_errors_total[5m]')[0], /does not parse/);
  });

  it('counters end in _total (promtool check metrics), and the application-only list is what logs cannot give', () => {
    for (const s of SERIES) if (s.type === 'counter') assert.match(s.suffix, /_total$/);
    assert.deepEqual(APPLICATION_ONLY.map((s) => s.suffix), ['circuit_breaker_rejected_total', 'error_handling_duration_ms']);
  });
});
