// Every record shape and field alias of DESIGN.md §2 and §9, end to end: fixture files in a temp dir,
// the real CLI, the real SQLite store. Most cases share one ingest (rows are told apart by request_id
// or by file); the cases about counts (ignored / skipped / blank) run `analyze` on their own files.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { allRows, analyzeApi, jsonl, rowsFrom, tmpDir, writeFixture, writeFixtures, type Row } from './helpers.js';

const T = '2026-11-20T14:03:11.123Z';
const MS = Date.UTC(2026, 10, 20, 14, 3, 11, 123); // 1795183391123
const S = Math.floor(MS / 1000); // 1795183391
const T0 = '2026-11-20T14:03:11.000Z';

// An error record with a request id to find it by.
const e = (id: string, extra: Record<string, unknown> = {}) => ({
  timestamp: T,
  level: 'ERROR',
  provider: 'openai',
  error_message: 'request failed',
  request_id: id,
  ...extra,
});
// An error record without a provider (for inference).
const np = (id: string, extra: Record<string, unknown> = {}) => ({ timestamp: T, level: 'ERROR', request_id: id, ...extra });

const TIME = [
  { timestamp: '2026-11-20T14:03:11.123Z', level: 'ERROR', provider: 'openai', error_message: 'x', request_id: 't-iso-z' },
  { ts: MS, level: 'ERROR', provider: 'openai', error_message: 'x', request_id: 't-ms' },
  { ts: S, level: 'ERROR', provider: 'openai', error_message: 'x', request_id: 't-s' },
  { time: '2026-11-20T21:03:11.123+07:00', level: 'ERROR', provider: 'openai', error_message: 'x', request_id: 't-plus7' },
  { time: '2026-11-20T08:03:11.123-06:00', level: 'ERROR', provider: 'openai', error_message: 'x', request_id: 't-minus6' },
  { timestamp: '2026-11-20T09:33:11.123-04:30', level: 'ERROR', provider: 'openai', error_message: 'x', request_id: 't-minus430' },
  { timestamp: '2026-11-20T22:03:11.123+0800', level: 'ERROR', provider: 'openai', error_message: 'x', request_id: 't-basic-offset' },
  { '@timestamp': '2026-11-20 14:03:11.123', level: 'ERROR', provider: 'openai', error_message: 'x', request_id: 't-space-no-offset' },
  { timestamp: '2026-11-20T14:03:11', level: 'ERROR', provider: 'openai', error_message: 'x', request_id: 't-no-offset' },
  { timestamp: '2026-11-20T14:03:11.123456789Z', level: 'ERROR', provider: 'openai', error_message: 'x', request_id: 't-nanos' },
  { timestamp: '2026-11-20T14:03:11.123999Z', level: 'ERROR', provider: 'openai', error_message: 'x', request_id: 't-truncate-not-round' },
  { timestamp: '2026-11-20T14:03:11.5Z', level: 'ERROR', provider: 'openai', error_message: 'x', request_id: 't-one-digit' },
  { ts: String(MS), level: 'ERROR', provider: 'openai', error_message: 'x', request_id: 't-ms-string' },
  { ts: String(S), level: 'ERROR', provider: 'openai', error_message: 'x', request_id: 't-s-string' },
  { ts: S + 0.5, level: 'ERROR', provider: 'openai', error_message: 'x', request_id: 't-s-fraction' },
  { ts: 99_999_999_999, level: 'ERROR', provider: 'openai', error_message: 'x', request_id: 't-below-1e11' },
  { ts: 100_000_000_000, level: 'ERROR', provider: 'openai', error_message: 'x', request_id: 't-at-1e11' },
];

const STATUS = [
  e('s-code-number', { status_code: 429 }),
  e('s-status-string', { status: '503' }),
  e('s-http-status-display', { http_status: '503 Service Unavailable' }),
  e('s-code-display', { status_code: '429 Too Many Requests' }),
  e('s-http-status-number', { http_status: 401 }),
  np('s-in-message', { provider: 'deepseek', message: 'Provider error: http 503: upstream connect error' }),
  np('s-in-message-upper', { provider: 'deepseek', message: 'Provider error: HTTP 429: slow down' }),
  e('s-recovered', { status: 'recovered', status_code: 429 }),
  e('s-failed', { status: 'failed', error_type: 'network_error' }),
  e('s-recovered-only', { status: 'recovered' }),
  e('s-outcome-and-http', { status: 'failed', http_status: 500 }),
];

const MESSAGES = [
  np('m-error-message', { provider: 'openai', error_message: 'from error_message' }),
  np('m-message', { provider: 'openai', message: 'from message' }),
  np('m-fields-message', { provider: 'openai', fields: { message: 'from fields.message' } }),
  np('m-error', { provider: 'openai', error: 'from error' }),
  np('m-msg', { provider: 'openai', msg: 'from msg' }),
  // several present: the first in the order of §2 (error_message, message, fields.message, error, msg)
  np('m-order-1', { provider: 'openai', msg: 'from msg', error: 'from error', message: 'from message' }),
  np('m-order-2', { provider: 'openai', msg: 'from msg', error: 'from error' }),
  np('m-order-3', { provider: 'openai', error: 'from error', fields: { message: 'from fields.message' } }),
];

const longRaw = 'upstream failure ' + 'x'.repeat(800);
const BODIES = [
  { ts: MS, provider: 'openai', status: 429, request_id: 'b-body', body: JSON.stringify({ error: { message: 'Rate limit reached for gpt-4o in organization org-X on requests per min (RPM): Limit 500, Used 500, Requested 1.', type: 'requests', param: null, code: 'rate_limit_exceeded' } }) },
  { ts: MS, provider: 'gemini', status: 503, request_id: 'b-response-body', response_body: JSON.stringify({ error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } }) },
  { ts: MS, provider: 'mistral', status: 422, request_id: 'b-mistral-detail', body: JSON.stringify({ object: 'error', message: { detail: [{ type: 'missing', loc: ['body', 'messages'], msg: 'Field required', input: null }] }, type: 'invalid_request_message_error', param: null, code: null }) },
  { ts: MS, provider: 'ollama', status: 404, request_id: 'b-error-string', body: JSON.stringify({ error: 'model "llama9" not found, try pulling it first' }) },
  { ts: MS, provider: 'huggingface', status: 401, request_id: 'b-detail', body: JSON.stringify({ detail: 'Not authenticated' }) },
  { ts: MS, provider: 'gemini', status: 429, request_id: 'b-error-status', body: JSON.stringify({ error: { code: 429, status: 'RESOURCE_EXHAUSTED' } }) },
  { ts: MS, provider: 'openai', status: 429, request_id: 'b-message', body: JSON.stringify({ message: 'Too many requests, please slow down' }) },
  { ts: MS, provider: 'anthropic', status: 502, request_id: 'b-raw', body: 'upstream connect error or disconnect/reset before headers. reset reason: overflow' },
  { ts: MS, provider: 'anthropic', status: 502, request_id: 'b-long', body: longRaw },
  { ts: MS, provider: 'anthropic', status: 529, request_id: 'b-anthropic-529', body: JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }) },
  { ts: MS, provider: 'openai', error: 'error sending request for url (https://api.openai.com/v1/chat/completions): connection closed before message completed', request_id: 'b-transport' },
];

const HOSTS: Array<[string, string, string]> = [
  ['h-openai', 'https://api.openai.com/v1/chat/completions', 'openai'],
  ['h-anthropic', 'https://api.anthropic.com/v1/messages', 'anthropic'],
  ['h-gemini', 'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent', 'gemini'],
  ['h-vertex', 'https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1/publishers/google/models/m:generateContent', 'gemini'],
  ['h-deepseek', 'https://api.deepseek.com/chat/completions', 'deepseek'],
  ['h-openrouter', 'https://openrouter.ai/api/v1/chat/completions', 'openrouter'],
  ['h-xai', 'https://api.x.ai/v1/chat/completions', 'xai'],
  ['h-mistral', 'https://api.mistral.ai/v1/chat/completions', 'mistral'],
  ['h-moonshot-ai', 'https://api.moonshot.ai/v1/chat/completions', 'moonshot'],
  ['h-moonshot-cn', 'https://api.moonshot.cn/v1/chat/completions', 'moonshot'],
  ['h-zai', 'https://api.z.ai/api/paas/v4/chat/completions', 'zai'],
  ['h-bigmodel', 'https://open.bigmodel.cn/api/paas/v4/chat/completions', 'zai'],
  ['h-minimax', 'https://api.minimax.io/v1/text/chatcompletion_v2', 'minimax'],
  ['h-dashscope', 'https://dashscope-intl.aliyuncs.com/compatible-mode/v1/chat/completions', 'qwen'],
  ['h-nvidia', 'https://integrate.api.nvidia.com/v1/chat/completions', 'nvidia'],
  ['h-huggingface', 'https://router.huggingface.co/v1/chat/completions', 'huggingface'],
  ['h-ollama', 'http://localhost:11434/api/chat', 'ollama'],
  ['h-lmstudio', 'http://127.0.0.1:1234/v1/chat/completions', 'lmstudio'],
  ['h-port-12345', 'http://127.0.0.1:12345/v1/chat/completions', 'unknown'],
];

const MODELS: Array<[string, string, string]> = [
  ['md-gemini', 'gemini-2.5-flash', 'gemini'],
  ['md-claude', 'claude-sonnet-4-5', 'anthropic'],
  ['md-gpt', 'gpt-4o', 'openai'],
  ['md-o1', 'o1', 'openai'],
  ['md-o3', 'o3-mini', 'openai'],
  ['md-o4', 'o4-mini', 'openai'],
  ['md-deepseek', 'deepseek-reasoner', 'deepseek'],
  ['md-grok', 'grok-4', 'xai'],
  ['md-kimi', 'kimi-k2-0905-preview', 'moonshot'],
  ['md-moonshot', 'moonshot-v1-8k', 'moonshot'],
  ['md-glm', 'glm-4.6', 'zai'],
  ['md-mistral', 'mistral-large-latest', 'mistral'],
  ['md-codestral', 'codestral-latest', 'mistral'],
  ['md-qwen', 'qwen3-coder-plus', 'qwen'],
  ['md-slug-anthropic', 'anthropic/claude-sonnet-4.5', 'anthropic'],
  ['md-slug-xai', 'x-ai/grok-code-fast-1', 'xai'],
  ['md-slug-deep', 'openrouter/z-ai/glm-4.5-air', 'zai'],
  ['md-unknown', 'llama-3.3-70b-instruct', 'unknown'],
];

const PROVIDERS = [
  e('p-id-case', { provider: 'OpenAI' }),
  e('p-id-upper', { provider: 'GEMINI' }),
  e('p-id-dash', { provider: 'ollama-cloud' }),
  e('p-id-merge', { provider: 'merge-gateway' }),
  e('p-label-zai', { provider: 'Z.AI' }),
  e('p-label-xai', { provider: 'xAI' }),
  e('p-label-lmstudio', { provider: 'LM Studio' }),
  e('p-label-deepseek', { provider: 'DeepSeek' }),
  e('p-unknown-kept', { provider: 'Vertex_AI' }),
  e('p-unknown-beats-inference', { provider: 'vertex_ai', target: 'vtcode_core::llm::providers::gemini', model: 'gemini-2.5-pro' }),
  np('p-target', { target: 'vtcode_core::llm::providers::anthropic', message: 'request failed' }),
  np('p-target-deeper', { target: 'vtcode_core::llm::providers::zai::client', message: 'request failed' }),
  np('p-target-beats-host', { target: 'vtcode_core::llm::providers::openai', message: 'error sending request for url (https://api.anthropic.com/v1/messages): timed out', model: 'gemini-2.5-pro' }),
  np('p-host-beats-model', { message: 'error sending request for url (https://api.deepseek.com/chat/completions): timed out', model: 'gpt-4o' }),
  np('p-none', { message: 'request failed' }),
  ...HOSTS.map(([id, url]) => np(id, { message: `error sending request for url (${url}): connection closed before message completed` })),
  ...MODELS.map(([id, model]) => np(id, { model, error_message: 'request failed' })),
];

const ESC = '\u001b';
const ANSI = [
  np('a-message', { provider: 'anthropic', message: `${ESC}[31mProvider error${ESC}[0m: ${ESC}[1mhttp 529${ESC}[22m overloaded` }),
  np('a-provider-model', { provider: `${ESC}[32mgemini${ESC}[39m`, model: `${ESC}[2mgemini-2.5-pro${ESC}[0m`, error_message: `${ESC}[38;5;196mquota exceeded${ESC}[0m` }),
  {
    timestamp: T, level: 'ERROR', target: 'vtcode_core::llm::providers::openai',
    fields: { message: `${ESC}[1;31merror sending request${ESC}[0m for url (https://api.openai.com/v1/responses): operation timed out`, request_id: 'a-tracing' },
  },
];

const EVENTS = [
  e('ev-field-retry', { event: 'retry', error_type: 'rate_limit', error_message: 'waiting 2s' }),
  e('ev-phrase-retry', { level: 'WARN', error_message: 'Retrying after error', error_type: 'network_error', retry_count: 1 }),
  e('ev-phrase-retry-case', { level: 'WARN', error_message: 'RETRYING AFTER ERROR: 429 from upstream' }),
  e('ev-recovered', { level: 'INFO', error_message: 'Successfully recovered from error', retry_count: 2 }),
  e('ev-field-recovered', { level: 'INFO', event: 'recovered', error_message: 'ok after 2 attempts' }),
  e('ev-final-error', { error_message: 'request aborted', final_error: 'operation timed out' }),
  e('ev-failed-phrase', { error_message: 'Request failed after retries: 503 Service Unavailable' }),
  { timestamp: T, level: 'WARN', message: 'Falling back to secondary provider', primary: 'anthropic', fallback: 'openai', request_id: 'ev-fallback' },
  e('ev-error', { error_message: 'Provider error: http 500: internal' }),
  {
    timestamp: T, level: 'WARN', target: 'vtcode_core::llm::providers::gemini', request_id: 'ev-tracing-retry',
    fields: { message: 'Retrying after error', error_type: 'rate_limit', attempt: 2 }, span: { name: 'llm_turn', turn: 3 },
  },
];

const TRACING = [
  {
    timestamp: T, level: 'ERROR', target: 'vtcode_core::llm::providers::gemini',
    fields: { message: 'Rate limit hit', status_code: '429 Too Many Requests', retry_count: 2, model: 'gemini-2.5-pro', request_id: 'tr-nested' },
    span: { name: 'llm_turn', turn: 7 }, spans: [{ name: 'session', id: 's1' }, { name: 'llm_turn', turn: 7 }],
  },
  {
    timestamp: T, level: 'ERROR', target: 'vtcode_core::llm::providers::gemini',
    fields: { message: 'upstream error', provider: 'Anthropic', status: '404 Not Found', request_id: 'tr-fields-provider' },
  },
  {
    timestamp: T, level: 'ERROR', target: 'vtcode_core::llm::client',
    fields: { message: 'upstream error', error_type: 'RateLimit', request_id: 'tr-type-alias', retries: 3, provider: 'openai' },
  },
  {
    timestamp: T, level: 'ERROR', target: 'vtcode_core::llm::client',
    fields: { message: 'upstream error', error_type: 'rate-limit', request_id: 'tr-type-alias-dash', provider: 'openai' },
  },
];

const SESSION = {
  metadata: { session_id: 'session-x', workspace_label: 'w', provider: 'Anthropic', model: 'claude-sonnet-4-5' },
  started_at: '2026-11-20T09:00:00Z',
  transcript: ['> hello'],
  error_logs: [
    { timestamp: '2026-11-20T09:01:00.250Z', level: 'ERROR', target: 'vtcode_core::llm', message: 'Provider error: http 529: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}' },
    { timestamp: '2026-11-20T09:01:02Z', level: 'WARN', target: 'vtcode_core::llm', message: 'Retrying after error: overloaded_error' },
    { timestamp: '2026-11-20T09:02:00+02:00', level: 'ERROR', target: 'vtcode_core::llm', message: 'Provider error: http 401: invalid x-api-key' },
  ],
};

// As VT Code's runloop writes them (LlmRetryMetricsRecord and friends).
const RETRY = { kind: 'llm_retry_metrics', plan_mode: false, max_retries: 3, stream_fallback_used: false };
const TRAJECTORY = [
  { kind: 'tool_catalog_cache_metrics', turn: 1, model: 'claude-sonnet-4-5', cache_hit: true, plan_mode: false, request_user_input_enabled: true, available_tools: 23, stable_prefix_hash: 1, tool_catalog_hash: 2, prefix_change_reason: 'none', ts: S },
  { ...RETRY, turn: 1, model: 'claude-sonnet-4-5', attempts_made: 3, retries_used: 2, success: true, exhausted_retry_budget: false, last_error_retryable: true, last_error: 'Provider error: http 503: Service Unavailable', ts: S },
  { kind: 'tool', turn: 1, name: 'read_file', status: 'ok', ts: S + 1 },
  { ...RETRY, turn: 2, model: 'gpt-5', attempts_made: 4, retries_used: 3, success: false, exhausted_retry_budget: true, last_error_retryable: true, last_error: 'error sending request for url: operation timed out', ts: S + 60 },
  { ...RETRY, turn: 3, model: 'gemini-2.5-flash', attempts_made: 1, retries_used: 0, success: true, exhausted_retry_budget: false, last_error_retryable: null, last_error: null, ts: S + 120 },
  { ...RETRY, turn: 4, model: 'openrouter/deepseek/deepseek-chat', attempts_made: 2, retries_used: 1, success: true, exhausted_retry_budget: false, last_error_retryable: true, last_error: 'Provider error: http 429: rate limit exceeded', ts: S + 180 },
];

let dir: string;
let rows: Row[];
const byId = new Map<string, Row>();
const row = (id: string): Row => {
  const r = byId.get(id);
  assert.ok(r, `no row stored for request_id ${id}`);
  return r;
};
const rowsOfFile = (name: string) => rows.filter((r) => r.source.startsWith(join(dir, name) + ':'));

before(async () => {
  dir = tmpDir();
  writeFixtures(dir, {
    'time.jsonl': TIME,
    'status.jsonl': STATUS,
    'messages.jsonl': MESSAGES,
    'bodies.jsonl': BODIES,
    'providers.jsonl': PROVIDERS,
    'ansi.jsonl': ANSI,
    'events.jsonl': EVENTS,
    'tracing.log': TRACING,
    'session-x.json': JSON.stringify(SESSION, null, 2) + '\n',
    'trajectory.jsonl': TRAJECTORY,
  });
  rows = await rowsFrom([dir]);
  for (const r of rows) if (r.request_id) byId.set(r.request_id, r);
});

describe('timestamps', () => {
  const cases: Array<[string, string]> = [
    ['t-iso-z', T],
    ['t-ms', T],
    ['t-s', T0],
    ['t-plus7', T],
    ['t-minus6', T],
    ['t-minus430', T],
    ['t-basic-offset', T],
    ['t-space-no-offset', T],
    ['t-no-offset', T0],
    ['t-nanos', T],
    ['t-truncate-not-round', T],
    ['t-one-digit', '2026-11-20T14:03:11.500Z'],
    ['t-ms-string', T],
    ['t-s-string', T0],
    ['t-s-fraction', '2026-11-20T14:03:11.500Z'],
    ['t-below-1e11', new Date(99_999_999_999 * 1000).toISOString()],
    ['t-at-1e11', '1973-03-03T09:46:40.000Z'],
  ];
  for (const [id, want] of cases) {
    test(`${id} -> ${want}`, () => assert.equal(row(id).timestamp, want));
  }
  test('every alias (timestamp, ts, time, @timestamp) gives a row: 17 rows from time.jsonl', () => {
    assert.equal(rowsOfFile('time.jsonl').length, TIME.length);
  });
});

describe('status', () => {
  test('status_code number', () => assert.equal(row('s-code-number').status_code, 429));
  test('status numeric string', () => assert.equal(row('s-status-string').status_code, 503));
  test('http_status Display string', () => assert.equal(row('s-http-status-display').status_code, 503));
  test('status_code Display "429 Too Many Requests"', () => assert.equal(row('s-code-display').status_code, 429));
  test('http_status number', () => {
    assert.equal(row('s-http-status-number').status_code, 401);
    assert.equal(row('s-http-status-number').error_type, 'auth_error');
  });
  test('`http 503` in the message', () => {
    const r = row('s-in-message');
    assert.equal(r.status_code, 503);
    assert.equal(r.error_type, 'server_error');
  });
  test('`HTTP 429` in the message', () => {
    const r = row('s-in-message-upper');
    assert.equal(r.status_code, 429);
    assert.equal(r.error_type, 'rate_limit');
  });
  test('status "recovered" is the outcome, status_code the HTTP status', () => {
    const r = row('s-recovered');
    assert.equal(r.outcome, 'recovered');
    assert.equal(r.status_code, 429);
    assert.equal(r.event, 'error');
  });
  test('status "failed" is the outcome, no HTTP status', () => {
    const r = row('s-failed');
    assert.equal(r.outcome, 'failed');
    assert.equal(r.status_code, null);
    assert.equal(r.error_type, 'network_error');
  });
  test('status "recovered" alone: outcome, status_code null', () => {
    const r = row('s-recovered-only');
    assert.equal(r.outcome, 'recovered');
    assert.equal(r.status_code, null);
  });
  test('status "failed" with http_status 500', () => {
    const r = row('s-outcome-and-http');
    assert.equal(r.outcome, 'failed');
    assert.equal(r.status_code, 500);
    assert.equal(r.error_type, 'server_error');
  });
  test('no outcome when none is given', () => assert.equal(row('s-code-number').outcome, null));
});

describe('message and body aliases', () => {
  test('error_message', () => assert.equal(row('m-error-message').error_message, 'from error_message'));
  test('message', () => assert.equal(row('m-message').error_message, 'from message'));
  test('fields.message', () => assert.equal(row('m-fields-message').error_message, 'from fields.message'));
  test('error', () => assert.equal(row('m-error').error_message, 'from error'));
  test('msg', () => assert.equal(row('m-msg').error_message, 'from msg'));
  test('message wins over error and msg', () => assert.equal(row('m-order-1').error_message, 'from message'));
  test('error wins over msg (alias order of §2)', () => assert.equal(row('m-order-2').error_message, 'from error'));
  test('fields.message wins over error', () => assert.equal(row('m-order-3').error_message, 'from fields.message'));
  test('body: error.message, classified rate_limit from the status', () => {
    const r = row('b-body');
    assert.match(r.error_message ?? '', /^Rate limit reached for gpt-4o/);
    assert.equal(r.error_type, 'rate_limit');
    assert.equal(r.status_code, 429);
  });
  test('response_body: error.message', () => {
    const r = row('b-response-body');
    assert.equal(r.error_message, 'The model is overloaded. Please try again later.');
    assert.equal(r.error_type, 'server_error');
  });
  test("Mistral's message.detail[0].msg", () => {
    const r = row('b-mistral-detail');
    assert.equal(r.error_message, 'Field required');
    assert.equal(r.error_type, 'client_error');
  });
  test('error as a string', () => {
    const r = row('b-error-string');
    assert.equal(r.error_message, 'model "llama9" not found, try pulling it first');
    assert.equal(r.error_type, 'client_error');
    assert.equal(r.retryable, 0);
  });
  test('detail', () => {
    const r = row('b-detail');
    assert.equal(r.error_message, 'Not authenticated');
    assert.equal(r.error_type, 'auth_error');
  });
  test('error.status', () => {
    const r = row('b-error-status');
    assert.equal(r.error_message, 'RESOURCE_EXHAUSTED');
    assert.equal(r.error_type, 'rate_limit');
  });
  test('message (a string)', () => assert.equal(row('b-message').error_message, 'Too many requests, please slow down'));
  test('raw body when it is not JSON', () => {
    const r = row('b-raw');
    assert.equal(r.error_message, 'upstream connect error or disconnect/reset before headers. reset reason: overflow');
    assert.equal(r.error_type, 'server_error');
  });
  test('stored message at most 500 characters', () => {
    const r = row('b-long');
    assert.equal(r.error_message, longRaw.slice(0, 500));
  });
  test('Anthropic 529 overloaded_error', () => {
    const r = row('b-anthropic-529');
    assert.deepEqual([r.error_type, r.error_subtype, r.status_code, r.retryable, r.error_message], ['server_error', 'overloaded', 529, 1, 'Overloaded']);
  });
  test('transport failure in `error`', () => {
    const r = row('b-transport');
    assert.deepEqual([r.provider, r.error_type, r.status_code, r.retryable], ['openai', 'network_error', null, 1]);
    assert.match(r.error_message ?? '', /^error sending request for url/);
  });
});

describe('providers', () => {
  const want: Array<[string, string]> = [
    ['p-id-case', 'openai'],
    ['p-id-upper', 'gemini'],
    ['p-id-dash', 'ollama-cloud'],
    ['p-id-merge', 'merge-gateway'],
    ['p-label-zai', 'zai'],
    ['p-label-xai', 'xai'],
    ['p-label-lmstudio', 'lmstudio'],
    ['p-label-deepseek', 'deepseek'],
    ['p-unknown-kept', 'vertex_ai'],
    ['p-unknown-beats-inference', 'vertex_ai'],
    ['p-target', 'anthropic'],
    ['p-target-deeper', 'zai'],
    ['p-target-beats-host', 'openai'],
    ['p-host-beats-model', 'deepseek'],
    ['p-none', 'unknown'],
  ];
  for (const [id, provider] of want) test(`${id} -> ${provider}`, () => assert.equal(row(id).provider, provider));
  for (const [id, url, provider] of HOSTS) test(`host ${url} -> ${provider}`, () => assert.equal(row(id).provider, provider));
  for (const [id, model, provider] of MODELS) {
    test(`model ${model} -> ${provider}`, () => {
      assert.equal(row(id).provider, provider);
      assert.equal(row(id).model, model);
    });
  }
});

describe('ANSI colour codes are stripped from every string', () => {
  test('message (status read through the codes)', () => {
    const r = row('a-message');
    assert.equal(r.error_message, 'Provider error: http 529 overloaded');
    assert.equal(r.status_code, 529);
  });
  test('provider, model, error_message', () => {
    const r = row('a-provider-model');
    assert.deepEqual([r.provider, r.model, r.error_message], ['gemini', 'gemini-2.5-pro', 'quota exceeded']);
  });
  test('tracing fields.message', () => {
    const r = row('a-tracing');
    assert.equal(r.error_message, 'error sending request for url (https://api.openai.com/v1/responses): operation timed out');
    assert.equal(r.error_type, 'network_error');
  });
  test('no stored string holds an ESC', () => {
    for (const r of rows) for (const v of Object.values(r)) if (typeof v === 'string') assert.ok(!v.includes(ESC), `${r.source}: ${v}`);
  });
});

describe('events', () => {
  test('"event":"retry"', () => assert.equal(row('ev-field-retry').event, 'retry'));
  test('"Retrying after error" with an error_type is a retry, error_type kept', () => {
    const r = row('ev-phrase-retry');
    assert.equal(r.event, 'retry');
    assert.equal(r.error_type, 'network_error');
  });
  test('phrase match is case-insensitive', () => assert.equal(row('ev-phrase-retry-case').event, 'retry'));
  test('"Successfully recovered from error" -> recovered', () => assert.equal(row('ev-recovered').event, 'recovered'));
  test('"event":"recovered" on an INFO line is kept', () => assert.equal(row('ev-field-recovered').event, 'recovered'));
  test('final_error -> failed', () => assert.equal(row('ev-final-error').event, 'failed'));
  test('"failed after retries" -> failed', () => assert.equal(row('ev-failed-phrase').event, 'failed'));
  test('"Falling back to secondary provider" -> fallback', () => assert.equal(row('ev-fallback').event, 'fallback'));
  test('otherwise error', () => assert.equal(row('ev-error').event, 'error'));
  test('tracing retry: provider from target, event retry', () => {
    const r = row('ev-tracing-retry');
    assert.deepEqual([r.event, r.provider, r.error_type], ['retry', 'gemini', 'rate_limit']);
  });
});

describe('tracing-subscriber JSON', () => {
  test('fields nested: status Display, retry_count, model, provider from target', () => {
    const r = row('tr-nested');
    assert.deepEqual(
      [r.provider, r.status_code, r.error_type, r.retry_count, r.model, r.error_message],
      ['gemini', 429, 'rate_limit', 2, 'gemini-2.5-pro', 'Rate limit hit'],
    );
  });
  test('fields.provider wins over the target; status "404 Not Found"', () => {
    const r = row('tr-fields-provider');
    assert.deepEqual([r.provider, r.status_code, r.error_type], ['anthropic', 404, 'client_error']);
  });
  test('error_type alias RateLimit, retries alias', () => {
    const r = row('tr-type-alias');
    assert.deepEqual([r.error_type, r.retry_count], ['rate_limit', 3]);
  });
  test('error_type alias rate-limit', () => assert.equal(row('tr-type-alias-dash').error_type, 'rate_limit'));
});

describe('session archive (in the shared ingest)', () => {
  test('each error_logs entry is a row, provider and model from metadata', () => {
    const rs = rowsOfFile('session-x.json');
    assert.equal(rs.length, 3);
    assert.deepEqual(rs.map((r) => r.provider), ['anthropic', 'anthropic', 'anthropic']);
    assert.deepEqual(rs.map((r) => r.model), ['claude-sonnet-4-5', 'claude-sonnet-4-5', 'claude-sonnet-4-5']);
    assert.deepEqual(rs.map((r) => r.event), ['error', 'retry', 'error']);
    assert.deepEqual(rs.map((r) => r.timestamp), ['2026-11-20T09:01:00.250Z', '2026-11-20T09:01:02.000Z', '2026-11-20T07:02:00.000Z']);
    assert.deepEqual(rs.map((r) => r.status_code), [529, null, 401]);
    assert.deepEqual([rs[0].error_type, rs[0].error_subtype, rs[2].error_type], ['server_error', 'overloaded', 'auth_error']);
  });
});

describe('trajectory (in the shared ingest)', () => {
  test('llm_retry_metrics: recovered / failed rows, others ignored', () => {
    const rs = rowsOfFile('trajectory.jsonl');
    assert.equal(rs.length, 3);
    const [a, b, c] = rs;
    assert.deepEqual(
      [a.event, a.provider, a.model, a.retry_count, a.error_type, a.timestamp],
      ['recovered', 'anthropic', 'claude-sonnet-4-5', 2, 'server_error', T0],
    );
    assert.deepEqual(
      [b.event, b.provider, b.retry_count, b.error_type, b.timestamp],
      ['failed', 'openai', 3, 'network_error', '2026-11-20T14:04:11.000Z'],
    );
    assert.deepEqual([c.event, c.provider, c.retry_count, c.error_type], ['recovered', 'deepseek', 1, 'rate_limit']);
  });
});

// ------------------------------------------------------------------------------------------------
// Cases about the counts: each its own analyze.

describe('ignored vs skipped', () => {
  test('INFO lines ignored, errors without a time and non-JSON skipped, with file:line samples', async () => {
    const d = tmpDir();
    const file = writeFixture(d, 'mixed.jsonl', jsonl([
      { timestamp: T, level: 'INFO', message: 'tool call read_file completed', tool: 'read_file' }, // 1 ignored
      { level: 'INFO', message: 'no time, not an error' }, // 2 ignored
      { level: 'ERROR', provider: 'openai', message: 'request failed' }, // 3 skipped: no timestamp
      '42', // 4 skipped: not an object
      '"just a string"', // 5 skipped: not an object
      'thread main panicked at src/main.rs:1:1', // 6 skipped: invalid JSON
      '{"timestamp":"2026-11-20T14:03:11Z","level":"ERROR","provider":"op', // 7 skipped: invalid JSON
      '[1,2,3]', // 8: a top-level array, each element a record: 3 skipped, not an object
      { timestamp: T, level: 'ERROR', provider: 'openai', message: 'request failed' }, // 9 row
      { timestamp: 'yesterday', level: 'ERROR', provider: 'openai', message: 'request failed' }, // 10 skipped
      'null', // 11 skipped: not an object
      { debug: true, timestamp: T }, // 12 ignored
      { timestamp: T, level: 'WARN', provider: 'openai', message: 'slow response', latency_ms: 9000 }, // 13 ignored
    ]));
    const r = await analyzeApi([file]);
    assert.equal(r.summary.records, 1);
    assert.equal(r.summary.errors, 1);
    assert.equal(r.summary.ignored, 4);
    assert.equal(r.summary.skipped, 10);
    assert.deepEqual(r.skipped_samples.map((s) => [s.file, s.line]), [3, 4, 5, 6, 7, 8, 8, 8, 10, 11].map((l) => [file, l]));
    const reasons = new Map(r.skipped_samples.map((s) => [s.line, s.reason]));
    for (const l of [4, 5, 8, 11]) assert.equal(reasons.get(l), 'not an object', `line ${l}`);
  });

  test('session archives: with error_logs rows, without error_logs (or empty) one ignored record each', async () => {
    const d = tmpDir();
    writeFixtures(d, {
      '.vtcode/sessions/session-a.json': JSON.stringify(SESSION, null, 2),
      '.vtcode/sessions/session-b.json': JSON.stringify({ metadata: { provider: 'openai', model: 'gpt-5' }, transcript: ['hi'] }, null, 2),
      '.vtcode/sessions/session-c.json': JSON.stringify({ metadata: { provider: 'openai', model: 'gpt-5' }, error_logs: [] }, null, 2),
    });
    const r = await analyzeApi([d]);
    assert.equal(r.summary.files, 3);
    assert.equal(r.summary.records, 3);
    assert.equal(r.summary.errors, 2);
    assert.equal(r.summary.ignored, 2);
    assert.equal(r.summary.skipped, 0);
  });

  test('trajectory: 3 llm_retry_metrics rows; tool, tool_catalog_cache_metrics and success-without-retries ignored', async () => {
    const d = tmpDir();
    const file = writeFixture(d, 'trajectory.jsonl', TRAJECTORY);
    const r = await analyzeApi([file]);
    assert.deepEqual([r.summary.records, r.summary.errors, r.summary.ignored, r.summary.skipped], [3, 0, 3, 0]);
    assert.deepEqual(r.recovery, [
      { provider: 'anthropic', recovered: 1, failed: 0, success_rate: 1 },
      { provider: 'deepseek', recovered: 1, failed: 0, success_rate: 1 },
      { provider: 'openai', recovered: 0, failed: 1, success_rate: 0 },
    ]);
  });

  test('skipped_samples: the first 20 in file order (files in walk order, lines in order)', async () => {
    const d = tmpDir();
    writeFixture(d, 'a.jsonl', Array.from({ length: 15 }, (_, i) => `garbage a${i}`).join('\n') + '\n');
    writeFixture(d, 'b.jsonl', Array.from({ length: 15 }, (_, i) => `garbage b${i}`).join('\n') + '\n');
    const r = await analyzeApi([d]);
    assert.equal(r.summary.skipped, 30);
    assert.equal(r.skipped_samples.length, 20);
    assert.deepEqual(
      r.skipped_samples.map((s) => `${s.file}:${s.line}`),
      [...Array.from({ length: 15 }, (_, i) => `${join(d, 'a.jsonl')}:${i + 1}`), ...Array.from({ length: 5 }, (_, i) => `${join(d, 'b.jsonl')}:${i + 1}`)],
    );
  });

  test('counts of errors count event = error rows only', async () => {
    const d = tmpDir();
    const file = writeFixture(d, 'ev.jsonl', EVENTS);
    const r = await analyzeApi([file]);
    assert.equal(r.summary.records, EVENTS.length);
    assert.equal(r.summary.errors, 1);
  });
});

describe('bytes', () => {
  const rec = (id: string) => JSON.stringify(e(id));
  test('BOM dropped, CRLF and LF end lines, whitespace-only lines are blank', async () => {
    const d = tmpDir();
    const text = '\ufeff' + rec('bom-1') + '\r\n\r\n   \t \r\n' + rec('bom-2') + '\n\n' + rec('bom-3') + '\r\n';
    const file = writeFixture(d, 'bom.jsonl', text);
    const r = await analyzeApi([file], { db: join(d, 's.db') });
    assert.deepEqual([r.summary.records, r.summary.ignored, r.summary.skipped], [3, 0, 0]);
    const rs = allRows(join(d, 's.db'));
    assert.deepEqual(rs.map((x) => x.source), [`${file}:1`, `${file}:4`, `${file}:6`]);
    assert.deepEqual(rs.map((x) => x.request_id), ['bom-1', 'bom-2', 'bom-3']);
  });
  test('invalid UTF-8 decoded with replacement characters, the record kept', async () => {
    const d = tmpDir();
    const bytes = Buffer.concat([
      Buffer.from('{"timestamp":"2026-11-20T14:03:11Z","level":"ERROR","provider":"openai","error_message":"bad '),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(' bytes 日本語 🚀"}\n'),
    ]);
    const file = writeFixture(d, 'bad-utf8.jsonl', bytes);
    const rs = await rowsFrom([file]);
    assert.equal(rs.length, 1);
    assert.equal(rs[0].error_message, 'bad \ufffd\ufffd bytes 日本語 🚀');
  });
  test('a CRLF file that is gzipped (no .gz name) reads the same', async () => {
    const d = tmpDir();
    const file = writeFixture(d, 'crlf.log', gzipSync(Buffer.from(rec('gz-1') + '\r\n' + rec('gz-2') + '\r\n')));
    const rs = await rowsFrom([file]);
    assert.deepEqual(rs.map((x) => x.request_id), ['gz-1', 'gz-2']);
  });
});

describe('arrays and pretty documents', () => {
  const three = [e('arr-1', { provider: 'gemini' }), e('arr-2', { provider: 'anthropic' }), e('arr-3', { provider: 'xai' })];
  test('a top-level array on one line: each element a record', async () => {
    const d = tmpDir();
    const rs = await rowsFrom([writeFixture(d, 'one-line.json', JSON.stringify(three) + '\n')]);
    assert.deepEqual(rs.map((x) => x.request_id), ['arr-1', 'arr-2', 'arr-3']);
  });
  test('a one-line array with a non-object element: the objects are still records', async () => {
    const d = tmpDir();
    const db = join(d, 's.db');
    const r = await analyzeApi([writeFixture(d, 'mixed.json', JSON.stringify([...three, 42]) + '\n')], { db });
    assert.deepEqual(allRows(db).map((x) => x.request_id), ['arr-1', 'arr-2', 'arr-3']);
    assert.equal(r.summary.records, 3);
    assert.ok(r.summary.skipped >= 1);
  });
  test('a pretty-printed array with a non-object element: the objects are records, the scalar skipped', async () => {
    const d = tmpDir();
    const db = join(d, 's.db');
    const r = await analyzeApi([writeFixture(d, 'mixed-pretty.json', JSON.stringify([three[0], 'oops', three[1]], null, 2) + '\n')], { db });
    assert.deepEqual(allRows(db).map((x) => x.request_id), ['arr-1', 'arr-2']);
    assert.deepEqual([r.summary.records, r.summary.skipped], [2, 1]);
  });
  test('a pretty-printed top-level array: each element a record', async () => {
    const d = tmpDir();
    const rs = await rowsFrom([writeFixture(d, 'pretty.json', JSON.stringify(three, null, 2) + '\n')]);
    assert.deepEqual(rs.map((x) => x.request_id), ['arr-1', 'arr-2', 'arr-3']);
    assert.deepEqual(rs.map((x) => x.provider), ['gemini', 'anthropic', 'xai']);
  });
  test('a pretty-printed document is one record; two in a row are two', async () => {
    const d = tmpDir();
    const one = writeFixture(d, 'doc.json', JSON.stringify(e('doc-1'), null, 2) + '\n');
    const two = writeFixture(d, 'docs.json', JSON.stringify(e('doc-2'), null, 2) + '\n' + JSON.stringify(e('doc-3'), null, 4) + '\n');
    const r = await analyzeApi([one, two], { db: join(d, 's.db') });
    assert.deepEqual([r.summary.records, r.summary.skipped], [3, 0]);
    assert.deepEqual(allRows(join(d, 's.db')).map((x) => x.request_id), ['doc-1', 'doc-2', 'doc-3']);
  });
  test('an array of tracing records with nested fields', async () => {
    const d = tmpDir();
    const rs = await rowsFrom([writeFixture(d, 'tracing-array.json', JSON.stringify(TRACING, null, 2))]);
    assert.deepEqual(rs.map((x) => x.request_id), ['tr-nested', 'tr-fields-provider', 'tr-type-alias', 'tr-type-alias-dash']);
  });
});

// The fast path for canonical UTC times must agree with the careful parse on every such string.
test('parseTimestamp: the canonical-form fast path equals the careful parse', async () => {
  const fc = (await import('fast-check')).default;
  const { parseTimestamp, parseTime, isoTime } = await import('../src/ingest/values.js');
  const two = (lo: number, hi: number) => fc.integer({ min: lo, max: hi }).map((n) => String(n).padStart(2, '0'));
  const stamp = fc
    .tuple(fc.integer({ min: 1970, max: 9999 }), two(1, 12), two(1, 31), two(0, 23), two(0, 59), two(0, 59), fc.option(fc.stringMatching(/^[0-9]{1,9}$/)))
    .map(([y, mo, d, h, mi, s, frac]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${frac === null ? '' : '.' + frac}Z`);
  fc.assert(
    fc.property(stamp, (t) => {
      const careful = parseTime(t);
      assert.equal(parseTimestamp(t), careful === null ? null : isoTime(careful), t);
    }),
    { numRuns: 5000 },
  );
});
