// The shapes every stage of the pipeline hands to the next.

export const EVENTS = ['error', 'retry', 'recovered', 'failed', 'fallback'] as const;
export type EventKind = (typeof EVENTS)[number];

export const ERROR_TYPES = [
  'rate_limit', 'auth_error', 'network_error', 'parse_error', 'server_error', 'client_error', 'unknown',
] as const;
export type ErrorType = (typeof ERROR_TYPES)[number];

/** One stored row of table `error_logs` (DESIGN.md §4), without its id. */
export interface Row {
  timestamp: string; // UTC, YYYY-MM-DDTHH:MM:SS.sssZ
  provider: string;
  model: string | null;
  event: EventKind;
  error_type: ErrorType | null;
  error_subtype: string | null;
  status_code: number | null;
  error_message: string | null;
  retry_count: number | null;
  request_id: string | null;
  outcome: string | null;
  retryable: number | null;
  level: string | null;
  source: string; // file:line
  /** A fallback event's secondary provider (not stored: only the exporter's `fallback` label reads it). */
  fallback_to?: string | null;
  /** The same event seen in two VT Code artifacts is stored once (see store/store.ts). */
  dedup?: { key: string; origin: 'debug' | 'archive' | 'trajectory' };
}

/** How many skipped records are kept as samples (DESIGN.md §9: the first 20, in file order). */
export const MAX_SKIP_SAMPLES = 20;

/** Why a record was skipped, with where it was. */
export interface SkipSample {
  file: string;
  line: number;
  reason: string;
}

/** Errors the user caused (bad path, bad flag, bad config, --strict and bad input): one line, exit 2. */
export class UserError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'UserError';
  }
}

/** A bug of ours, not a problem with the input: exit 70 (EX_SOFTWARE), the stack under DEBUG. */
export class InternalError extends Error {
  constructor(message: string, readonly detail: string | undefined) {
    super(message);
    this.name = 'InternalError';
  }
}

/** DEBUG=1, or DEBUG naming vtcode-errors (as the debug package reads it). */
export const debugging = (): boolean => process.env.DEBUG === '1' || process.env.DEBUG?.includes('vtcode-errors') === true;
