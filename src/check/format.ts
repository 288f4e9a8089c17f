// One way to write each kind of value `check` prints, for every human format (table, markdown, GitHub
// annotations, JUnit text, the verdict), so that no two of them print the same value differently.
// JSON keeps the raw numbers. Durations (window, for, evaluation_interval) are printed as the config
// writes them, and times as the ISO 8601 UTC strings of the report.

/** Up to `places` decimals, trailing zeros dropped: 0.1333, 76.92, never 0.7692307692307693. */
const decimals = (v: number, places: number): string => String(Number(v.toFixed(places)));

export const FORMAT = {
  /** Events per second (HighLLMErrorRate's value and threshold). */
  rate: (v: number) => `${decimals(v, 4)}/s`,
  /** A fraction, as a percentage (LowLLMRecoveryRate's value and threshold). */
  ratio: (v: number) => `${decimals(v * 100, 2)}%`,
  /** Events in a window, episodes, evaluations, pairs, providers. */
  count: (v: number) => decimals(v, 4),
  /** An episode's end; null while still firing at the end of the range. */
  end: (iso: string | null) => iso ?? 'still firing',
} as const;

/** An alert's value (or threshold) by the kind of its expression. */
export const VALUE: Record<'rate' | 'increase' | 'ratio', (v: number) => string> = { rate: FORMAT.rate, increase: FORMAT.count, ratio: FORMAT.ratio };

/** `3 episodes`, `1 episode`. */
export const plural = (n: number, noun: string): string => `${FORMAT.count(n)} ${noun}${n === 1 ? '' : 's'}`;
