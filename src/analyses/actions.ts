// What each finding calls for: the action items of VT Code's error-analytics guide, as data. Each
// action has its own condition over the data and names the providers it holds for (README, "Action
// items"); an action whose condition holds for no provider is not printed.
import type { Cell } from '../cells.js';

/** What the conditions read, per provider: error counts by kind, and the recovery rates. */
export interface Facts {
  /** kind -> provider -> count (kinds: the keys of KINDS, plus `spike` and `retried_*`). */
  counts: Map<string, Map<string, number>>;
  /** Providers whose recovery success rate is below their low_recovery_rate threshold. */
  lowRecovery: Map<string, { rate: number; threshold: number }>;
}

// The kinds of error a cell counts towards, by (error_type, subtype) and, for auth, the message.
const EXPIRED = /expired|expir(?:y|ation)|token has been revoked/i;
function kindOf(c: Cell): string | null {
  if (c.event !== 'error') return null;
  switch (c.error_type) {
    case 'rate_limit':
      return c.subtype === 'quota_exhausted' ? 'quota' : 'throttled';
    case 'auth_error':
      if (c.message !== null && EXPIRED.test(c.message)) return 'expired';
      return c.subtype === 'permission_denied' ? 'permission' : c.subtype === 'invalid_api_key' ? 'key' : 'auth_other';
    case 'network_error':
      return c.subtype === 'timeout' ? 'timeout' : 'path';
    default:
      return null;
  }
}

// Errors a client should not retry (retryable = 0 in DESIGN.md §3): a retry count on them is waste.
const notRetryable = (c: Cell) => c.event === 'error' && (c.error_type === 'auth_error' || c.error_type === 'client_error' || (c.error_type === 'rate_limit' && c.subtype === 'quota_exhausted'));

/** The facts of the cells without an hour (the spike flags are added by the report). */
export function factsOf(cells: Cell[]): Facts {
  const counts = new Map<string, Map<string, number>>();
  const add = (kind: string, provider: string, n: number) => {
    let m = counts.get(kind);
    if (!m) counts.set(kind, (m = new Map()));
    m.set(provider, (m.get(provider) ?? 0) + n);
  };
  for (const c of cells) {
    const kind = kindOf(c);
    if (kind !== null) add(kind, c.provider, c.n);
    if (c.event === 'error' && c.error_type === 'network_error' && c.retry_sum > 0) add('retried_network', c.provider, c.retry_sum);
    if (notRetryable(c) && c.retry_sum > 0) add('retried_not_retryable', c.provider, c.retry_sum);
  }
  return { counts, lowRecovery: new Map() };
}

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

interface Action {
  analysis: string;
  /** What the list of providers counts, e.g. "rejected keys". */
  unit: string;
  /** The providers it holds for: each with its figure, and a sort key (smallest first). */
  holds: (f: Facts) => Array<{ provider: string; figure: string; order: number }>;
  text: string;
}

const counted = (kind: string) => (f: Facts) =>
  [...(f.counts.get(kind) ?? new Map<string, number>())].map(([provider, n]) => ({ provider, figure: String(n), order: -n }));

export const ACTIONS: Action[] = [
  { analysis: 'rate_limit_spikes', unit: 'throttled', holds: counted('throttled'),
    text: 'Back off exponentially with jitter and honour Retry-After headers' },
  { analysis: 'rate_limit_spikes', unit: 'throttled', holds: counted('throttled'),
    text: 'Queue requests client-side to stay under the requests- and tokens-per-minute limits' },
  { analysis: 'rate_limit_spikes', unit: 'spike hours', holds: counted('spike'),
    text: 'Rotate to a secondary provider (or model) while one throttles in spikes' },
  { analysis: 'rate_limit_spikes', unit: 'quota or billing exhausted', holds: counted('quota'),
    text: 'Raise the quota or top up credits; retrying will not help' },
  { analysis: 'auth_failures', unit: 'rejected keys', holds: counted('key'),
    text: 'Rotate the API key and update it wherever it is configured' },
  { analysis: 'auth_failures', unit: 'expired', holds: counted('expired'),
    text: 'Refresh expired tokens (OAuth, short-lived credentials) before they lapse' },
  { analysis: 'auth_failures', unit: 'permission denied', holds: counted('permission'),
    text: "The key is accepted but not allowed: check its permission scopes, project and region for the model called" },
  { analysis: 'auth_failures', unit: 'other auth errors', holds: counted('auth_other'),
    text: 'Check the credentials configured for the provider' },
  { analysis: 'network_errors', unit: 'timeouts', holds: counted('timeout'),
    text: 'Set connect and read timeouts that fit the model; long generations need long read timeouts' },
  { analysis: 'network_errors', unit: 'connection, DNS, TLS', holds: counted('path'),
    text: 'Check the network path: DNS, proxies, TLS interception, firewall rules' },
  { analysis: 'network_errors', unit: 'retries', holds: counted('retried_network'),
    text: 'Add a circuit breaker so repeated failures fail fast instead of piling up retries' },
  { analysis: 'recovery', unit: 'success rate below low_recovery_rate', text: 'Raise the retry budget for retryable errors or add a fallback provider',
    holds: (f) => [...f.lowRecovery].map(([provider, r]) => ({ provider, figure: `${pct(r.rate)} < ${pct(r.threshold)}`, order: r.rate })) },
  { analysis: 'recovery', unit: 'retries of errors not retryable', holds: counted('retried_not_retryable'),
    text: 'Stop retrying auth, quota and client errors: they only add latency' },
];

/** The action lines whose condition holds, per analysis, each naming its providers (most first). */
export function actionsFor(facts: Facts): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const a of ACTIONS) {
    const holds = a.holds(facts).sort((x, y) => x.order - y.order || (x.provider < y.provider ? -1 : 1));
    if (holds.length === 0) continue;
    (out[a.analysis] ??= []).push(`${a.text} (${a.unit}: ${holds.map((h) => `${h.provider} ${h.figure}`).join(', ')}).`);
  }
  return out;
}
