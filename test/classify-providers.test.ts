// The long tail of classification (issue 13, item 6): the providers' own billing, throttling and error
// codes (DashScope, Z.AI, MiniMax, Bedrock, Azure OpenAI, Groq, Cohere, vLLM, llama.cpp), and the
// parse_error rules for a body inside a 200 stream that is cut short or not JSON. Payloads are the
// providers' documented or reported shapes (sources in src/classify/markers.ts).
//
// The end-to-end test runs the compiled CLI: npx tsc -p tsconfig.json first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { classify, isJsonBody, type Classification } from '../src/classify/index.js';
import { analyzeApi, ROOT, rowsFrom, tmpDir, writeFixture } from './helpers.js';

type Want = [errorType: string, subtype: string | null, retryable: 0 | 1];

/** Classify a status, a body and messages; compare with [type, subtype, retryable]. */
function check(name: string, status: number | null, body: string | null, messages: string[], want: Want) {
  const got: Classification = classify({ status, body, messages });
  assert.deepEqual([got.errorType, got.subtype, got.retryable], want, `${name}: got ${JSON.stringify(got)}`);
}
const json = (v: unknown) => JSON.stringify(v);

const THROTTLED: Want = ['rate_limit', 'throttled', 1];
const QUOTA: Want = ['rate_limit', 'quota_exhausted', 0];

test('DashScope (Qwen): throttling, allocation quota, arrears, key, moderation, input length', () => {
  check('RateQuota', 429, json({ code: 'Throttling.RateQuota', message: 'Requests rate limit exceeded, please try again later.', request_id: 'b3f1' }), [], THROTTLED);
  // the compatible API's RPM message carries no DESIGN.md marker
  check('requests list, no status', null, null, ['Error code: You exceeded your current requests list.'], THROTTLED);
  check('BurstRate, no status', null, null, ['Request rate increased too quickly.'], THROTTLED);
  // AllocationQuota is a tokens-per-minute allocation: throttled, though it says "quota"; the free one is spent
  check('AllocationQuota', 429, json({ code: 'Throttling.AllocationQuota', message: 'Allocated quota exceeded, please increase your quota limit.' }), [], THROTTLED);
  check('free AllocationQuota', 429, json({ code: 'Throttling.AllocationQuota', message: 'Free allocated quota exceeded.' }), [], QUOTA);
  // Java SDK: the HTTP status only inside the message (rule 0); "Access denied" must not make it auth
  check('Arrearage', null, null, [json({ statusCode: 400, message: 'Access denied, please make sure your account is in good standing.', code: 'Arrearage', isJson: true, requestId: '8af5' })], QUOTA);
  check('Arrearage, compatible API', 400, json({ error: { code: 'Arrearage', param: null, message: 'Access denied, please make sure your account is in good standing.', type: 'Arrearage' } }), [], QUOTA);
  check('InvalidApiKey, no status', null, null, [json({ code: 'InvalidApiKey', message: 'Invalid API-key provided.', request_id: 'c1' })], ['auth_error', 'invalid_api_key', 0]);
  check('DataInspectionFailed', 400, json({ code: 'DataInspectionFailed', message: 'Input data may contain inappropriate content.', request_id: 'd2' }), [], ['client_error', 'content_filtered', 0]);
  check('DataInspectionFailed, python repr, no status', null, null, ["dashscope error: {'code': 'DataInspectionFailed', 'message': 'Output data may contain inappropriate content.'}"], ['client_error', 'content_filtered', 0]);
  check('InternalError, no status', null, null, [json({ code: 'InternalError.Algo', message: 'An internal error has occured, please try again later or contact service support.' })], ['server_error', 'internal', 1]);
  check('ModelNotFound, no status', null, null, [json({ code: 'ModelNotFound', message: 'Model not exist.' })], ['client_error', 'model_not_found', 0]);
  check('input length', 400, json({ code: 'InvalidParameter', message: 'Range of input length should be [1, 30720]', request_id: 'e3' }), [], ['client_error', 'context_length_exceeded', 0]);
});

test('Z.AI / Zhipu: numeric codes count in the code field only', () => {
  const body = (code: string, message: string) => json({ error: { code, message } });
  check('1302 no status', null, null, [body('1302', 'High concurrency usage of this API, please reduce concurrency or contact customer service to increase limits')], THROTTLED);
  check('1303 in a 200 stream', 200, `data: ${body('1303', '您当前使用该API的频率过高，请降低频率，或联系客服增加限额')}`, [], THROTTLED);
  check('1305', null, null, [body('1305', 'Too many API requests at the moment, please try again later')], THROTTLED);
  check('1113 in a 200 stream', 200, `data: ${body('1113', '您的账户已欠费，请充值后重试')}`, [], QUOTA);
  check('1113 english, python repr', null, null, ["zhipuai.core._errors.APIReachLimitError: Error code: 429, with error text {'error': {'code': '1113', 'message': 'Your account is in arrears'}}"], QUOTA);
  check('1309 anthropic format', null, null, [json({ type: 'error', error: { type: '1309', message: 'Your GLM Coding Plan package has expired' } })], QUOTA);
  check('1261', 400, body('1261', 'Prompt 超长'), [], ['client_error', 'context_length_exceeded', 0]);
  check('1261 no status', null, null, [body('1261', 'Prompt too long')], ['client_error', 'context_length_exceeded', 0]);
  check('1301 no status', null, null, [body('1301', '系统检测到输入或生成内容可能包含不安全或敏感内容，请您避免输入易产生敏感内容的提示语，感谢您的配合。')], ['client_error', 'content_filtered', 0]);
  check('1211 no status', null, null, [body('1211', 'Unknown Model, please check the model code.')], ['client_error', 'model_not_found', 0]);
  // the stream's own end: finish_reason "sensitive" is the content filter
  check('finish_reason sensitive', 200, 'data: {"id":"2025","choices":[{"index":0,"finish_reason":"sensitive","delta":{"role":"assistant","content":""}}]}', [], ['client_error', 'content_filtered', 0]);
  // a bare number, another key, a longer number: no marker
  check('bare number', null, null, ['retry 1113 of 2000 skipped'], ['unknown', null, 1]);
  check('other key', null, null, [json({ id: '1302', request_id: '1113' })], ['unknown', null, 1]);
  check('longer number', null, null, [json({ error: { code: '11130', message: 'x' } })], ['unknown', null, 1]);
  // Z.AI's codes are not MiniMax's: 1113 under status_code, 1002 under code mean nothing
  check('crossed keys', null, null, [json({ base_resp: { status_code: 1113 }, error: { code: 1002 } })], ['unknown', null, 1]);
});

test('MiniMax: base_resp.status_code (an HTTP 200) and the "(1008)" suffix', () => {
  const base = (status_code: number, status_msg: string) => json({ id: '0601', choices: null, base_resp: { status_code, status_msg } });
  check('1039 token limit', 200, base(1039, 'token limit'), [], THROTTLED);
  check('1002 rate limit', 200, base(1002, 'rate limit exceeded(RPM)'), [], THROTTLED);
  check('1008 balance', 200, base(1008, 'insufficient balance'), [], QUOTA);
  check('1004 key', 200, base(1004, 'token not match group'), [], ['auth_error', 'invalid_api_key', 0]);
  check('1026 sensitive input', 200, base(1026, 'input new_sensitive'), [], ['client_error', 'content_filtered', 0]);
  check('2013 invalid params', 200, base(2013, 'invalid params'), [], ['client_error', 'invalid_request', 0]);
  check('1033 system error', null, null, ['API Error: ' + json({ type: 'error', error: { type: 'api_error', message: 'system error (1033)' } })], ['server_error', 'internal', 1]);
  check('1041 suffix', null, null, [json({ type: 'error', error: { type: 'api_error', message: 'conn limit (1041)' } })], THROTTLED);
  // the Anthropic-compatible API says 500 for an empty balance: the marker wins whatever the status
  check('1008 at 500', 500, json({ type: 'error', error: { type: 'api_error', message: 'insufficient balance (1008)' }, request_id: '0599' }), [], QUOTA);
  // a WebSocket close code is no MiniMax suffix
  check('close code', null, null, ['stream closed (1008): going away'], ['unknown', null, 1]);
});

test('Bedrock: the runtime exceptions, as boto3 and the JS SDK write them', () => {
  const op = (name: string, msg: string) => `An error occurred (${name}) when calling the InvokeModel operation: ${msg}`;
  check('ThrottlingException', null, null, [op('ThrottlingException', 'Too many requests, please wait before trying again.')], THROTTLED);
  check('ServiceQuotaExceededException', null, null, [op('ServiceQuotaExceededException', 'Your request exceeds the service quota for your account. You can resubmit your request later.')], THROTTLED);
  check('ValidationException', null, null, [op('ValidationException', 'Input is too long for requested model.')], ['client_error', 'context_length_exceeded', 0]);
  check('ValidationException, model id', null, null, [op('ValidationException', 'The provided model identifier is invalid.')], ['client_error', 'model_not_found', 0]);
  check('AccessDeniedException', null, null, [op('AccessDeniedException', "You don't have access to the model with the specified model ID.")], ['auth_error', 'permission_denied', 0]);
  check('UnrecognizedClientException', null, null, [op('UnrecognizedClientException', 'The security token included in the request is invalid.')], ['auth_error', 'invalid_api_key', 0]);
  check('ModelNotReadyException', null, null, [op('ModelNotReadyException', 'Model is not ready for inference. Wait and try your request again.')], ['server_error', 'unavailable', 1]);
  // "timed out" is a network marker, but the model timed out on the server: rule 3 comes first
  check('ModelTimeoutException', null, null, [op('ModelTimeoutException', 'Model has timed out in processing the request.')], ['server_error', 'timeout', 1]);
  check('serviceUnavailableException', null, null, ['EventStreamError: An error occurred (serviceUnavailableException) when calling the InvokeModelWithResponseStream operation: Bedrock is unable to process your request.'], ['server_error', 'unavailable', 1]);
  check('InvalidSignatureException', null, null, [op('InvalidSignatureException', 'The request signature we calculated does not match the signature you provided.')], ['auth_error', 'invalid_api_key', 0]);
  check('EndpointConnectionError', null, null, ['botocore.exceptions.EndpointConnectionError: Could not connect to the endpoint URL: "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-haiku/invoke"'], ['network_error', 'connection', 1]);
  check('JS SDK 429', null, null, [json({ name: 'ThrottlingException', $fault: 'client', message: 'Too many tokens, please wait before trying again.' })], THROTTLED);
});

test('Azure OpenAI: call and token rate limits, a bad subscription key, deployments, content filter', () => {
  const rl = 'Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-02-15-preview have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 6 seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.';
  // "quotaincrease" must not make a per-minute limit an exhausted quota
  check('token rate limit', 429, json({ error: { code: '429', message: rl } }), [], THROTTLED);
  const key = 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.';
  check('401 subscription key', 401, json({ error: { code: '401', message: key } }), [], ['auth_error', 'invalid_api_key', 0]);
  check('401 .NET SDK, no status', null, null, [`Azure.RequestFailedException: ${key}\nStatus: 401 (PermissionDenied)\nErrorCode: 401`], ['auth_error', 'invalid_api_key', 0]);
  const dep = { error: { code: 'DeploymentNotFound', message: 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.' } };
  check('DeploymentNotFound', 404, json(dep), [], ['client_error', 'model_not_found', 0]);
  check('DeploymentNotFound, no status', null, null, [json(dep)], ['client_error', 'model_not_found', 0]);
  const cf = { error: { message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.", type: null, param: 'prompt', code: 'content_filter', status: 400, innererror: { code: 'ResponsibleAIPolicyViolation', content_filter_result: { hate: { filtered: true, severity: 'high' } } } } };
  check('content_filter', null, null, [json(cf)], ['client_error', 'content_filtered', 0]);
});

test('Groq: tokens per minute with a billing link is throttled; 498 capacity_exceeded; 413 request_too_large', () => {
  const tpm = { error: { message: 'Rate limit reached for model `llama-3.3-70b-versatile` in organization `org_01j5b4` service tier `on_demand` on tokens per minute (TPM): Limit 6000, Used 5034, Requested 1443. Please try again in 4.77s. Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing', type: 'tokens', code: 'rate_limit_exceeded' } };
  check('429 TPM', 429, json(tpm), [], THROTTLED);
  check('429 TPD', 429, json({ error: { ...tpm.error, message: tpm.error.message.replace('tokens per minute (TPM)', 'tokens per day (TPD)') } }), [], THROTTLED);
  // DESIGN.md rule 1: a rate-limit marker wins whatever the status
  const big = { error: { message: 'Request too large for model `llama-3.1-8b-instant` in organization `org_01` service tier `on_demand` on tokens per minute (TPM): Limit 6000, Requested 12328, please reduce your message size and try again.', type: 'tokens', code: 'rate_limit_exceeded' } };
  check('413 over the TPM limit', 413, json(big), [], THROTTLED);
  check('413 request_too_large', 413, json({ error: { message: 'Request Entity Too Large', type: 'invalid_request_error', code: 'request_too_large' } }), [], ['client_error', 'payload_too_large', 0]);
  check('498 flex tier', 498, json({ error: { message: 'Flex tier capacity exceeded. Please try again later.', type: 'capacity_exceeded', code: 'capacity_exceeded' } }), [], THROTTLED);
});

test('Cohere: trial key limits per minute and per month, a bad token', () => {
  const trial = (per: string) => `cohere.errors.too_many_requests_error.TooManyRequestsError: status_code: 429, body: {'message': "You are using a Trial key, which is limited to ${per}. You can continue to use the Trial key for free or upgrade to a Production key with higher rate limits at 'https://dashboard.cohere.com/api-keys'."}`;
  check('per minute', null, null, [trial('10 API calls / minute')], THROTTLED);
  check('per month', null, null, [trial('1000 API calls / month')], QUOTA);
  check('401 token', null, null, [json({ message: 'invalid api token' })], ['auth_error', 'invalid_api_key', 0]);
});

test('vLLM and llama.cpp servers: context overflow, loading', () => {
  check('vLLM 400', 400, json({ object: 'error', message: "This model's maximum context length is 2048 tokens. However, you requested 11352 tokens (11320 in the messages, 32 in the completion). Please reduce the length of the messages or completion.", type: 'BadRequestError', param: null, code: 400 }), [], ['client_error', 'context_length_exceeded', 0]);
  check('vLLM server log, no status', null, null, ["ValueError: This model's maximum context length is 16384 tokens. However, you requested 122946 tokens (112946 in the messages, 10000 in the completion)."], ['client_error', 'context_length_exceeded', 0]);
  check('vLLM negative max_tokens', 400, json({ object: 'error', message: 'max_tokens must be at least 1, got -186.', type: 'BadRequestError', param: null, code: 400 }), [], ['client_error', 'context_length_exceeded', 0]);
  check('vLLM prompt limit', 400, json({ object: 'error', message: 'Input prompt (35247 tokens) is too long and exceeds limit of 1000', type: 'BadRequestError', code: 400 }), [], ['client_error', 'context_length_exceeded', 0]);
  check('vLLM max_tokens positive', 400, json({ object: 'error', message: 'max_tokens must be at least 1, got 0.', type: 'BadRequestError', code: 400 }), [], ['client_error', 'invalid_request', 0]);
  check('vLLM engine dead, no status', null, null, ['vllm.v1.engine.exceptions.EngineDeadError: EngineCore encountered an issue. See stack trace (above) for the root cause.'], ['server_error', 'internal', 1]);
  const ctx = { error: { code: 400, message: 'request (4476 tokens) exceeds the available context size (4096 tokens)', type: 'exceed_context_size_error', n_prompt_tokens: 4476, n_ctx: 4096 } };
  check('llama.cpp context', 400, json(ctx), [], ['client_error', 'context_length_exceeded', 0]);
  check('llama.cpp context, no status', null, null, [json({ error: { message: 'the request exceeds the available context size, try increasing it', type: 'exceed_context_size_error' } })], ['client_error', 'context_length_exceeded', 0]);
  check('llama.cpp loading', 503, json({ error: { code: 503, message: 'Loading model', type: 'unavailable_error' } }), [], ['server_error', 'unavailable', 1]);
  check('llama.cpp loading, no code', null, null, [json({ error: { message: 'Loading model', type: 'unavailable_error' } })], ['server_error', 'unavailable', 1]);
});

test('a 200 body cut short or not the JSON it claims to be is a parse_error; a well-formed one stays rule 7', () => {
  const PARSE: Want = ['parse_error', null, 1];
  check('cut short', 200, '{"id":"chatcmpl-9","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hel', [], PARSE);
  check('html', 200, '<!DOCTYPE html><html><head><title>Just a moment...</title></head><body></body></html>', [], PARSE);
  check('empty', 200, '', [], PARSE);
  const ok = 'data: {"id":"gen-1","choices":[{"delta":{"content":"Hi"}}]}\n\n';
  check('last event cut short', 200, `${ok}data: {"id":"gen-1","choices":[{"delta":{"content":"wor`, [], PARSE);
  check('a status in the body is rule 0 first', 200, '{"error":{"code":503,"message":"The model is overl', [], ['server_error', 'unavailable', 1]);
  // markers still come first: the text says what went wrong
  check('cut short, rate limit', 200, '{"error":{"message":"Rate limit reached for requests","type":"requests","code":"rate_lim', [], THROTTLED);
  // rule 7 as before for a body that is the JSON it claims to be
  check('well-formed', 200, '{"error":{"message":"something odd"}}', [], ['server_error', 'stream_error', 1]);
  check('sse with [DONE]', 200, `${ok}data: {"error":{"message":"stream ended"}}\n\ndata: [DONE]\n\n`, [], ['server_error', 'stream_error', 1]);
  check('event lines', 200, 'event: error\ndata: {"error":{"message":"stream ended"}}', [], ['server_error', 'stream_error', 1]);
  // only inside a 200 stream: with no status a body may have been cut by the logger, not the network
  check('no status', null, '{"id":"chatcmpl-9","choices":[{"delta":{"content":"Hel', [], ['unknown', null, 1]);
  check('4xx', 400, '{"error":{"message":"bad', [], ['client_error', 'invalid_request', 0]);
  check('status 0 is no status', 0, '{"id":"chatcmpl-9","choices":[', [], ['unknown', null, 1]);
});

test('a transport error while decoding a body is a parse_error, not a network_error', () => {
  const PARSE: Want = ['parse_error', null, 1];
  check('reset', null, null, ['error decoding response body: error reading a body from connection: Connection reset by peer (os error 104)'], PARSE);
  check('unexpected EOF', null, null, ['stream error: error decoding response body: unexpected EOF during chunk size line'], PARSE);
  check('body error', null, null, ['request or response body error: error reading a body from connection: end of file before message length reached'], PARSE);
  check('in a 200 stream', 200, null, ['error decoding response body: connection closed before message completed'], PARSE);
  check('serde position', null, null, ['failed to deserialize chunk: invalid type: null, expected a string at line 1 column 212'], PARSE);
  check('V8 message', null, null, ['Unterminated string in JSON at position 4096'], PARSE);
  check('python message', null, null, ["Expecting ',' delimiter: line 1 column 8191 (char 8190)"], PARSE);
  // a transport error outside a body is still network
  check('connect', null, null, ['error sending request for url (https://api.groq.com/openai/v1/chat/completions): connection error: Connection reset by peer (os error 104)'], ['network_error', 'connection', 1]);
});

test('isJsonBody: one document, or SSE events whose every payload parses', () => {
  assert.equal(isJsonBody('{"a":1}'), true);
  assert.equal(isJsonBody(' [1,2] \n'), true);
  assert.equal(isJsonBody('data: {"a":1}\n\ndata: [DONE]\n\n'), true);
  assert.equal(isJsonBody(': keep-alive\nevent: error\ndata: {"a":1}\r\n'), true);
  assert.equal(isJsonBody('{"a":'), false);
  assert.equal(isJsonBody(''), false);
  assert.equal(isJsonBody('Service Unavailable'), false);
  assert.equal(isJsonBody('data: {"a":1}\ndata: {"a"'), false);
  assert.equal(isJsonBody('data: hello'), false);
  assert.equal(isJsonBody('{"a":NaN}'), false);
});

// ---- end to end: the stored rows, the report, and scripts/oracle.py on the same file ----

const T0 = Date.UTC(2026, 10, 20, 14, 0, 0);
const RECORDS: Array<{ rec: object; want: Want }> = [
  { rec: { provider: 'qwen', status: 429, body: json({ code: 'Throttling.AllocationQuota', message: 'Allocated quota exceeded, please increase your quota limit.' }) }, want: THROTTLED },
  { rec: { provider: 'qwen', error: json({ statusCode: 400, message: 'Access denied, please make sure your account is in good standing.', code: 'Arrearage' }) }, want: QUOTA },
  { rec: { provider: 'zai', status: 200, body: 'data: {"error":{"code":"1302","message":"您当前使用该API的并发数过高，请降低并发，或联系客服增加限额"}}' }, want: THROTTLED },
  { rec: { provider: 'zai', error_message: 'request 1113 of 1200 done' }, want: ['unknown', null, 1] },
  { rec: { provider: 'minimax', status: 200, body: { id: '06', base_resp: { status_code: 1026, status_msg: 'input new_sensitive' } } }, want: ['client_error', 'content_filtered', 0] },
  { rec: { provider: 'bedrock', level: 'ERROR', message: 'An error occurred (ValidationException) when calling the InvokeModel operation: Input is too long for requested model.' }, want: ['client_error', 'context_length_exceeded', 0] },
  { rec: { provider: 'azure', status: 401, body: json({ error: { code: '401', message: 'Access denied due to invalid subscription key or wrong API endpoint.' } }) }, want: ['auth_error', 'invalid_api_key', 0] },
  { rec: { provider: 'llamacpp', level: 'ERROR', message: json({ error: { message: 'Loading model', type: 'unavailable_error' } }) }, want: ['server_error', 'unavailable', 1] },
  { rec: { provider: 'openrouter', status: 200, body: '{"id":"gen-1","choices":[{"delta":{"content":"Hel' }, want: ['parse_error', null, 1] },
  { rec: { provider: 'openai', error: 'error decoding response body: error reading a body from connection: Connection reset by peer (os error 104)' }, want: ['parse_error', null, 1] },
  { rec: { provider: 'openrouter', status: 200, body: '{"error":{"message":"stream ended"}}' }, want: ['server_error', 'stream_error', 1] },
  { rec: { provider: 'openai', status: 0, body: '{"id":"chatcmpl-9","choices":[', error: 'stream aborted' }, want: ['unknown', null, 1] },
];

test('end to end: analyze stores each provider payload with its type, subtype and retryable, and agrees with the oracle', async () => {
  const dir = tmpDir();
  const file = writeFixture(dir, 'providers.jsonl', RECORDS.map((r, i) => ({ ts: T0 + i * 1000, ...r.rec })));
  const rows = await rowsFrom([file]);
  assert.equal(rows.length, RECORDS.length);
  rows.forEach((row, i) => {
    assert.deepEqual([row.error_type, row.error_subtype, row.retryable], RECORDS[i]!.want, `record ${i}: ${JSON.stringify(RECORDS[i]!.rec)}`);
  });

  const report = await analyzeApi([file]);
  const byType = Object.fromEntries(report.summary.by_type.map((x) => [x.error_type, x.errors]));
  assert.deepEqual(byType, { rate_limit: 3, unknown: 2, client_error: 2, auth_error: 1, server_error: 2, parse_error: 2 });

  const o = spawnSync('python3', [join(ROOT, 'scripts', 'oracle.py'), file], { encoding: 'utf8' });
  assert.equal(o.status, 0, o.stderr);
  const oracle = JSON.parse(o.stdout) as { summary: { by_type: Array<{ error_type: string; errors: number }> } };
  assert.deepEqual(Object.fromEntries(oracle.summary.by_type.map((x) => [x.error_type, x.errors])), byType);
});
