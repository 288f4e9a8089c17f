// The report's period (issue 15): the `--period` that ends at `--until`, the period before it that it is
// compared with, and the buckets its time series are counted in (hours for a day, days otherwise).

export const PERIODS = ['day', 'week', 'month'] as const;
export type PeriodName = (typeof PERIODS)[number];

const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

/** A month is 30 days: a rolling period, like day and week, so that any two have the same length. */
const LENGTH_MS: Record<PeriodName, number> = { day: DAY_MS, week: WEEK_MS, month: 30 * DAY_MS };

export interface Period {
  name: PeriodName;
  /** The period: from inclusive, to exclusive (epoch ms). */
  from: number;
  to: number;
  /** The period before it, of the same length. */
  previousFrom: number;
  lengthMs: number;
  bucket: 'hour' | 'day';
}

export function periodEnding(name: PeriodName, until: number): Period {
  const lengthMs = LENGTH_MS[name];
  return { name, from: until - lengthMs, to: until, previousFrom: until - 2 * lengthMs, lengthMs, bucket: name === 'day' ? 'hour' : 'day' };
}

export const iso = (t: number): string => new Date(t).toISOString();

/** The bucket of a stored timestamp as SQL (a prefix of it), and the bucket's start as ISO text. */
export const bucketSql = (p: Period): string => `substr(timestamp, 1, ${p.bucket === 'hour' ? 13 : 10})`;
export const bucketIso = (p: Period, key: string): string => (p.bucket === 'hour' ? `${key}:00:00Z` : `${key}T00:00:00Z`);

/** Every bucket of the period, in order (the first and last may be partial). */
export function buckets(p: Period): string[] {
  const step = p.bucket === 'hour' ? 3_600_000 : DAY_MS;
  const out: string[] = [];
  for (let t = Math.floor(p.from / step) * step; t < p.to; t += step) out.push(bucketIso(p, iso(t).slice(0, p.bucket === 'hour' ? 13 : 10)));
  return out;
}

/** The bucket (ISO start) an epoch-ms time falls in. */
export const bucketOf = (p: Period, t: number): string => bucketIso(p, iso(t).slice(0, p.bucket === 'hour' ? 13 : 10));

/** (cur - prev) / prev in %, one decimal; null when there was nothing before. */
export const changePct = (cur: number, prev: number): number | null => (prev === 0 ? null : Math.round(((cur - prev) / prev) * 1000) / 10);

export const round = (v: number, places: number): number => Math.round(v * 10 ** places) / 10 ** places;
