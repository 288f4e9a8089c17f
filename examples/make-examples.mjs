#!/usr/bin/env node
// Regenerates examples/logs/: a small, realistic sample of what vtcode-errors reads, in every shape of
// DESIGN.md §2. Deterministic (a seeded PRNG, fixed clock, gzip without a timestamp): running it
// twice gives byte-identical files, which are committed next to it.
//
//   node examples/make-examples.mjs
//
// What is in it (two days, 2026-11-19 and 2026-11-20 UTC):
// - logs/vtcode-errors.jsonl                flat records as VT Code's error-analytics guide writes them,
//                                           with a Gemini rate-limit storm on 2026-11-20 between 14:00 and
//                                           15:00, auth failures, network errors with retry counts,
//                                           recovered / failed outcomes, INFO noise and two malformed lines
// - logs/tracing/vtcode.log                 tracing-subscriber JSON (fields / target / span / spans), ANSI
//                                           colour in some messages, retries, recoveries, fallbacks
// - logs/providers/raw-failures.jsonl       raw provider failures: status + the provider's own error body
// - logs/providers/raw-failures-2026-11-19.jsonl.gz   more of them, gzipped
// - logs/exports/errors-export.json         a pretty-printed top-level JSON array (offsets, display labels)
// - logs/.vtcode/sessions/session-*.json    VT Code session archives (one with error_logs, one without)
// - logs/.vtcode/logs/trajectory.jsonl      a trajectory (where VT Code writes it): llm_retry_metrics and
//                                           other kinds
// Planted fake keys (sk-proj-FAKE..., AIzaFAKE..., Bearer ...) must come out [REDACTED].
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const OUT = join(dirname(fileURLToPath(import.meta.url)), 'logs');

// mulberry32: a tiny deterministic PRNG.
let seed = 0x5eed2026;
function rand() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[int(0, 15)]).join('');

const DAY1 = Date.UTC(2026, 10, 19, 0, 0, 0); // 2026-11-19T00:00:00Z
const DAY2 = Date.UTC(2026, 10, 20, 0, 0, 0);
const STORM = Date.UTC(2026, 10, 20, 14, 0, 0); // the Gemini rate-limit storm: 14:00-15:00 UTC
const anyTime = () => DAY1 + int(0, 2 * 86400 - 1) * 1000 + int(0, 999);
const iso = (ms) => new Date(ms).toISOString();
const reqId = () => `req_${hex(12)}`;

// Planted fake secrets (never real keys).
const FAKE_OPENAI_KEY = 'sk-proj-FAKEa1b2c3d4e5f6g7h8i9j0KLMNOPqrstuvWXYZ0123';
const FAKE_GEMINI_KEY = 'AIzaSyFAKE-0123456789abcdefghijklmnopqr';
const FAKE_BEARER = 'eyJhbGciOiJIUzI1NiJ9.FAKEpayload.FAKEsignature0123';

const json = (v) => JSON.stringify(v);
const lines = (records) => records.map((r) => (typeof r === 'string' ? r : json(r))).join('\n') + '\n';
const byTime = (a, b) => a._t - b._t;
const strip = (r) => {
  const { _t, ...rest } = r;
  return rest;
};

// ---------------------------------------------------------------------------------------------------
// 1. Flat records (VT Code's error-analytics guide).
const flat = [];
const flatRec = (t, fields) => flat.push({ _t: t, timestamp: iso(t), level: 'ERROR', ...fields });

// The storm: 42 rate-limit errors from Gemini between 14:00 and 15:00 UTC on day 2.
for (let i = 0; i < 42; i++) {
  const t = STORM + int(0, 3599) * 1000 + int(0, 999);
  flatRec(t, {
    provider: 'gemini',
    error_type: 'rate_limit',
    status_code: 429,
    error_message: pick([
      'Rate limit exceeded: 429 Too Many Requests',
      'Resource has been exhausted (e.g. check quota).',
      'RESOURCE_EXHAUSTED: Quota exceeded for quota metric generate_content_requests per minute',
    ]),
    retry_count: int(0, 3),
    request_id: reqId(),
    status: i % 5 === 4 ? 'failed' : 'recovered',
    model: pick(['gemini-2.5-flash', 'gemini-2.5-pro']),
  });
}
// Background rate limits for the other providers, spread over both days.
for (let i = 0; i < 14; i++) {
  const provider = pick(['openai', 'anthropic', 'openrouter', 'deepseek']);
  flatRec(anyTime(), {
    provider,
    error_type: pick(['rate_limit', 'RateLimit', 'rate-limit']),
    status_code: 429,
    error_message: 'Rate limit exceeded, please retry after 20s',
    retry_count: int(0, 2),
    request_id: reqId(),
    status: 'recovered',
    model: { openai: 'gpt-4.1-mini', anthropic: 'claude-sonnet-4-5', openrouter: 'moonshotai/kimi-k2', deepseek: 'deepseek-chat' }[provider],
  });
}
// Auth failures: two distinct messages (one with a planted OpenAI key), and Anthropic's.
for (let i = 0; i < 7; i++) {
  flatRec(anyTime(), {
    provider: 'openai',
    error_type: 'auth_error',
    status_code: 401,
    error_message: `Incorrect API key provided: ${FAKE_OPENAI_KEY}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    retry_count: 0,
    request_id: reqId(),
    status: 'failed',
    model: 'gpt-5',
  });
}
for (let i = 0; i < 4; i++) {
  flatRec(anyTime(), {
    provider: 'anthropic',
    error_type: 'auth_error',
    status_code: 401,
    error_message: 'invalid x-api-key',
    retry_count: 0,
    request_id: reqId(),
    status: 'failed',
    model: 'claude-sonnet-4-5',
  });
}
// Network errors with retry counts, as reqwest prints them.
const NET = {
  openai: [
    'error sending request for url (https://api.openai.com/v1/chat/completions): connection closed before message completed',
    'error sending request for url (https://api.openai.com/v1/responses): operation timed out',
  ],
  anthropic: [
    'error sending request for url (https://api.anthropic.com/v1/messages): error trying to connect: tcp connect error: Connection refused (os error 111)',
    'error sending request for url (https://api.anthropic.com/v1/messages): connection error: Connection reset by peer (os error 104)',
  ],
  deepseek: [
    'error sending request for url (https://api.deepseek.com/chat/completions): error trying to connect: dns error: failed to lookup address information: Name or service not known',
  ],
};
for (let i = 0; i < 18; i++) {
  const provider = pick(Object.keys(NET));
  flatRec(anyTime(), {
    provider,
    error_type: 'network_error',
    error_message: pick(NET[provider]),
    retry_count: int(1, 4),
    request_id: reqId(),
    status: rand() < 0.7 ? 'recovered' : 'failed',
    model: { openai: 'gpt-4.1-mini', anthropic: 'claude-haiku-4-5', deepseek: 'deepseek-reasoner' }[provider],
  });
}
// Server errors and a parse error, without an explicit error_type (classified from the status/message).
for (let i = 0; i < 10; i++) {
  flatRec(anyTime(), {
    provider: pick(['anthropic', 'openai', 'mistral']),
    status_code: pick([500, 502, 503, '503 Service Unavailable']),
    error_message: 'Provider error: upstream returned an error',
    retry_count: int(0, 2),
    request_id: reqId(),
    status: 'recovered',
  });
}
flatRec(anyTime(), {
  provider: 'ollama',
  error_message: 'error decoding response body: expected value at line 1 column 1',
  retry_count: 1,
  request_id: reqId(),
  status: 'failed',
  model: 'qwen3:8b',
});
// INFO noise (ignored).
for (let i = 0; i < 12; i++) {
  const t = anyTime();
  flat.push({ _t: t, timestamp: iso(t), level: 'INFO', message: pick(['tool call completed', 'turn finished', 'context compacted']), tool: pick(['read_file', 'grep_file', 'run_pty_cmd']) });
}
flat.sort(byTime);
const flatLines = flat.map((r) => json(strip(r)));
// Two malformed lines: a record cut short by a crash, and a stray panic message.
flatLines.splice(40, 0, '{"timestamp":"2026-11-19T17:22:03.511Z","level":"ERROR","provider":"openai","error_type":"rate_l');
flatLines.splice(90, 0, "thread 'tokio-runtime-worker' panicked at vtcode-core/src/llm/mod.rs:214:9:");

// ---------------------------------------------------------------------------------------------------
// 2. tracing-subscriber JSON.
const tracing = [];
const trace = (t, level, target, fields, span) => {
  const rec = { _t: t, timestamp: iso(t), level, fields, target };
  if (span) {
    rec.span = span;
    rec.spans = [{ name: 'session', session_id: 'ses_7d1c' }, span];
  }
  tracing.push(rec);
};
const turnSpan = () => ({ name: 'llm_turn', turn: int(1, 40) });
const ANSI_RED = '\u001b[31m';
const ANSI_RESET = '\u001b[0m';
for (let i = 0; i < 16; i++) {
  const t = DAY2 + int(6 * 3600, 20 * 3600) * 1000 + int(0, 999);
  const provider = pick(['anthropic', 'openai', 'gemini']);
  trace(t, 'WARN', `vtcode_core::llm::providers::${provider}`, {
    message: 'Retrying after error',
    error_type: pick(['network_error', 'rate_limit', 'server_error']),
    attempt: int(1, 3),
    delay_ms: pick([500, 1000, 2000, 4000]),
  }, turnSpan());
  if (i % 3 !== 2) {
    trace(t + int(2000, 9000), 'INFO', `vtcode_core::llm::providers::${provider}`, { message: 'Successfully recovered from error', retry_count: int(1, 3) }, turnSpan());
  } else {
    trace(t + int(9000, 20000), 'ERROR', `vtcode_core::llm::providers::${provider}`, {
      message: `${ANSI_RED}Request failed after retries${ANSI_RESET}`,
      final_error: 'error sending request for url: operation timed out',
      retry_count: 3,
    }, turnSpan());
  }
}
for (let i = 0; i < 6; i++) {
  const t = DAY1 + int(8 * 3600, 22 * 3600) * 1000;
  trace(t, 'WARN', 'vtcode_core::llm::router', { message: 'Falling back to secondary provider', primary: 'anthropic', fallback: 'openai', reason: 'overloaded' });
}
for (let i = 0; i < 14; i++) {
  const t = anyTime();
  const [code, reason] = pick([[502, 'Bad Gateway'], [503, 'Service Unavailable']]);
  trace(t, 'ERROR', 'vtcode_core::llm::providers::openrouter', {
    message: `${ANSI_RED}Provider error: http ${code}: upstream provider unavailable${ANSI_RESET}`,
    status_code: `${code} ${reason}`,
    model: pick(['anthropic/claude-sonnet-4.5', 'deepseek/deepseek-chat-v3.1', 'qwen/qwen3-coder']),
  }, turnSpan());
}
for (let i = 0; i < 8; i++) {
  const t = anyTime();
  trace(t, 'ERROR', 'vtcode_core::llm::providers::gemini', {
    message: 'Rate limit hit',
    status_code: '429 Too Many Requests',
    model: 'gemini-2.5-pro',
    retry_count: int(0, 2),
  }, turnSpan());
}
for (let i = 0; i < 10; i++) {
  const t = anyTime();
  trace(t, 'ERROR', `vtcode_core::llm::providers::${pick(['anthropic', 'deepseek'])}`, {
    message: pick([
      'error sending request for url (https://api.anthropic.com/v1/messages): operation timed out',
      'error trying to connect: tls handshake eof',
    ]),
    retry_count: int(1, 5),
  });
}
for (let i = 0; i < 6; i++) {
  const t = anyTime();
  trace(t, 'INFO', 'vtcode.turn.metrics', { message: 'turn metric', metric: 'llm_retry_outcome', turn: int(1, 30), model: 'claude-sonnet-4-5', attempts_made: 1, retries_used: 0, max_retries: 3, success: true, exhausted_retry_budget: false });
}
for (let i = 0; i < 14; i++) {
  const t = anyTime();
  trace(t, pick(['INFO', 'DEBUG']), 'vtcode_core::tools::registry', { message: pick(['executing tool', 'tool finished']), tool: pick(['read_file', 'edit_file', 'list_files']) }, turnSpan());
}
tracing.sort(byTime);

// ---------------------------------------------------------------------------------------------------
// 3. Raw provider failures: status + the provider's own body (real shapes from the providers' docs).
const BODIES = {
  anthropic529: { provider: 'anthropic', status: 529, body: json({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }) },
  anthropic429: { provider: 'anthropic', status: 429, body: json({ type: 'error', error: { type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit (https://docs.anthropic.com/en/api/rate-limits); see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later.' } }) },
  openaiQuota: { provider: 'openai', status: 429, body: json({ error: { message: 'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } }) },
  openaiRate: { provider: 'openai', status: 429, body: json({ error: { message: 'Rate limit reached for gpt-4.1-mini in organization org-FAKE0000 on tokens per min (TPM): Limit 200000, Used 199412, Requested 2210. Please try again in 483ms. Visit https://platform.openai.com/account/rate-limits to learn more.', type: 'tokens', param: null, code: 'rate_limit_exceeded' } }) },
  geminiExhausted: { provider: 'gemini', status: 429, body: json({ error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' } }) },
  geminiKey: { provider: 'gemini', status: 400, body: json({ error: { code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT', details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } }] } }) },
  openrouterRaw: { provider: 'openrouter', status: 429, body: json({ error: { message: 'Provider returned error', code: 429, metadata: { raw: 'deepseek/deepseek-chat-v3.1 is temporarily rate-limited upstream. Please retry shortly, or add your own key to accumulate your rate limits: https://openrouter.ai/settings/integrations', provider_name: 'DeepInfra' } }, user_id: 'user_FAKE' }) },
  deepseek402: { provider: 'deepseek', status: 402, body: json({ error: { message: 'Insufficient Balance', type: 'unknown_error', param: null, code: 'invalid_request_error' } }) },
  openai500: { provider: 'openai', status: 500, body: json({ error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null } }) },
  mistral422: { provider: 'mistral', status: 422, body: json({ object: 'error', message: { detail: [{ type: 'extra_forbidden', loc: ['body', 'tool_choice_mode'], msg: 'Extra inputs are not permitted', input: 'auto' }] }, type: 'invalid_request_message_error', param: null, code: null }) },
  openaiContext: { provider: 'openai', status: 400, body: json({ error: { message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. Please reduce the length of the messages.", type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } }) },
};
const TRANSPORT = [
  { provider: 'openai', error: 'error sending request for url (https://api.openai.com/v1/chat/completions): connection closed before message completed' },
  { provider: 'anthropic', error: 'error sending request for url (https://api.anthropic.com/v1/messages): operation timed out' },
  { provider: 'gemini', error: `error sending request for url (https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent?key=${FAKE_GEMINI_KEY}): error trying to connect: dns error: failed to lookup address information: Temporary failure in name resolution` },
  { provider: 'xai', error: 'error sending request for url (https://api.x.ai/v1/chat/completions): error trying to connect: invalid peer certificate: UnknownIssuer' },
];
const raw = [];
const rawGz = [];
const rawRec = (into, t, rec, epochSeconds = false) => into.push({ _t: t, ts: epochSeconds ? Math.floor(t / 1000) : t, ...rec, request_id: reqId() });
const weights = [
  ['anthropic529', 8], ['anthropic429', 4], ['openaiQuota', 5], ['openaiRate', 6], ['geminiExhausted', 4], ['geminiKey', 5],
  ['openrouterRaw', 5], ['deepseek402', 3], ['openai500', 3], ['mistral422', 2], ['openaiContext', 2],
];
for (const [key, n] of weights) {
  for (let i = 0; i < n; i++) {
    const into = i % 2 === 0 ? raw : rawGz;
    const t = into === raw ? DAY2 + int(0, 86399) * 1000 + int(0, 999) : DAY1 + int(0, 86399) * 1000 + int(0, 999);
    rawRec(into, t, BODIES[key], into === rawGz);
  }
}
for (let i = 0; i < 16; i++) {
  const into = i % 2 === 0 ? raw : rawGz;
  const t = into === raw ? DAY2 + int(0, 86399) * 1000 : DAY1 + int(0, 86399) * 1000;
  rawRec(into, t, { ...pick(TRANSPORT), retries: int(1, 3) }, into === rawGz);
}
// No provider field: inferred from the API host in the message, and from the model.
raw.push({ _t: DAY2 + 3_600_000, ts: DAY2 + 3_600_000, error: 'error sending request for url (https://api.mistral.ai/v1/chat/completions): connection closed before message completed' });
raw.push({ _t: DAY2 + 7_200_000, ts: DAY2 + 7_200_000, status: 429, model: 'grok-4', body: json({ code: 'Some resource has been exhausted', error: 'Your team has either used all available credits or reached its monthly spending limit.' }) });
raw.push({ _t: DAY2 + 9_000_000, ts: DAY2 + 9_000_000, provider: 'vertex_ai', status: 503, body: json({ error: { code: 503, message: 'The service is currently unavailable.', status: 'UNAVAILABLE' } }) });
raw.sort(byTime);
rawGz.sort(byTime);

// ---------------------------------------------------------------------------------------------------
// 4. A pretty-printed top-level array (an export from another tool), times with offsets.
const exportArr = [];
for (let i = 0; i < 12; i++) {
  const t = anyTime();
  const offset = pick(['+07:00', '-05:00', 'Z']);
  const shifted = offset === 'Z' ? t : t + (offset === '+07:00' ? 7 : -5) * 3_600_000;
  const local = new Date(shifted).toISOString().replace('Z', offset === 'Z' ? 'Z' : offset);
  exportArr.push({
    _t: t,
    time: local,
    provider: pick(['DeepSeek', 'Z.AI', 'xAI', 'LM Studio']),
    ...pick([
      { http_status: 429, msg: 'rate limited by upstream, retry later' },
      { http_status: 500, msg: 'upstream error' },
      { http_status: 401, msg: 'request failed: invalid api key' },
    ]),
    retries: int(0, 3),
  });
}
exportArr.sort(byTime);

// ---------------------------------------------------------------------------------------------------
// 5. Session archives.
const sessionStart = Date.UTC(2026, 10, 20, 9, 12, 44);
const sessionLogs = [];
for (let i = 0; i < 9; i++) {
  const t = sessionStart + i * 95_000 + int(0, 60_000);
  sessionLogs.push({
    timestamp: iso(t),
    level: i % 4 === 3 ? 'WARN' : 'ERROR',
    target: 'vtcode_core::llm::providers::anthropic',
    message: i % 4 === 3
      ? 'Retrying after error: overloaded_error (attempt 2/3)'
      : pick([
          'Provider error: http 529: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
          'Provider error: http 429: {"type":"error","error":{"type":"rate_limit_error","message":"This request would exceed the rate limit for your organization of 50 requests per minute."}}',
          `Request to https://api.anthropic.com/v1/messages failed with Authorization: Bearer ${FAKE_BEARER}: connection reset by peer`,
        ]),
  });
}
const session = {
  metadata: {
    session_id: 'session-20261120T091244Z-3f2a',
    workspace_label: 'vtcode',
    workspace_path: '/home/dev/src/vtcode',
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    theme: 'ciapre-dark',
    reasoning_effort: 'medium',
  },
  started_at: iso(sessionStart),
  ended_at: iso(sessionStart + 20 * 60_000),
  total_messages: 42,
  distinct_tools: ['read_file', 'grep_file', 'edit_file'],
  transcript: ['> fix the failing test in vtcode-core', 'Reading vtcode-core/src/llm/mod.rs ...'],
  error_logs: sessionLogs,
};
const quietSession = {
  metadata: { session_id: 'session-20261119T201501Z-91bc', workspace_label: 'vtcode', provider: 'openai', model: 'gpt-5' },
  started_at: '2026-11-19T20:15:01Z',
  ended_at: '2026-11-19T20:31:44Z',
  total_messages: 12,
  transcript: ['> summarise the changelog'],
};

// ---------------------------------------------------------------------------------------------------
// 6. A trajectory, as VT Code's runloop logs it (LlmRetryMetricsRecord, ToolCatalogCacheRecord, ...).
const trajectory = [];
for (let i = 0; i < 36; i++) {
  const t = DAY1 + int(0, 2 * 86400 - 1) * 1000;
  const s = Math.floor(t / 1000);
  const model = pick(['claude-sonnet-4-5', 'gpt-5', 'gemini-2.5-pro', 'deepseek-chat']);
  const kind = i % 3;
  if (kind === 0) {
    trajectory.push({ _t: t, kind: 'tool_catalog_cache_metrics', turn: i, model, cache_hit: rand() < 0.8, plan_mode: false, request_user_input_enabled: true, available_tools: 23, stable_prefix_hash: 1234567890123 + i, tool_catalog_hash: 987654321 + i, prefix_change_reason: 'none', ts: s });
  } else if (kind === 1) {
    trajectory.push({ _t: t, kind: 'tool', turn: i, name: pick(['read_file', 'grep_file', 'run_pty_cmd']), status: 'ok', ts: s });
  } else {
    const mode = i % 4;
    const base = { _t: t, kind: 'llm_retry_metrics', turn: i, model, plan_mode: false, max_retries: 3, stream_fallback_used: false };
    if (mode === 0) trajectory.push({ ...base, attempts_made: 1, retries_used: 0, success: true, exhausted_retry_budget: false, last_error_retryable: null, last_error: null, ts: s });
    else if (mode === 1) trajectory.push({ ...base, attempts_made: 3, retries_used: 2, success: true, exhausted_retry_budget: false, last_error_retryable: true, last_error: 'Provider error: http 503: Service Unavailable', ts: s });
    else trajectory.push({ ...base, attempts_made: 3, retries_used: 2, success: false, exhausted_retry_budget: true, last_error_retryable: true, last_error: 'error sending request for url: operation timed out', ts: s });
  }
}
trajectory.sort(byTime);

// ---------------------------------------------------------------------------------------------------
rmSync(OUT, { recursive: true, force: true });
const write = (rel, content) => {
  const path = join(OUT, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
};
write('vtcode-errors.jsonl', flatLines.join('\n') + '\n');
write('tracing/vtcode.log', lines(tracing.map(strip)));
write('providers/raw-failures.jsonl', lines(raw.map(strip)));
write('providers/raw-failures-2026-11-19.jsonl.gz', gzipSync(Buffer.from(lines(rawGz.map(strip))), { level: 9 }));
write('exports/errors-export.json', JSON.stringify(exportArr.map(strip), null, 2) + '\n');
write('.vtcode/sessions/session-20261120T091244Z-3f2a.json', JSON.stringify(session, null, 2) + '\n');
write('.vtcode/sessions/session-20261119T201501Z-91bc.json', JSON.stringify(quietSession, null, 2) + '\n');
write('.vtcode/logs/trajectory.jsonl', lines(trajectory.map(strip)));
