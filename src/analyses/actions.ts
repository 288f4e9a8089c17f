// What each finding calls for: the action items of VT Code's error-analytics guide, as data.
export const ACTIONS: Record<string, string[]> = {
  rate_limit_spikes: [
    'Back off exponentially with jitter, and honour Retry-After headers.',
    'Queue requests client-side to stay under the provider\'s requests- and tokens-per-minute limits.',
    'Rotate to a secondary provider (or model) when one provider is throttling.',
    'For quota/billing exhaustion (not retryable): raise the quota or top up credits; retrying will not help.',
  ],
  auth_failures: [
    'Rotate the API key named by the provider and update it wherever it is configured.',
    'Check for expired tokens (OAuth / short-lived credentials) and refresh them before they lapse.',
    'Check the key\'s permission scopes, project and region for the model being called.',
  ],
  network_errors: [
    'Set connect and read timeouts that fit the model (long generations need long read timeouts).',
    'Check the network path to the provider: DNS, proxies, TLS interception, firewall rules.',
    'Add a circuit breaker so repeated failures fail fast instead of piling up retries.',
  ],
  recovery: [
    'Where the success rate is low, raise the retry budget for retryable errors or add a fallback provider.',
    'Stop retrying errors that are not retryable (auth, quota, client errors): they only add latency.',
  ],
};
