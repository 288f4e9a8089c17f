// Grafana dashboard uids, shared by gen-dashboard (which sets them) and gen-alerts (whose dashboard_url
// annotations link to them), so the two always agree.
import { createHash } from 'node:crypto';
import type { Config } from '../config/types.js';
import { slug } from '../text.js';

const MAX_UID = 40; // Grafana's limit
const HASH_CHARS = 10;

/**
 * The uid of a dashboard: `<readable stem>-<10 hex chars>`, at most 40 characters of [a-z0-9-].
 * stem = slug of `<metrics.prefix>-overview` or `<metrics.prefix>-<provider id>` (lower case, every run of
 * other characters a single `-`), cut to 29 characters; the hash is the first 10 hex characters of
 * sha256 of the JSON array [prefix, selector, "overview"] or [prefix, selector, "provider", id].
 * Same config, same uid; a different prefix or selector (another deployment) or provider gives another;
 * the hash keeps providers whose slugs collide (`a b`, `a-b`) apart.
 */
export function dashboardUid(config: Pick<Config, 'metrics'>, kind: 'overview' | { provider: string }): string {
  const { prefix, selector } = config.metrics;
  const key = kind === 'overview' ? [prefix, selector, 'overview'] : [prefix, selector, 'provider', kind.provider];
  const hash = createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, HASH_CHARS);
  const name = kind === 'overview' ? 'overview' : kind.provider;
  const stem = slug(`${prefix}-${name}`, MAX_UID - HASH_CHARS - 1) || 'dashboard';
  return `${stem}-${hash}`;
}

