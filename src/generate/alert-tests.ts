// `gen-alerts --tests F`: a `promtool test rules` file proving each generated rule (every alert's default
// rule and every override) fires just above its threshold once `for` has passed, not one evaluation
// earlier, stays silent just below it, and carries exactly the expected labels and annotations.
//
// Each test feeds counters that grow steadily from 0 (`0+dxn`), sampled at an interval dividing the
// evaluation interval and at most a quarter of every window: a window holds at least 4 samples, so
// Prometheus 3's left-open ranges (t - w, t] extrapolate to the same value as 2.x's closed [t - w, t].
// What promtool must report is predicted by promsim.ts, an independent model of the config's intent,
// under every range semantics it knows; they must all agree, or generation stops.
import { parseSelector } from '../config/selector.js';
import { tryParseDurationMs, formatDurationMs } from '../config/duration.js';
import type { Config } from '../config/types.js';
import { UserError } from '../model.js';
import { type Rule } from './alerts.js';
import { alertDef, appliesTo, byCodePoint, type RuleInstance } from '../alerts/definitions.js';
import { expandGoTemplate } from './go-template.js';
import { labelSamples } from './label-samples.js';
import { SEMANTICS, simulate, type FiringAlert, type SemanticsName, type SimCounter, type SimSetup } from './promsim.js';
import { promqlString } from '../escape.js';

const MAX_SERIES_SAMPLES = 50_000; // per series: promtool keeps them all and evaluates every step

interface Built {
  instance: RuleInstance;
  rule: Rule;
}

/**
 * The test file (as data) for the rules in `rulesFile` (a path relative to the test file), whose
 * expectations hold under each of `semantics` (every Prometheus version promsim models, by default).
 */
export function buildAlertTests(config: Config, built: Built[], rulesFile: string, semantics: readonly SemanticsName[] = Object.keys(SEMANTICS) as SemanticsName[]): Record<string, unknown> {
  const eiMs = tryParseDurationMs(config.evaluation_interval)!;
  const tests: unknown[] = [];
  for (const b of built) {
    const family = built.filter((x) => x.instance.def.key === b.instance.def.key);
    tests.push(...testsFor(config, b, family, eiMs, semantics));
  }
  return { rule_files: [rulesFile], evaluation_interval: config.evaluation_interval, tests };
}

/** The sample interval of a test: divides the evaluation interval and every window, and gives each window >= 4 samples. */
export function sampleIntervalMs(eiMs: number, windowsMs: readonly number[]): number {
  return windowsMs.reduce((g, w) => gcd(g, w / smallestDivisorFrom(w, 4)), eiMs);
}

function smallestDivisorFrom(n: number, from: number): number {
  for (let d = from; d < n; d++) if (n % d === 0) return d;
  return n;
}

function testsFor(config: Config, target: Built, family: Built[], eiMs: number, semantics: readonly SemanticsName[]): unknown[] {
  const { instance } = target;
  const def = instance.def;
  const windowMs = (r: RuleInstance) => tryParseDurationMs(r.spec.window)!;
  const forMs = (r: RuleInstance) => tryParseDurationMs(r.spec.for)!;
  const rules = family.map((f) => f.instance);
  // Samples land on every window edge and every evaluation, at least 4 to a window.
  const intervalMs = sampleIntervalMs(eiMs, rules.map(windowMs));
  const ceilEi = (ms: number) => Math.ceil(ms / eiMs) * eiMs;
  const untilMs = Math.max(...rules.map((r) => ceilEi(windowMs(r)) + ceilEi(forMs(r)))) + 2 * eiMs;
  const samples = untilMs / intervalMs;
  if (samples > MAX_SERIES_SAMPLES) {
    throw new UserError(`--tests: ${def.name} needs ${samples} samples per series (window and evaluation_interval ${config.evaluation_interval} share only a ${formatDurationMs(intervalMs)} step); use coarser durations`);
  }
  const setups: SimSetup[] = semantics.map((name) => ({ intervalMs, samples, windowMs, semantics: SEMANTICS[name] }));
  const provider = instance.provider ?? defaultScopeProvider(config, instance);
  const w = windowMs(instance) / 1000;
  const scope = instance.provider === null ? `default rule (${provider})` : `override for ${provider}`;
  // A test group: the counters, and what promtool must report at the given evaluation times (per the model).
  const groupFor = (name: string, counters: SimCounter[]) => {
    const providers = [...new Set(counters.map((c) => c.provider))];
    const sims = setups.map((setup) => simulate(rules, providers, counters, setup, eiMs, forMs, untilMs));
    const expectations = (times: number[]) =>
      sims.map((sim) => times.map((t) => ({ eval_time: formatDurationMs(t), alertname: def.name, exp_alerts: (sim.get(t) ?? []).map((a) => expected(a, family)) })));
    // A test that would pass on one Prometheus and fail on another is a bug here, not in the rules.
    const firing = sims.map((sim) => JSON.stringify([...sim].map(([t, as]) => [t, as.map((a) => `${rules.indexOf(a.rule)} ${a.provider}`)])));
    if (firing.some((f) => f !== firing[0])) throw new Error(`internal: Prometheus ${semantics.join(' and ')} disagree on when ${def.name} fires in "${name}"`);
    return {
      sim: sims[0],
      group: (times: number[]) => {
        const exp = expectations(times);
        if (exp.some((e) => JSON.stringify(e) !== JSON.stringify(exp[0]))) throw new Error(`internal: Prometheus ${semantics.join(' and ')} disagree on the alerts of "${name}"`);
        return {
          name,
          interval: formatDurationMs(intervalMs),
          input_series: counters.map((c) => ({ series: seriesName(config, def.key, c), values: `0+${number(c.step)}x${samples}` })),
          alert_rule_test: exp[0],
        };
      },
    };
  };
  const perSecond = (eventsPerWindow: number) => eventsPerWindow / w;
  const step = (perSec: number) => (perSec * intervalMs) / 1000;
  const out: unknown[] = [];
  const desc = describe(instance);

  if (def.kind !== 'ratio') {
    const te = def.kind === 'rate' ? round12(instance.spec.threshold * w) : instance.spec.threshold;
    // Just above: the fewest whole events in a window that exceed the threshold; just below: the most that do not.
    for (let above = Math.floor(te) + 1; ; above++) {
      const counters: SimCounter[] = [{ provider, counter: 0, step: step(perSecond(above)) }];
      // The default rule's test also feeds every provider it excludes, at the same rate: they must not
      // get a second alert from it (only their own override may fire).
      if (instance.provider === null) for (const o of instance.excluded) counters.push({ provider: o, counter: 0, step: step(perSecond(above)) });
      const g = groupFor(`${def.name} ${scope}: ${valueText(def.kind, above, instance)} fires once for ${instance.spec.for} has passed`, counters);
      const fireAt = firstFiring(g.sim, instance, provider);
      if (fireAt === null) {
        if (above > Math.floor(te) + 3) throw new Error(`internal: no firing test for ${def.name} ${scope}`);
        continue;
      }
      out.push(g.group([...(fireAt >= eiMs ? [fireAt - eiMs] : []), fireAt, untilMs]));
      break;
    }
    const below = Math.max(Math.ceil(te) - 1, 0);
    const g = groupFor(`${def.name} ${scope}: ${valueText(def.kind, below, instance)} stays silent`, [{ provider, counter: 0, step: step(perSecond(below)) }]);
    if (firstFiring(g.sim, instance, provider) !== null) throw new Error(`internal: silent test fires for ${def.name} ${scope}`);
    out.push(g.group([ceilEi(windowMs(instance)) + ceilEi(forMs(instance)), untilMs]));
    return out.map((g) => ({ ...(g as object), name: `${(g as { name: string }).name}${desc}` }));
  }

  // The recovery ratio: n outcomes per window, a few more than min_events so the guard is met clearly.
  const minEvents = instance.spec.min_events ?? 0;
  const n = Math.max(20, minEvents + 1);
  const tn = round12(instance.spec.threshold * n);
  const ratioCounters = (recovered: number, failed: number): SimCounter[] => [
    ...(recovered > 0 ? [{ provider, counter: 0, step: step(perSecond(recovered)) }] : []),
    ...(failed > 0 ? [{ provider, counter: 1, step: step(perSecond(failed)) }] : []),
  ];
  const low = Math.ceil(tn) - 1;
  const fire = groupFor(`${def.name} ${scope}: ${low} of ${n} recovered fires once for ${instance.spec.for} has passed`, ratioCounters(low, n - low));
  const fireAt = firstFiring(fire.sim, instance, provider);
  if (fireAt === null) throw new Error(`internal: no firing test for ${def.name} ${scope}`);
  out.push(fire.group([...(fireAt >= eiMs ? [fireAt - eiMs] : []), fireAt, untilMs]));
  const high = Math.min(Math.floor(tn) + 1, n);
  const quiet = groupFor(`${def.name} ${scope}: ${high} of ${n} recovered stays silent`, ratioCounters(high, n - high));
  if (firstFiring(quiet.sim, instance, provider) !== null) throw new Error(`internal: silent test fires for ${def.name} ${scope}`);
  out.push(quiet.group([untilMs]));
  if (minEvents > 1) {
    const guard = groupFor(`${def.name} ${scope}: 0 of ${minEvents - 1} recovered stays silent (fewer than min_events ${minEvents})`, ratioCounters(0, minEvents - 1));
    if (firstFiring(guard.sim, instance, provider) !== null) throw new Error(`internal: min_events test fires for ${def.name} ${scope}`);
    out.push(guard.group([untilMs]));
  }
  return out.map((g) => ({ ...(g as object), name: `${(g as { name: string }).name}${desc}` }));
}

function describe(r: RuleInstance): string {
  return ` (threshold ${r.spec.threshold}, window ${r.spec.window}, for ${r.spec.for})`;
}

function valueText(kind: 'rate' | 'increase' | 'ratio', events: number, r: RuleInstance): string {
  return kind === 'rate' ? `${events} errors in ${r.spec.window}` : `${events} in ${r.spec.window}`;
}

function firstFiring(sim: Map<number, FiringAlert[]>, rule: RuleInstance, provider: string): number | null {
  for (const [t, alerts] of sim) if (alerts.some((a) => a.rule === rule && a.provider === provider)) return t;
  return null;
}

/** A provider the default rule covers: the first configured one without an override, else a made-up id. */
function defaultScopeProvider(config: Config, rule: RuleInstance): string {
  const candidates = [...config.providers, 'gemini', 'openai', 'anthropic', 'vtcode-errors-test'];
  for (let i = 0; ; i++) {
    const p = i < candidates.length ? candidates[i] : `vtcode-errors-test-${i}`;
    if (appliesTo(rule, p)) return p;
  }
}

function seriesName(config: Config, key: RuleInstance['def']['key'], c: SimCounter): string {
  const counter = alertDef(key).counters[c.counter];
  const labels: Record<string, string> = labelSamples(parseSelector(config.metrics.selector));
  for (const m of counter.matchers) labels[m.name] = m.value;
  labels.provider = c.provider;
  const body = Object.keys(labels)
    .sort(byCodePoint)
    .map((k) => `${k}=${promqlString(labels[k])}`)
    .join(', ');
  return `${config.metrics.prefix}_${counter.suffix}{${body}}`;
}

// The firing alert as promtool reports it: the series' labels (provider) plus the rule's labels, and the
// annotations expanded with $labels = the series' labels and $value = the value at that evaluation.
function expected(a: FiringAlert, family: Built[]): Record<string, unknown> {
  const built = family.find((f) => f.instance === a.rule)!;
  const data = { labels: { provider: a.provider }, value: a.value };
  const expand = (where: string, text: string) => {
    try {
      return expandGoTemplate(text, data);
    } catch (err) {
      throw new UserError(`--tests: cannot predict ${where} of ${built.rule.alert}: ${(err as Error).message}`);
    }
  };
  const labels: Record<string, string> = { provider: a.provider };
  for (const [k, v] of Object.entries(built.rule.labels)) labels[k] = expand(`label ${k}`, v);
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(built.rule.annotations)) annotations[k] = expand(`annotation ${k}`, v);
  return { exp_labels: labels, exp_annotations: annotations };
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function round12(v: number): number {
  return Number(v.toPrecision(12));
}

// A float as PromQL's series notation reads it back exactly (shortest round-trip form).
function number(v: number): string {
  const s = String(v);
  if (!/^\d+(?:\.\d+)?(?:e-\d+)?$/.test(s)) throw new UserError(`--tests: cannot write ${s} as a series step; threshold too large?`);
  return s;
}
