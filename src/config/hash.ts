// A fingerprint of the config that generated files carry in their header, so a stale file shows.
import { createHash } from 'node:crypto';
import { sortKeys } from '../text.js';
import type { Config } from './types.js';

/**
 * The config as canonical JSON: object keys sorted, `source` left out (where it came from is not what it
 * says), and `serve` too (the exporter's settings change no generated file).
 */
export function normalizedConfig(config: Config): string {
  const { source: _source, serve: _serve, ...rest } = config;
  return JSON.stringify(sortKeys(rest));
}

/** sha256 (hex) of normalizedConfig: equal for configs that mean the same, whatever their layout or comments. */
export function configHash(config: Config): string {
  return createHash('sha256').update(normalizedConfig(config)).digest('hex');
}

