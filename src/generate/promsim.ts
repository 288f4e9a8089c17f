// A model of how Prometheus evaluates the generated rules on the series of a generated promtool test:
// counters written as `0+dxn` (promtool adds d at each step, in float64), increase()/rate() as in
// promql's extrapolatedRate, sum by (provider), and the pending -> firing state machine with `for`.
// Prometheus 2.x and 3.x read a range differently (SEMANTICS below); the generated tests state only what
// every one of them predicts, and promtool then checks the real rules against it, so a rule that
// disagrees with the config's intent fails its test on either version.
import type { RuleInstance } from '../alerts/definitions.js';
import { appliesTo } from '../alerts/definitions.js';

/** A test counter: starts at 0 and grows by `step` at every sample. */
export interface SimCounter {
  provider: string;
  /** Index into the alert's `counters` (0, or 1 for `failed` of the recovery ratio). */
  counter: number;
  step: number;
}

const expanded = new Map<string, number[]>();
function series(step: number, n: number): number[] {
  const key = `${step}x${n}`;
  let v = expanded.get(key);
  if (!v) expanded.set(key, (v = expandSeries(step, n)));
  return v;
}

/** promtool's expansion of `0+<step>x<n>`: n+1 values, each the previous plus step. */
export function expandSeries(step: number, n: number): number[] {
  const out = [0];
  let v = 0;
  for (let i = 1; i <= n; i++) {
    v += step;
    out.push(v);
  }
  return out;
}

/** How one Prometheus reads `increase(x[w])` at t. */
export interface RangeSemantics {
  /** 3.x: the range is (t - w, t], a sample exactly at t - w is left out; 2.x: [t - w, t]. */
  leftOpen: boolean;
  /**
   * Early 2.x (as promtool 2.42) clamps the start at the counter's zero point before testing the
   * extrapolation threshold; later versions (prometheus#13725) cap at half a sample interval first.
   */
  zeroClampFirst: boolean;
}

export const SEMANTICS = {
  '2.x': { leftOpen: false, zeroClampFirst: true },
  '2.x (late)': { leftOpen: false, zeroClampFirst: false },
  '3.x': { leftOpen: true, zeroClampFirst: false },
} as const satisfies Record<string, RangeSemantics>;
export type SemanticsName = keyof typeof SEMANTICS;

/** increase() (or rate()) at t over `window` of samples taken every `intervalMs` from time 0. */
export function extrapolatedRate(values: number[], intervalMs: number, tMs: number, windowMs: number, isRate: boolean, sem: RangeSemantics = SEMANTICS['2.x']): number | null {
  const startMs = tMs - windowMs;
  const pts: Array<[number, number]> = [];
  const last = Math.min(Math.floor(tMs / intervalMs), values.length - 1);
  const first = sem.leftOpen ? Math.floor(startMs / intervalMs) + 1 : Math.ceil(startMs / intervalMs);
  for (let i = Math.max(first, 0); i <= last; i++) pts.push([i * intervalMs, values[i]]);
  if (pts.length < 2) return null;
  let result = pts[pts.length - 1][1] - pts[0][1];
  let prev = pts[0][1];
  for (const [, v] of pts.slice(1)) {
    if (v < prev) result += prev;
    prev = v;
  }
  let durationToStart = (pts[0][0] - startMs) / 1000;
  const durationToEnd = (tMs - pts[pts.length - 1][0]) / 1000;
  const sampledInterval = (pts[pts.length - 1][0] - pts[0][0]) / 1000;
  const averageDurationBetweenSamples = sampledInterval / (pts.length - 1);
  const threshold = averageDurationBetweenSamples * 1.1;
  const clampToZero = () => {
    if (result > 0 && pts[0][1] >= 0) durationToStart = Math.min(durationToStart, sampledInterval * (pts[0][1] / result));
  };
  if (sem.zeroClampFirst) {
    clampToZero();
    let extrapolateToInterval = sampledInterval;
    extrapolateToInterval += durationToStart < threshold ? durationToStart : averageDurationBetweenSamples / 2;
    extrapolateToInterval += durationToEnd < threshold ? durationToEnd : averageDurationBetweenSamples / 2;
    result *= extrapolateToInterval / sampledInterval;
    if (isRate) result /= windowMs / 1000;
    return result;
  }
  // The later order, float operations included: cap, clamp, then one factor.
  if (durationToStart >= threshold) durationToStart = averageDurationBetweenSamples / 2;
  clampToZero();
  const toEnd = durationToEnd >= threshold ? averageDurationBetweenSamples / 2 : durationToEnd;
  let factor = (sampledInterval + durationToStart + toEnd) / sampledInterval;
  if (isRate) factor /= windowMs / 1000;
  return result * factor;
}

export interface SimSetup {
  intervalMs: number;
  samples: number; // n of `0+dxn`
  windowMs: (rule: RuleInstance) => number;
  semantics: RangeSemantics;
}

/** The value of `rule` for `provider` at time t and whether its condition holds, or null when it has no sample. */
export function ruleValue(rule: RuleInstance, provider: string, counters: SimCounter[], setup: SimSetup, tMs: number): { value: number; holds: boolean } | null {
  if (!appliesTo(rule, provider)) return null;
  const w = setup.windowMs(rule);
  const fn = (idx: number): number | null => {
    let sum: number | null = null;
    for (const c of counters) {
      if (c.provider !== provider || c.counter !== idx) continue;
      const v = extrapolatedRate(series(c.step, setup.samples), setup.intervalMs, tMs, w, rule.def.kind === 'rate', setup.semantics);
      if (v !== null) sum = sum === null ? v : sum + v;
    }
    return sum;
  };
  const { threshold } = rule.spec;
  if (rule.def.kind !== 'ratio') {
    const v = fn(0);
    return v === null ? null : { value: v, holds: v > threshold };
  }
  const r = fn(0);
  const f = fn(1);
  // (R or 0 * F) / ((R + F) or R or F) < threshold and ((R + F) or R or F) >= min_events
  const num = r !== null ? r : f !== null ? 0 * f : null;
  const total = r !== null && f !== null ? r + f : r !== null ? r : f;
  if (num === null || total === null) return null;
  const ratio = num / total;
  return { value: ratio, holds: ratio < threshold && total >= (rule.spec.min_events ?? 0) };
}

export interface FiringAlert {
  rule: RuleInstance;
  provider: string;
  value: number;
}

/**
 * Evaluate every rule at 0, ei, 2 ei, ... up to `untilMs`, as promtool does, and return the alerts firing
 * at each evaluation time (keyed by time in ms).
 */
export function simulate(rules: RuleInstance[], providers: string[], counters: SimCounter[], setup: SimSetup, eiMs: number, forMs: (r: RuleInstance) => number, untilMs: number): Map<number, FiringAlert[]> {
  const activeSince = new Map<string, number>();
  const out = new Map<number, FiringAlert[]>();
  for (let t = 0; t <= untilMs; t += eiMs) {
    const firing: FiringAlert[] = [];
    rules.forEach((rule, ri) => {
      for (const p of providers) {
        const key = `${ri}\0${p}`;
        const v = ruleValue(rule, p, counters, setup, t);
        if (!v || !v.holds) {
          activeSince.delete(key);
          continue;
        }
        if (!activeSince.has(key)) activeSince.set(key, t);
        if (t - activeSince.get(key)! >= forMs(rule)) firing.push({ rule, provider: p, value: v.value });
      }
    });
    out.set(t, firing);
  }
  return out;
}
