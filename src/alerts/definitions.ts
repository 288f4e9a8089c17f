// The alerts (DESIGN.md §7): which exist, what each fires on, and how per-provider overrides split
// them into rules. Below everything that reads them: gen-alerts and gen-dashboard write them,
// `check` and `report` backtest them, the exporter serves the series they read.
import { effectiveSpec, type AlertKey, type AlertSpec, type Config } from '../config/types.js';
import type { Matcher } from '../config/selector.js';
import { seriesDef } from './series.js';

export interface AlertDef {
  key: AlertKey;
  /** The alert name (fixed, so users can route on it). */
  name: string;
  /** How the value is computed per provider over the window: events per second, events, or a ratio. */
  kind: 'rate' | 'increase' | 'ratio';
  /** The alert is pending while the value is strictly above the threshold (below, for the ratio). */
  compare: 'above' | 'below';
  /** Counters the rule reads (suffixes of `<prefix>_`), with the label matchers it adds to them. */
  counters: Array<{ suffix: string; matchers: Matcher[] }>;
}

// Each counter named here is a series of src/alerts/series.ts (seriesDef throws on any other name).
const counter = (suffix: string, matchers: Matcher[] = []) => ({ suffix: seriesDef(suffix).suffix, matchers });
const errorType = (t: string): Matcher[] => [{ name: 'error_type', op: '=', value: t }];

export const ALERTS: readonly AlertDef[] = [
  { key: 'high_error_rate', name: 'HighLLMErrorRate', kind: 'rate', compare: 'above', counters: [counter('errors_total')] },
  { key: 'rate_limit_exceeded', name: 'RateLimitExceeded', kind: 'increase', compare: 'above', counters: [counter('rate_limits_total')] },
  { key: 'provider_unavailable', name: 'ProviderUnavailable', kind: 'increase', compare: 'above', counters: [counter('errors_total', errorType('server_error'))] },
  { key: 'auth_failures', name: 'LLMAuthFailures', kind: 'increase', compare: 'above', counters: [counter('errors_total', errorType('auth_error'))] },
  {
    key: 'low_recovery_rate',
    name: 'LowLLMRecoveryRate',
    kind: 'ratio',
    compare: 'below',
    // The first counter is the "good" outcome of the ratio.
    counters: [counter('errors_recovered_total'), counter('errors_failed_total')],
  },
  { key: 'fallback_storm', name: 'LLMFallbackStorm', kind: 'increase', compare: 'above', counters: [counter('fallback_triggered_total')] },
  { key: 'circuit_breaker_rejecting', name: 'LLMCircuitBreakerRejecting', kind: 'increase', compare: 'above', counters: [counter('circuit_breaker_rejected_total')] },
];

export function alertDef(key: AlertKey): AlertDef {
  return ALERTS.find((a) => a.key === key)!;
}

/** Whether `provider` has its own rule (an override entry) for the alert. */
export function isOverridden(config: Config, key: AlertKey, provider: string): boolean {
  return Object.prototype.hasOwnProperty.call(config.overrides, provider) && config.overrides[provider][key] !== undefined;
}

export interface EffectiveAlert {
  key: AlertKey;
  name: string;
  def: AlertDef;
  spec: AlertSpec;
  /** True when the provider's values come from alerts.overrides (it has its own rule). */
  overridden: boolean;
}

/**
 * Every alert as it applies to `provider` (overrides included), in ALERT_KEYS order: what the generated
 * rules fire on for that provider's series. Disabled alerts are left out unless `includeDisabled`.
 */
export function effectiveAlerts(config: Config, provider: string, opts: { includeDisabled?: boolean } = {}): EffectiveAlert[] {
  return ALERTS.map((def) => ({
    key: def.key,
    name: def.name,
    def,
    spec: effectiveSpec(config, def.key, provider),
    overridden: isOverridden(config, def.key, provider),
  })).filter((a) => opts.includeDisabled || a.spec.enabled);
}

/** One generated rule: the default rule of an alert (every provider but `excluded`), or one provider's override. */
export interface RuleInstance {
  def: AlertDef;
  spec: AlertSpec;
  /** null for the default rule, else the provider of an override rule. */
  provider: string | null;
  /** Providers with their own rule for this alert (the default rule leaves them out); [] for an override rule. */
  excluded: string[];
}

/**
 * How one alert splits into rules: the default rule (every provider but those with an override), then
 * one rule per override (providers sorted). gen-alerts writes these, gen-dashboard draws their
 * thresholds, `check` evaluates them. Disabled rules are left out unless `includeDisabled` (a panel
 * still plots the series of a disabled rule, without a threshold line).
 */
export function alertRules(config: Config, key: AlertKey, opts: { includeDisabled?: boolean } = {}): RuleInstance[] {
  const def = alertDef(key);
  const overridden = Object.keys(config.overrides)
    .filter((p) => isOverridden(config, key, p))
    .sort(byCodePoint);
  const all: RuleInstance[] = [
    { def, spec: config.alerts[key], provider: null, excluded: overridden },
    ...overridden.map((p) => ({ def, spec: effectiveSpec(config, key, p), provider: p, excluded: [] })),
  ];
  return opts.includeDisabled ? all : all.filter((r) => r.spec.enabled);
}

/** The rules to write, in ALERT_KEYS order, each alert's default rule before its overrides. */
export function ruleInstances(config: Config): RuleInstance[] {
  return ALERTS.flatMap((def) => alertRules(config, def.key));
}

/** Whether a rule instance evaluates the series of `provider`. */
export function appliesTo(rule: RuleInstance, provider: string): boolean {
  return rule.provider === null ? !rule.excluded.includes(provider) : rule.provider === provider;
}

export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
