// The marker tables of DESIGN.md §3, as data. Each table is compiled once, at module load, into at most
// two RegExps (literals, patterns) tested against the lower-cased text of a record (never per call).
//
// A string entry is a literal substring. A RegExp entry is used where a bare substring gives known
// false positives in real payloads; the reason is written next to it.

export type Marker = string | RegExp;

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface MarkerSet {
  test(text: string): boolean;
}

/**
 * A whole table as one alternation of its literals and one of its patterns (entries are already lower
 * case): V8 scans a literal-only alternation about twice as fast as one mixed with patterns.
 */
export function compileMarkers(table: readonly Marker[]): MarkerSet {
  const alternation = (ms: readonly Marker[]) =>
    ms.length === 0 ? null : new RegExp(ms.map((m) => (typeof m === 'string' ? escape(m) : m.source)).join('|'));
  const literals = alternation(table.filter((m) => typeof m === 'string'));
  const patterns = alternation(table.filter((m) => typeof m !== 'string'));
  return { test: (text) => (literals !== null && literals.test(text)) || (patterns !== null && patterns.test(text)) };
}

// The category tables (RATE_LIMIT, QUOTA, AUTH, SERVER, PARSE, NETWORK) are DESIGN.md's lists to the
// letter, plain substrings, so that every implementation of the contract classifies alike. The two
// false positives the contract itself rules out (a 422 validation list, a negated "no credits were
// charged") are handled in classify.ts, before the tables. The PROVIDER_* tables further down add the
// providers' own codes (the long tail); scripts/oracle.py holds the same ones. The subtype tables at
// the end are ours to refine.

// Rule 1: rate limits.
export const RATE_LIMIT: readonly Marker[] = [
  'rate limit', // also "rate limited"
  'rate_limit',
  'rate-limit',
  'ratelimit',
  'too many requests',
  'resource_exhausted',
  'resource exhausted',
  'resource has been exhausted',
  'throttl',
  'slow down',
  'concurrency limit',
  'usage limit',
  'daily call limit',
];

// Rule 1, quota/billing markers (subtype quota_exhausted).
export const QUOTA: readonly Marker[] = [
  'quota',
  'insufficient_quota',
  'billing',
  'credit balance',
  'credits',
  'insufficient balance',
  'payment required',
  'package has expired',
];

// Rule 2: auth.
export const AUTH: readonly Marker[] = [
  'invalid api key',
  'incorrect api key',
  'api key not valid',
  'api_key_invalid',
  'invalid_api_key',
  'invalid x-api-key',
  'authentication',
  'unauthenticated',
  'unauthorized',
  'invalid credentials',
  'permission denied',
  'permission_denied',
  'forbidden',
];

// Rule 3: server errors when there is no status.
export const SERVER: readonly Marker[] = [
  'overloaded',
  'service unavailable',
  'internal server error',
  'server error',
  'server_error',
  'bad gateway',
  'gateway timeout',
  /http 5\d\d/,
];

// Rule 5: parse errors (no status).
export const PARSE: readonly Marker[] = [
  'failed to parse',
  'error parsing',
  'parse error',
  'invalid json',
  'is not valid json',
  'unexpected end of json',
  'unexpected token',
  'unexpected non-whitespace character',
  'expected value',
  'expecting value',
  'jsondecodeerror',
  'eof while parsing',
  'error decoding response body',
  'syntaxerror',
];

// Rule 6: network errors (no status).
export const NETWORK: readonly Marker[] = [
  'network error', 'error sending request', 'error trying to connect', 'connection refused',
  'connection reset', 'connection closed', 'connection error', 'peer closed connection', 'socket',
  'broken pipe', 'econnrefused', 'econnreset', 'enotfound', 'eai_again', 'etimedout', 'fetch failed',
  'headers timeout', 'und_err', 'dns', 'tls', 'ssl', 'certificate', 'timed out', 'timeout',
];

// ---- Provider codes (issue 13): each provider's own billing, throttling and error codes, from its
// documentation, one URL per provider group. They extend the DESIGN.md tables above, category by category.

// Numeric codes match only as the value of the provider's own code field, never as a bare number:
// Z.AI / Zhipu `{"error":{"code":"1113",...}}` (`"type":"1113"` in its Anthropic-compatible API),
// https://docs.z.ai/api-reference/api-code, https://docs.bigmodel.cn/cn/api/api-code ;
// MiniMax `"base_resp":{"status_code":1008,...}`, or the `insufficient balance (1008)` its compatible
// APIs write, https://platform.minimax.io/docs/api-reference/errorcode .
type CodeMeaning = 'throttled' | 'quota' | 'key' | 'permission' | 'server' | 'context' | 'content' | 'model' | 'invalid';
interface CodeTable {
  /** The JSON keys the provider writes its code under. */
  keys: readonly string[];
  /** The code also counts as a `(1008)` suffix of a message. */
  suffix: boolean;
  codes: Partial<Record<CodeMeaning, readonly number[]>>;
}
export const ZAI_CODES: CodeTable = {
  keys: ['code', 'type'],
  suffix: false,
  codes: {
    throttled: [1302, 1303, 1304, 1305, 1308, 1310, 1312, 1313], // concurrency, frequency, daily, usage windows
    quota: [1113, 1309], // arrears / no resource package; coding plan expired
    permission: [1220, 1311],
    context: [1261], // prompt too long
    content: [1301], // unsafe content
    model: [1211, 1222],
    invalid: [1210, 1213, 1214, 1215],
  },
};
export const MINIMAX_CODES: CodeTable = {
  keys: ['status_code'],
  suffix: true,
  codes: {
    throttled: [1002, 1039, 1041, 2045, 2056], // rate, token (TPM), connection, growth, 5-hour usage limits
    quota: [1008], // insufficient balance
    key: [1004, 2049],
    server: [1000, 1001, 1024, 1033],
    content: [1026, 1027], // input / output new_sensitive
    invalid: [1042, 2013],
  },
};

/** The codes of one meaning, as markers (`"code": "1302"`, `'status_code': 1002`, quotes perhaps escaped). */
function codes(meaning: CodeMeaning): Marker[] {
  const out: Marker[] = [];
  for (const t of [ZAI_CODES, MINIMAX_CODES]) {
    const list = t.codes[meaning];
    if (!list) continue;
    const alt = list.join('|');
    out.push(new RegExp(String.raw`["'](?:${t.keys.join('|')})\\*["']\s*:\s*\\*["']?(?:${alt})(?![\d.])`));
    // the suffix ends its message: `closed (1008): policy violation` (a WebSocket close code) is no MiniMax code
    if (t.suffix) out.push(new RegExp(String.raw`[a-z)] \((?:${alt})\)(?![^"'\\\s])`));
  }
  return out;
}

// Zhipu's stream ends with `"finish_reason":"sensitive"` when its content filter stops it.
const ZAI_SENSITIVE = /finish_reason\\*["']\s*:\s*\\*["']sensitive/;

// Rule 1, rate limits.
export const PROVIDER_RATE_LIMIT: readonly Marker[] = [
  // DashScope (Throttling.RateQuota/BurstRate carry "throttl"): the compatible API's RPM and burst messages,
  // https://www.alibabacloud.com/help/en/model-studio/rate-limit
  'exceeded your current requests list', 'rate increased too quickly',
  // Groq 498 `capacity_exceeded` (flex tier full, retry later), https://console.groq.com/docs/errors ; Mistral's
  // 429 `service_tier_capacity_exceeded`.
  'capacity_exceeded',
  // Zhipu's Chinese 1302/1303: concurrency / frequency too high.
  '并发数过高', '频率过高',
  ...codes('throttled'),
];

// Rule 1, quota/billing (subtype quota_exhausted).
export const PROVIDER_QUOTA: readonly Marker[] = [
  // DashScope `Arrearage`: "Access denied, please make sure your account is in good standing."
  // https://www.alibabacloud.com/help/en/model-studio/error-code
  'arrearage', 'account is in good standing',
  // Zhipu: insufficient balance, arrears.
  '余额不足', '欠费',
  ...codes('quota'),
];

// Rule 2, auth.
export const PROVIDER_AUTH: readonly Marker[] = [
  'invalid api-key', 'invalidapikey', // DashScope `InvalidApiKey`: "Invalid API-key provided."
  'invalid subscription key', // Azure OpenAI 401, https://learn.microsoft.com/azure/ai-services/openai/reference
  'invalid api token', // Cohere 401, https://docs.cohere.com/reference/errors
  // Bedrock / AWS: AccessDeniedException, UnrecognizedClientException, ExpiredTokenException,
  // https://docs.aws.amazon.com/bedrock/latest/APIReference/CommonErrors.html ; DashScope `AccessDenied`.
  'accessdenied', 'access denied', 'unrecognizedclientexception', 'expiredtokenexception',
  'security token included in the request is', 'invalidsignatureexception',
  ...codes('key'), ...codes('permission'),
];

// Rule 3, server errors when there is no status.
export const PROVIDER_SERVER: readonly Marker[] = [
  // Bedrock runtime: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModel.html
  'serviceunavailable', 'internalserverexception', 'modelnotreadyexception', 'modeltimeoutexception',
  'modelerrorexception', 'modelstreamerrorexception',
  'internalerror', // DashScope `InternalError`, `InternalError.Algo`
  'enginedeaderror', // vLLM's engine died (EngineDeadError, AsyncEngineDeadError)
  // llama.cpp server: `{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}`,
  // https://github.com/ggml-org/llama.cpp/tree/master/tools/server
  'unavailable_error', 'loading model',
  ...codes('server'),
];

// Rule 4b, client errors when there is no status: a provider's own client-error codes and names, which
// say what went wrong without an HTTP status (a boto3 `An error occurred (ValidationException) ...`).
export const PROVIDER_CLIENT: readonly Marker[] = [
  'validationexception', 'resourcenotfoundexception', // Bedrock
  'datainspectionfailed', 'data_inspection_failed', 'invalidparameter', 'modelnotfound', // DashScope
  'deploymentnotfound', 'responsibleaipolicyviolation', 'content_filter', // Azure OpenAI
  'context_length_exceeded', 'model_not_found', 'maximum context length', 'prompt is too long', // OpenAI-style, vLLM, Anthropic
  'exceed_context_size_error', // llama.cpp
  'new_sensitive', // MiniMax 1026/1027 status_msg
  ZAI_SENSITIVE,
  ...codes('context'), ...codes('content'), ...codes('model'), ...codes('invalid'),
];

// Rule 5, parse errors: a transport error while reading a body (hyper, under reqwest's "error decoding
// response body"), V8's and Python's JSON messages, serde_json's and Python's `line 1 column 120`.
export const PROVIDER_PARSE: readonly Marker[] = [
  'error reading a body from connection', 'in json at position', 'unterminated string', /line \d+ column \d+/,
];

// Rule 6, network errors: botocore's (Bedrock) failure to connect.
export const PROVIDER_NETWORK: readonly Marker[] = ['endpointconnectionerror', 'could not connect to the endpoint url'];

// Subtypes. Tested only once the category is known.

// Rate limits: a per-window limit is throttled even when the text also names a quota or billing (Groq and
// OpenAI link their billing page from a TPM limit, DashScope's RPM limit is `Throttling.RateQuota` and its
// TPM limit "Allocated quota exceeded", Azure's links "quotaincrease", Bedrock's service quotas can be
// resubmitted later); else a billing marker means quota_exhausted.
export const THROTTLE_WINDOW: readonly Marker[] = [
  'tokens per min', 'requests per min', 'tokens per day', 'requests per day', /(?<!free )allocated quota exceeded/,
  'rate limit of your current', 'servicequotaexceededexception', 'throttling.ratequota',
];
// Billing phrases outside the category lists: Anthropic's and xAI's spend limits, Zhipu's resource
// package, Cohere's monthly trial allowance ("limited to 1000 API calls / month").
export const QUOTA_SUBTYPE_EXTRA: readonly Marker[] = [
  '资源包', 'spend_limit', 'spend limit', 'spending limit', 'api calls / month',
];

export const OVERLOAD: readonly Marker[] = ['overload', 'high demand', 'at capacity', 'over capacity'];
export const SERVER_UNAVAILABLE: readonly Marker[] = ['service unavailable', 'unavailable', 'loading model', 'modelnotready'];
export const SERVER_TIMEOUT: readonly Marker[] = ['gateway timeout', 'timeout', 'timed out', 'deadline'];
export const SERVER_BAD_GATEWAY: readonly Marker[] = ['bad gateway', 'bad_gateway'];

export const NET_DNS: readonly Marker[] = [
  'dns', 'enotfound', 'eai_again', 'getaddrinfo', 'failed to lookup address', 'name or service not known',
  'nodename nor servname', 'name resolution', 'no such host',
];
export const NET_TIMEOUT: readonly Marker[] = ['timed out', 'timeout', 'etimedout', 'deadline'];
export const NET_TLS: readonly Marker[] = ['tls', 'ssl', 'certificate', 'handshake'];

export const CONTEXT_LENGTH: readonly Marker[] = [
  'context_length_exceeded', 'context length', 'context window', 'maximum context', 'prompt is too long',
  'too many tokens', 'input is too long', 'exceeds the maximum number of tokens', 'input token count',
  'reduce the length',
  // llama.cpp, DashScope, vLLM (a negative max_tokens is vLLM's prompt overflowing the model length)
  'exceed_context_size_error', 'exceeds the available context size', 'range of input length should be',
  'is too long and exceeds limit', 'longer than the maximum model length', /max_tokens must be at least 1, got -\d/,
  ...codes('context'),
];
export const PAYLOAD_TOO_LARGE: readonly Marker[] = [
  'request_too_large', 'request too large', 'entity too large', 'payload too large', 'exceeds the maximum size',
];
export const CONTENT_FILTERED: readonly Marker[] = [
  'content_filter', 'content filter', 'content policy', 'content management policy', 'moderation', 'flagged',
  'safety', 'prohibited_content', 'blocked',
  'datainspectionfailed', 'data_inspection_failed', 'inappropriate content', 'responsibleaipolicyviolation',
  'new_sensitive', '敏感内容', ZAI_SENSITIVE, ...codes('content'),
];
export const MODEL_NOT_FOUND: readonly Marker[] = [
  'model_not_found', 'model not found', 'does not exist', 'not found, try pulling', 'is not found for api version',
  'no such model', 'unknown model', 'invalid model', 'no endpoints found',
  'deploymentnotfound', 'resourcenotfoundexception', 'model identifier is invalid', 'modelnotfound', 'model not exist',
  ...codes('model'),
];

// A key that is plainly wrong wins over permission words in the same text (Azure's 401 "Access denied due
// to invalid subscription key", logged with `PermissionDenied`).
export const AUTH_BAD_KEY: readonly Marker[] = [
  'invalid api key', 'incorrect api key', 'api key not valid', 'api_key_invalid', 'invalid_api_key', 'invalid x-api-key',
  'invalid api-key', 'invalidapikey', 'invalid subscription key', 'invalid api token', 'unrecognizedclientexception',
  'expiredtokenexception', 'security token included in the request is', 'invalidsignatureexception', ...codes('key'),
];
export const AUTH_PERMISSION: readonly Marker[] = [
  'permission', /(?<![a-z_])forbidden/, 'access denied', 'accessdenied', 'not allowed', ...codes('permission'),
];
export const AUTH_KEY: readonly Marker[] = [
  'api key', 'api_key', 'apikey', 'x-api-key', 'authentication', 'unauthenticated', 'credentials', 'api token',
];

/** Every table above, compiled once. */
export const RE = {
  rateOrQuota: compileMarkers([...RATE_LIMIT, ...QUOTA, ...PROVIDER_RATE_LIMIT, ...PROVIDER_QUOTA]),
  throttleWindow: compileMarkers(THROTTLE_WINDOW),
  quotaSubtype: compileMarkers([...QUOTA, ...PROVIDER_QUOTA, ...QUOTA_SUBTYPE_EXTRA]),
  auth: compileMarkers([...AUTH, ...PROVIDER_AUTH]),
  server: compileMarkers([...SERVER, ...PROVIDER_SERVER]),
  client: compileMarkers(PROVIDER_CLIENT),
  parse: compileMarkers([...PARSE, ...PROVIDER_PARSE]),
  network: compileMarkers([...NETWORK, ...PROVIDER_NETWORK]),
  overload: compileMarkers(OVERLOAD),
  serverUnavailable: compileMarkers(SERVER_UNAVAILABLE),
  serverTimeout: compileMarkers(SERVER_TIMEOUT),
  serverBadGateway: compileMarkers(SERVER_BAD_GATEWAY),
  netDns: compileMarkers(NET_DNS),
  netTimeout: compileMarkers(NET_TIMEOUT),
  netTls: compileMarkers(NET_TLS),
  contextLength: compileMarkers(CONTEXT_LENGTH),
  payloadTooLarge: compileMarkers(PAYLOAD_TOO_LARGE),
  contentFiltered: compileMarkers(CONTENT_FILTERED),
  modelNotFound: compileMarkers(MODEL_NOT_FOUND),
  authBadKey: compileMarkers(AUTH_BAD_KEY),
  authPermission: compileMarkers(AUTH_PERMISSION),
  authKey: compileMarkers(AUTH_KEY),
} as const;
