// The one config (vtcode-errors.yaml, DESIGN.md §6) that drives alerts, dashboards and `check`.

export const ALERT_KEYS = [
  'high_error_rate',
  'rate_limit_exceeded',
  'provider_unavailable',
  'auth_failures',
  'low_recovery_rate',
  'fallback_storm',
  'circuit_breaker_rejecting',
] as const;
export type AlertKey = (typeof ALERT_KEYS)[number];

export interface AlertSpec {
  enabled: boolean;
  threshold: number;
  window: string; // Prometheus duration, e.g. 5m
  for: string; // Prometheus duration, 0m allowed
  severity: string;
  min_events?: number; // low_recovery_rate only
}

export interface Config {
  metrics: { prefix: string; selector: string };
  providers: string[];
  evaluation_interval: string;
  /** How often Prometheus scrapes the exporter: how long `serve` shows a new series at 0 first. */
  scrape_interval: string;
  alerts: Record<AlertKey, AlertSpec>;
  /** provider id -> alert key -> the fields that differ from the alert's entry */
  overrides: Record<string, Partial<Record<AlertKey, Partial<AlertSpec>>>>;
  labels: Record<string, string>;
  runbook_base_url: string | null;
  grafana: { url: string | null; folder: string };
  /** `analyze`: an hour of rate-limit errors is flagged a spike only from spike_min errors on. */
  analyze: { spike_min: number };
  /** The exporter (`serve`): providers past the first max_providers are counted as `other`. */
  serve: { max_providers: number };
  /** Where the config came from (a path), or null for the built-in defaults. */
  source: string | null;
}

/** The guide's numbers (DESIGN.md §6) and the defaults of the gen-alerts issue. */
export function defaultConfig(): Config {
  return {
    metrics: { prefix: 'llm', selector: '' },
    providers: ['gemini', 'anthropic', 'openai'],
    evaluation_interval: '1m',
    scrape_interval: '15s',
    alerts: {
      high_error_rate: { enabled: true, threshold: 0.1, window: '5m', for: '5m', severity: 'critical' },
      rate_limit_exceeded: { enabled: true, threshold: 100, window: '1m', for: '1m', severity: 'warning' },
      provider_unavailable: { enabled: true, threshold: 10, window: '2m', for: '2m', severity: 'critical' },
      auth_failures: { enabled: true, threshold: 0, window: '5m', for: '0m', severity: 'warning' },
      low_recovery_rate: { enabled: true, threshold: 0.8, window: '15m', for: '10m', severity: 'warning', min_events: 10 },
      fallback_storm: { enabled: true, threshold: 20, window: '10m', for: '5m', severity: 'warning' },
      circuit_breaker_rejecting: { enabled: true, threshold: 0, window: '5m', for: '5m', severity: 'warning' },
    },
    overrides: {},
    labels: {},
    runbook_base_url: null,
    grafana: { url: null, folder: 'LLM errors' },
    analyze: { spike_min: 10 },
    serve: { max_providers: 50 },
    source: null,
  };
}

/** An alert's settings for one provider: its entry under `alerts:` with that provider's override on top. */
export function effectiveSpec(config: Config, key: AlertKey, provider: string): AlertSpec {
  const base = config.alerts[key];
  const o = Object.prototype.hasOwnProperty.call(config.overrides, provider) ? config.overrides[provider][key] : undefined;
  return { ...base, ...(o ?? {}) };
}
