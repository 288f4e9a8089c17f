import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  bodyMessage,
  classify,
  innerStatus,
  normaliseErrorType,
  redact,
  statusInText,
  type ClassifyInput,
} from '../src/classify/index.js';
import { ERROR_TYPES } from '../src/model.js';

interface Payload {
  name: string;
  provider: string;
  status: number | null;
  body: string | null;
  message: string | null;
  expected: string;
  subtype: string | null;
  retryable: 0 | 1;
}

const corpus: Payload[] = readFileSync(fileURLToPath(new URL('./fixtures/payloads.jsonl', import.meta.url)), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Payload);

const input = (status: number | null, body: string | null, ...messages: string[]): ClassifyInput => ({
  status,
  body,
  messages,
});

test('the corpus holds at least 70 real payloads from every provider family', () => {
  assert.ok(corpus.length >= 70, `only ${corpus.length} payloads`);
  const providers = new Set(corpus.map((p) => p.provider));
  for (const p of ['openai', 'anthropic', 'gemini', 'deepseek', 'openrouter', 'xai', 'mistral', 'ollama', 'zai', 'moonshot']) {
    assert.ok(providers.has(p), `no payload from ${p}`);
  }
  for (const p of corpus) assert.ok((ERROR_TYPES as readonly string[]).includes(p.expected), `${p.name}: bad expected`);
  assert.equal(new Set(corpus.map((p) => p.name)).size, corpus.length, 'payload names are unique');
});

test('every corpus payload gets its expected category, subtype and retryable', () => {
  const wrong: string[] = [];
  for (const p of corpus) {
    const got = classify(input(p.status, p.body, ...(p.message === null ? [] : [p.message])));
    const want = { errorType: p.expected, subtype: p.subtype, retryable: p.retryable };
    try {
      assert.deepEqual(got, want);
    } catch {
      wrong.push(`${p.name}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    }
  }
  assert.deepEqual(wrong, [], `${wrong.length}/${corpus.length} payloads misclassified`);
});

test('corpus payloads keep their category when the body arrives as the message instead', () => {
  // Ingest may hand the provider text over as `error`/`message` rather than `body`.
  for (const p of corpus.filter((q) => q.body !== null && q.message === null)) {
    const got = classify(input(p.status, null, p.body!));
    assert.equal(got.errorType, p.expected, p.name);
  }
});

// ---- rule order ----

test('rule 1: status 429 is a rate limit, throttled and retryable', () => {
  assert.deepEqual(classify(input(429, null)), { errorType: 'rate_limit', subtype: 'throttled', retryable: 1 });
});

test('rule 1: a quota marker with 429 is quota_exhausted, not retryable', () => {
  assert.deepEqual(classify(input(429, '{"error":{"message":"quota exceeded"}}')), {
    errorType: 'rate_limit',
    subtype: 'quota_exhausted',
    retryable: 0,
  });
});

test('rule 1 wins whatever the status: quota with 403 or 400, rate limit text with 500', () => {
  assert.equal(classify(input(403, 'organization exceeded current quota')).errorType, 'rate_limit');
  assert.equal(classify(input(400, 'quota exceeded for metric')).subtype, 'quota_exhausted');
  assert.equal(classify(input(500, 'upstream says: too many requests')).errorType, 'rate_limit');
  assert.equal(classify(input(null, 'Your credit balance is too low')).subtype, 'quota_exhausted');
});

test('rule 1 markers are DESIGN.md\'s plain substrings, whatever the status', () => {
  // The contract lists substrings; every implementation must agree, false positives included.
  assert.equal(classify(input(400, 'values must stay within moderate limits')).errorType, 'rate_limit');
  // ...but a negated mention counts for nothing (DESIGN.md §3, rule 1): it is not an empty balance.
  assert.equal(classify(input(403, 'Your input was flagged. No credits were charged.')).errorType, 'auth_error');
  assert.equal(classify(input(null, 'upstream timed out; not charged')).errorType, 'network_error');
  assert.equal(classify(input(402, 'Insufficient credits. Add more using https://openrouter.ai/credits')).subtype, 'quota_exhausted');
  assert.equal(classify(input(400, 'The board accredits nothing')).errorType, 'rate_limit'); // "ac-credits"
  assert.equal(classify(input(400, 'The board approved nothing')).errorType, 'client_error');
});

test('rule 2: 401 and 403 are auth errors; an auth marker counts with no status or another 4xx only', () => {
  assert.equal(classify(input(401, null)).errorType, 'auth_error');
  assert.equal(classify(input(403, null)).subtype, 'permission_denied');
  assert.deepEqual(classify(input(400, 'API key not valid. Please pass a valid API key.')), {
    errorType: 'auth_error',
    subtype: 'invalid_api_key',
    retryable: 0,
  });
  assert.equal(classify(input(null, 'Unauthorized')).errorType, 'auth_error');
  assert.equal(classify(input(500, 'authentication backend crashed')).errorType, 'server_error');
});

test('rule 0b: a 422 validation error list is a client error (invalid_request), whatever words it holds', () => {
  const invalid = { errorType: 'client_error', subtype: 'invalid_request', retryable: 0 };
  assert.deepEqual(classify(input(422, '{"detail":[{"type":"extra_forbidden","msg":"Extra inputs are not permitted"}]}')), invalid);
  assert.deepEqual(classify(input(422, '{"detail":[{"type":"missing","msg":"Field required"}]}')), invalid);
  // Mistral's, under `message`; and one escaped inside a message string.
  assert.deepEqual(classify(input(422, '{"object":"error","message":{"detail":[{"type":"extra_forbidden","loc":["body","safe_mode"]}]},"type":"invalid_request_error"}')), invalid);
  assert.deepEqual(classify({ status: 422, body: null, messages: ['http 422: "{\\"detail\\":[{\\"type\\":\\"value_error\\",\\"msg\\":\\"quota must be positive\\"}]}"'] }), invalid);
  // Not a validation list: the markers decide as before.
  assert.equal(classify(input(422, '{"detail":"forbidden for this key"}')).errorType, 'auth_error');
  assert.equal(classify(input(400, '{"detail":[{"type":"extra_forbidden"}]}')).errorType, 'auth_error', 'only a 422');
});

test('rule 2: an auth marker is a plain substring, also inside an identifier', () => {
  assert.equal(classify(input(400, '{"error":"extra_forbidden"}')).errorType, 'auth_error');
  assert.equal(classify(input(null, '403 Forbidden')).errorType, 'auth_error');
});

test('rule 3: status >= 500, with its subtypes', () => {
  const sub = (s: number, text: string | null = null) => classify(input(s, text)).subtype;
  assert.equal(sub(529), 'overloaded');
  assert.equal(sub(503), 'unavailable');
  assert.equal(sub(503, 'The model is overloaded.'), 'overloaded');
  assert.equal(sub(504), 'timeout');
  assert.equal(sub(502), 'bad_gateway');
  assert.equal(sub(500), 'internal');
  assert.equal(classify(input(504, 'upstream timeout')).errorType, 'server_error');
});

test('rule 3: with no status, a server marker; http 5NN in the text counts', () => {
  assert.deepEqual(classify(input(null, null, 'Provider error: http 502: upstream failed')), {
    errorType: 'server_error',
    subtype: 'internal',
    retryable: 1,
  });
  assert.equal(classify(input(null, null, 'Bad Gateway')).subtype, 'bad_gateway');
  assert.equal(classify(input(null, null, 'Gateway Timeout')).subtype, 'timeout');
});

test('rule 4: any other 4xx is a client error, with subtypes', () => {
  const c = (s: number, text: string | null = null) => classify(input(s, text));
  assert.deepEqual(c(400), { errorType: 'client_error', subtype: 'invalid_request', retryable: 0 });
  assert.equal(c(404).subtype, 'model_not_found');
  assert.equal(c(413).subtype, 'payload_too_large');
  assert.equal(c(400, 'prompt is too long: 215034 tokens > 200000 maximum').subtype, 'context_length_exceeded');
  assert.equal(c(400, 'content_filter').subtype, 'content_filtered');
  assert.equal(c(422).subtype, 'invalid_request');
  // a timeout word with a 4xx is still a client error: markers of rules 5 and 6 need no status
  assert.equal(c(408, 'request timeout').errorType, 'client_error');
});

test('rules 5 and 6 need no status; parse is tried before network', () => {
  assert.equal(classify(input(null, null, 'error decoding response body: expected value at line 1 column 1')).errorType, 'parse_error');
  assert.equal(classify(input(400, null, 'SyntaxError: Unexpected token < in JSON')).errorType, 'client_error');
  // both a parse and a network marker: rule 5 comes first
  assert.equal(classify(input(null, null, 'error decoding response body: operation timed out')).errorType, 'parse_error');
  assert.equal(classify(input(503, null, 'operation timed out')).errorType, 'server_error');
  const net = (m: string) => classify(input(null, null, m)).subtype;
  assert.equal(net('getaddrinfo ENOTFOUND api.openai.com'), 'dns');
  assert.equal(net('connect ETIMEDOUT 1.2.3.4:443'), 'timeout');
  assert.equal(net('certificate verify failed'), 'tls');
  assert.equal(net('read ECONNRESET'), 'connection');
});

test('rule 7: an error inside a 200 stream without markers is a server error; nothing at all is unknown', () => {
  assert.deepEqual(classify(input(200, '{"error":{"message":"something odd"}}')), {
    errorType: 'server_error',
    subtype: 'stream_error',
    retryable: 1,
  });
  assert.deepEqual(classify(input(null, null, 'something odd')), { errorType: 'unknown', subtype: null, retryable: 1 });
  assert.deepEqual(classify(input(null, null)), { errorType: 'unknown', subtype: null, retryable: 1 });
  // a status below 400 counts as no status for rules 1 to 6
  assert.equal(classify(input(200, '{"error":{"type":"overloaded_error","message":"Overloaded"}}')).subtype, 'overloaded');
  assert.equal(classify(input(200, 'rate limit exceeded')).errorType, 'rate_limit');
  // 0 is no HTTP status at all (some clients log it for transport failures)
  assert.equal(classify(input(0, null, 'something odd')).errorType, 'unknown');
});

test('markers are read from the body and every message, not just the first', () => {
  assert.equal(classify(input(null, null, 'request failed', 'while retrying', 'Rate limit reached')).errorType, 'rate_limit');
  assert.equal(classify(input(null, '{"error":{}}', 'attempt 3', 'connection refused')).errorType, 'network_error');
  assert.equal(classify(input(429, null, 'first', 'please check your plan and billing details')).subtype, 'quota_exhausted');
});

// ---- rule 0 ----

test('rule 0: the innermost error status wins (OpenRouter metadata.raw)', () => {
  const raw = JSON.stringify({ error: { code: 401, message: 'User not found.' } });
  const body = JSON.stringify({ error: { code: 502, message: 'Provider returned error', metadata: { raw } } });
  assert.equal(innerStatus(input(502, body)), 401);
  assert.equal(classify(input(502, body)).errorType, 'auth_error');
});

test('rule 0: an inner error without a status keeps the status around it', () => {
  const raw = JSON.stringify({ error: { message: 'exceeded current quota', type: 'exceeded_current_quota_error' } });
  const body = JSON.stringify({ error: { code: 429, message: 'Provider returned error', metadata: { raw } } });
  assert.equal(innerStatus(input(429, body)), 429);
  assert.equal(innerStatus(input(null, JSON.stringify({ error: { message: 'x' } }))), null);
  assert.equal(innerStatus(input(503, 'plain text')), 503);
});

test('rule 0: a message holding a JSON error, twice wrapped (gemini-cli)', () => {
  const inner = JSON.stringify({ error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } }, null, 2);
  const msg = JSON.stringify({ error: { message: inner, code: 500, status: 'Internal Server Error' } });
  assert.equal(innerStatus(input(null, null, msg)), 503);
  assert.equal(innerStatus(input(null, null, `Provider error: {"error":{"code":401,"message":"bad key"}}`)), 401);
});

test('rule 0: a text status like RESOURCE_EXHAUSTED is not a status; a 3-digit string is', () => {
  assert.equal(innerStatus(input(null, '{"error":{"code":"1113","status":"RESOURCE_EXHAUSTED"}}')), null);
  assert.equal(innerStatus(input(null, '{"error":{"code":"429","message":"x"}}')), 429);
  assert.equal(innerStatus(input(null, '{"error":{"code":"invalid_api_key"}}')), null);
  assert.equal(innerStatus(input(null, '{"code":0,"data":{}}')), null);
});

test('rule 0: within one string, the error nested in more braces wins', () => {
  const body = `{"status":500,"error":{"message":"Error code: 429 - {'error': {'code': 429}}"}}`;
  assert.equal(innerStatus(input(null, body)), 429);
});

test('rule 0: an error inside a 200 stream with its own code is classified by that code', () => {
  const body = 'data: {"id":"gen-1","error":{"code":429,"message":"Upstream busy"},"choices":[]}';
  assert.equal(innerStatus(input(200, body)), 429);
  assert.equal(classify(input(200, body)).errorType, 'rate_limit');
});

test('statusInText reads VT Code\'s http NNN', () => {
  assert.equal(statusInText('Provider error: http 503: Service Unavailable'), 503);
  assert.equal(statusInText('HTTP 429 Too Many Requests'), 429);
  assert.equal(statusInText('see https://api.openai.com/v1 for 404'), null);
  assert.equal(statusInText('http 5000'), null);
});

// ---- explicit error_type ----

test('normaliseErrorType maps the common spellings and rejects the rest', () => {
  const cases: [string, string | null][] = [
    ['rate_limit', 'rate_limit'], ['RateLimit', 'rate_limit'], ['rate-limit', 'rate_limit'], ['RATE_LIMIT', 'rate_limit'],
    ['RateLimitError', 'rate_limit'], ['rate limit', 'rate_limit'], ['AuthError', 'auth_error'], ['authentication_error', 'auth_error'],
    ['PermissionDenied', 'auth_error'], ['network', 'network_error'], ['NetworkError', 'network_error'], ['timeout', 'network_error'],
    ['APIConnectionError', 'network_error'], ['parse', 'parse_error'], ['JSONDecodeError', 'parse_error'], ['ServerError', 'server_error'],
    ['InternalServerError', 'server_error'], ['overloaded_error', 'server_error'], ['ClientError', 'client_error'],
    ['invalid_request_error', 'client_error'], ['BadRequest', 'client_error'], ['Unknown', 'unknown'], [' server_error ', 'server_error'],
    ['error', null], ['banana', null], ['', null],
  ];
  for (const [value, want] of cases) assert.equal(normaliseErrorType(value), want, value);
});

test('an explicit error_type wins; the subtype still comes from the markers', () => {
  assert.deepEqual(classify({ status: 500, body: null, messages: ['You exceeded your quota'], errorType: 'RateLimit' }), {
    errorType: 'rate_limit',
    subtype: 'quota_exhausted',
    retryable: 0,
  });
  assert.deepEqual(classify({ status: 503, body: null, messages: [], errorType: 'server' }), {
    errorType: 'server_error',
    subtype: 'unavailable',
    retryable: 1,
  });
  assert.deepEqual(classify({ status: null, body: null, messages: ['getaddrinfo EAI_AGAIN'], errorType: 'network_error' }), {
    errorType: 'network_error',
    subtype: 'dns',
    retryable: 1,
  });
  assert.equal(classify({ status: 429, body: null, messages: [], errorType: 'auth_error' }).errorType, 'auth_error');
  // an unrecognisable error_type falls back to the rules
  assert.equal(classify({ status: 429, body: null, messages: [], errorType: 'banana' }).errorType, 'rate_limit');
});

test('retryable: 0 for auth, client and quota exhaustion, 1 otherwise', () => {
  const r = (errorType: string, messages: string[] = []) => classify({ status: null, body: null, messages, errorType }).retryable;
  assert.equal(r('auth_error'), 0);
  assert.equal(r('client_error'), 0);
  assert.equal(r('rate_limit', ['insufficient balance']), 0);
  assert.equal(r('rate_limit'), 1);
  assert.equal(r('server_error'), 1);
  assert.equal(r('network_error'), 1);
  assert.equal(r('parse_error'), 1);
  assert.equal(r('unknown'), 1);
});

// ---- bodies ----

test('bodyMessage follows the order of DESIGN.md §9', () => {
  assert.equal(bodyMessage('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'), 'Overloaded');
  assert.equal(bodyMessage('{"object":"error","message":{"detail":[{"msg":"Extra inputs are not permitted"}]}}'), 'Extra inputs are not permitted');
  assert.equal(bodyMessage(`{"error":"model 'llama3' not found, try pulling it first"}`), "model 'llama3' not found, try pulling it first");
  assert.equal(bodyMessage('{"detail":"Unauthorized"}'), 'Unauthorized');
  assert.equal(bodyMessage('{"detail":[{"loc":["body"],"msg":"field required"}]}'), 'field required');
  assert.equal(bodyMessage('{"error":{"code":429,"status":"RESOURCE_EXHAUSTED"}}'), 'RESOURCE_EXHAUSTED');
  assert.equal(bodyMessage('{"message":"Requests rate limit exceeded","type":"rate_limited"}'), 'Requests rate limit exceeded');
  assert.equal(bodyMessage('[{"error":{"code":503,"message":"The model is overloaded."}}]'), 'The model is overloaded.');
  assert.equal(bodyMessage('data: {"error":{"code":"server_error","message":"Provider disconnected unexpectedly"}}'), 'Provider disconnected unexpectedly');
  // error.message before error.status, error.message before detail
  assert.equal(bodyMessage('{"error":{"message":"m","status":"S"},"detail":"d"}'), 'm');
  // OpenRouter keeps its generic error.message (documented choice)
  assert.equal(bodyMessage('{"error":{"message":"Provider returned error","code":429,"metadata":{"raw":"rate-limited upstream"}}}'), 'Provider returned error');
});

test('bodyMessage gives null when there is nothing to read', () => {
  assert.equal(bodyMessage('Service Unavailable'), null);
  assert.equal(bodyMessage('<html><body>502 Bad Gateway</body></html>'), null);
  assert.equal(bodyMessage('{"error":'), null);
  assert.equal(bodyMessage('{"ok":false}'), null);
  assert.equal(bodyMessage('"just a string"'), null);
  assert.equal(bodyMessage('{"error":{"message":""}}'), null);
});

test('bodyMessage reads every JSON body of the corpus to a message', () => {
  for (const p of corpus) {
    if (p.body === null || !p.body.trim().startsWith('{')) continue;
    const m = bodyMessage(p.body);
    assert.equal(typeof m, 'string', p.name);
    assert.ok(m!.length > 0, p.name);
  }
});

// ---- redaction ----

test('redact removes provider keys and keeps the text around them', () => {
  const cases: [string, string][] = [
    ['Incorrect API key provided: sk-proj-Ab12Cd34Ef56Gh78Ij90. You can find', 'Incorrect API key provided: [REDACTED]. You can find'],
    ['key sk-ant-api03-AbCdEf1234567890_xyz-ABC rejected', 'key [REDACTED] rejected'],
    ['using sk-or-v1-0123456789abcdef0123', 'using [REDACTED]'],
    ['x-goog-api-key AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW', 'x-goog-api-key [REDACTED]'],
    ['XAI_API_KEY=xai-AbCdEfGh12345678 set', 'XAI_API_KEY=[REDACTED] set'],
    ['groq gsk_AbCdEfGh1234567890 failed', 'groq [REDACTED] failed'],
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-nature', 'Authorization: Bearer [REDACTED]'],
    ['GET /v1beta/models/gemini-2.5-flash:generateContent?key=Abc123secret&alt=sse', 'GET /v1beta/models/gemini-2.5-flash:generateContent?key=[REDACTED]&alt=sse'],
    ['https://host/path?api_key=s3cr3t-value', 'https://host/path?api_key=[REDACTED]'],
    ['?apikey=12345678&access_token=ya29.a0AfH6SMB', '?apikey=[REDACTED]&access_token=[REDACTED]'],
    ['header x-api-key: abcd1234efgh5678 was sent', 'header x-api-key: [REDACTED] was sent'],
  ];
  for (const [text, want] of cases) assert.equal(redact(text), want, text);
});

test('redact leaves ordinary words and short fragments alone', () => {
  for (const text of [
    'task-force disk-usage risk-assessment-model desk-lamp',
    'Missing Bearer authentication in header',
    'invalid x-api-key',
    'API key not valid. Please pass a valid API key.',
    'Incorrect API key provided: sk-proj-********************abcd.',
    'max_tokens=4096 and monkey=banana',
    'the sk- prefix',
  ]) {
    assert.equal(redact(text), text);
  }
});

test('redact is idempotent and leaves no secret behind', () => {
  const secret = 'sk-proj-Zz9Yy8Xx7Ww6Vv5Uu4';
  const text = `POST ?key=${secret} with Bearer ${secret} and x-api-key: ${secret}`;
  const once = redact(text);
  assert.ok(!once.includes(secret.slice(3)), once);
  assert.equal(redact(once), once);
  assert.equal(once, 'POST ?key=[REDACTED] with Bearer [REDACTED] and x-api-key: [REDACTED]');
});

// ---- size ----

test('a 64 MB body: only its first 64 KiB are scanned', () => {
  const big = 'x'.repeat(64 * 1024 * 1024);
  const bodies = ['Rate limit exceeded ' + big, big + ' Rate limit exceeded', '{"error":{"code":503,"message":"' + big + '"}}'];
  for (const b of bodies) assert.ok(b.length > 64e6);
  const head = classify(input(null, bodies[0]!));
  const tail = classify(input(null, bodies[1]!));
  const nested = classify(input(200, bodies[2]!));
  assert.equal(head.errorType, 'rate_limit');
  assert.equal(tail.errorType, 'unknown'); // the marker lies past the scan window
  assert.equal(nested.subtype, 'unavailable');
});
