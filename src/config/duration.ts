// Prometheus durations (`5m`, `90s`, `1h30m`, `0m`): the syntax of PromQL ranges and of a rule's `for`,
// parsed exactly as Prometheus' model.ParseDuration does, so a value the config accepts is one
// promtool accepts too. Shared by gen-alerts, gen-dashboard and check.

// Units from the longest to the shortest, each at most once (Prometheus' own rule).
const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_MS = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1] as const;
const UNIT_NAMES = ['y', 'w', 'd', 'h', 'm', 's', 'ms'] as const;
// Prometheus stores durations as int64 nanoseconds; anything longer overflows there.
const MAX_MS = 9_223_372_036_854;

/** Milliseconds of a Prometheus duration, or null when `text` is not one. `0` alone is allowed, as in Prometheus. */
export function tryParseDurationMs(text: string): number | null {
  if (text === '0') return 0;
  if (text === '') return null;
  const m = DURATION_RE.exec(text);
  if (!m) return null;
  let ms = 0;
  for (let i = 0; i < UNIT_MS.length; i++) if (m[i + 1] !== undefined) ms += Number(m[i + 1]) * UNIT_MS[i];
  return ms > MAX_MS ? null : ms;
}

/** Seconds of a Prometheus duration (fractional only with `ms`); throws on a malformed one. */
export function parseDurationSeconds(text: string): number {
  const ms = tryParseDurationMs(text);
  if (ms === null) throw new Error(`not a Prometheus duration: ${JSON.stringify(text)} (expected e.g. 5m, 90s, 1h30m)`);
  return ms / 1000;
}

/** Whether `text` is a Prometheus duration. */
export function isDuration(text: string): boolean {
  return tryParseDurationMs(text) !== null;
}

/** The canonical Prometheus spelling of a duration in milliseconds (`5400000` -> `1h30m`, `0` -> `0s`). */
export function formatDurationMs(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0) throw new Error(`not a duration in whole milliseconds: ${ms}`);
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (let i = 0; i < UNIT_MS.length; i++) {
    const n = Math.floor(rest / UNIT_MS[i]);
    if (n > 0) {
      out += `${n}${UNIT_NAMES[i]}`;
      rest -= n * UNIT_MS[i];
    }
  }
  return out;
}
