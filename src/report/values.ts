// The value of an alert at each evaluation of the backtest (the number the threshold is compared with),
// for what the backtest does not keep: its distribution (percentiles) and where it peaked. Firing,
// episodes and suggested thresholds are left to check's engine (src/check/backtest.ts).
import { alignUp, type EventSeries } from '../check/backtest.js';

export interface ValueShape {
  kind: 'rate' | 'increase' | 'ratio';
  windowMs: number;
  /** Ratio only: outcomes needed in the window before the ratio counts. */
  minEvents: number;
}

export interface Values {
  /** Evaluations that have a value (every one for counts; those with min_events outcomes for the ratio). */
  evaluations: number;
  /** value -> evaluations at which the alert had it. */
  histogram: Map<number, number>;
  /** The largest value (smallest for the ratio) and the first evaluation that had it; null with no value. */
  peak: { value: number; at: number } | null;
  /** Non-zero evaluations (the ratio: every one with a value), for peaks per bucket. */
  points: Array<[t: number, value: number]>;
}

/**
 * The alert's value at first, first + step, ..., last: the events with t - window < time <= t (a count,
 * count / window seconds for a rate, recovered / outcomes for the ratio), as the backtest defines it.
 * Evaluations with an empty window are counted, not visited: the cost follows the events.
 */
export function alertValues(series: EventSeries, shape: ValueShape, first: number | null, last: number | null, step: number): Values {
  const out: Values = { evaluations: 0, histogram: new Map(), peak: null, points: [] };
  if (first === null || last === null) return out;
  const times = series.times;
  const n = times.length;
  const ratio = shape.kind === 'ratio';
  const recoveredBefore = new Int32Array(n + 1);
  if (ratio) for (let i = 0; i < n; i++) recoveredBefore[i + 1] = recoveredBefore[i] + (series.recovered?.[i] ? 1 : 0);
  const add = (t: number, v: number) => {
    out.histogram.set(v, (out.histogram.get(v) ?? 0) + 1);
    out.evaluations++;
    if (out.peak === null || (ratio ? v < out.peak.value : v > out.peak.value)) out.peak = { value: v, at: t };
  };
  const total = (last - first) / step + 1;
  let visited = 0;
  let lo = 0;
  let hi = 0;
  for (let t = first; t <= last; ) {
    while (hi < n && times[hi] <= t) hi++;
    while (lo < hi && times[lo] <= t - shape.windowMs) lo++;
    const count = hi - lo;
    if (count === 0) {
      if (hi >= n) break;
      t = Math.max(t + step, alignUp(times[hi], step));
      continue;
    }
    visited++;
    if (!ratio) {
      const v = shape.kind === 'rate' ? count / (shape.windowMs / 1000) : count;
      add(t, v);
      out.points.push([t, v]);
    } else if (count >= shape.minEvents) {
      const v = (recoveredBefore[hi] - recoveredBefore[lo]) / count;
      add(t, v);
      out.points.push([t, v]);
    }
    t += step;
  }
  // The empty windows: 0 for a count, no value for the ratio (0/0).
  if (!ratio && total > visited) {
    out.histogram.set(0, (out.histogram.get(0) ?? 0) + total - visited);
    out.evaluations += total - visited;
    if (out.peak === null) out.peak = { value: 0, at: first };
  }
  return out;
}

/** Nearest-rank percentile: the smallest value with at least p% of the evaluations at or below it. */
export function percentile(h: Map<number, number>, p: number): number | null {
  const total = [...h.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const v of [...h.keys()].sort((a, b) => a - b)) {
    seen += h.get(v)!;
    if (seen >= rank) return v;
  }
  return null;
}
