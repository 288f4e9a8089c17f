// Which record fields mean what (DESIGN.md §2, §9). Each list is in order of preference; fields are
// looked up at the top level of a record, then under `fields` (tracing-subscriber JSON).
export const FIELDS = {
  time: ['timestamp', 'ts', 'time', '@timestamp'],
  status: ['status_code', 'status', 'http_status'],
  message: ['error_message', 'message', 'error', 'msg'],
  body: ['body', 'response_body'],
  provider: ['provider'],
  model: ['model'],
  retries: ['retry_count', 'retries'],
  requestId: ['request_id', 'requestId'],
  errorType: ['error_type'],
  level: ['level'],
  event: ['event'],
  outcome: ['outcome'],
  target: ['target'],
  fallbackTo: ['fallback', 'fallback_provider', 'secondary'],
  // Present at all, these make a record "about a provider error" (with a status >= 400, a body, an
  // explicit error_type, level ERROR or an event).
  errorFields: ['error', 'error_message'],
};

// Phrases in any message field that name the event (case-insensitive substrings, first match wins).
export const EVENT_PHRASES: Array<[string, 'retry' | 'recovered' | 'failed' | 'fallback']> = [
  ['retrying after error', 'retry'],
  ['successfully recovered', 'recovered'],
  ['failed after retries', 'failed'],
  ['falling back to', 'fallback'],
];
