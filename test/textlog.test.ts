// parseTextLine: VT Code's text debug log (tracing-subscriber's default format, ANSI off, span events
// on), line by line; and the fixture debug logs through the framer and readValue.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseChunk } from '../src/ingest/chunk.js';
import { readValue } from '../src/ingest/shapes.js';
import { parseTextLine } from '../src/ingest/textlog.js';
import { vtcodeFiles } from '../src/ingest/vtcode-dirs.js';
import type { Row } from '../src/model.js';

const TS = '2026-11-20T14:03:11.123456Z';
const HTTP_TARGET = 'vtcode_llm::providers::error_handling';
const BODY_429 = '{"error":{"message":"Rate limit reached for requests","type":"rate_limit_error","code":"rate_limit_exceeded"}}';

const http = (provider: string, status: string, body: string, ts = TS) =>
  `${ts}  WARN ${HTTP_TARGET}: ${provider} HTTP error provider="${provider}" status=${status} body=${body}`;
const retry = (error: string, category: string, retryable: boolean, attempt: number, max = 3) =>
  `${TS}  WARN vtcode.llm.retry: LLM request attempt failed error=${error} category=${category} retryable=${retryable} attempt=${attempt} max_retries=${max}`;
const outcome = (fields: string) =>
  `${TS}  INFO turn{turn=3}: vtcode.turn.metrics: turn metric metric="llm_retry_outcome" run_id=run-1 turn_id=turn-0003 turn=3 ${fields}`;

/** What readValue makes of a parsed line. */
function rowsOf(line: string): { rows: Row[]; ignored: number; skipped: number } {
  const out = { rows: [] as Row[], ignored: 0, skipped: 0 };
  const value = parseTextLine(line);
  assert.ok(value, `parsed: ${line.slice(0, 120)}`);
  readValue(value, 'debug.log', 1, {
    row: (r) => out.rows.push(r),
    ignored: () => out.ignored++,
    skipped: () => out.skipped++,
  });
  return out;
}

function oneRow(line: string): Row {
  const { rows } = rowsOf(line);
  assert.equal(rows.length, 1);
  return rows[0];
}

// A guard against catastrophic regex backtracking (minutes on a long line): the tests below run under a
// test timeout (a hang guard), not a wall-time assertion; the label names the input in a failure.
const guarded = <T>(_label: string, f: () => T): T => f();

describe('the HTTP error line', () => {
  test('becomes a raw provider failure: provider label, Display status, body to the end of the line', () => {
    assert.deepEqual(parseTextLine(http('DeepSeek', '429 Too Many Requests', BODY_429)), {
      timestamp: TS,
      level: 'WARN',
      target: HTTP_TARGET,
      message: 'DeepSeek HTTP error',
      provider: 'DeepSeek',
      status: '429 Too Many Requests',
      body: BODY_429,
      error_message: 'Rate limit reached for requests',
      __origin: 'debug',
    });
  });

  test('the body keeps spaces, quotes and text that looks like fields', () => {
    for (const body of [
      '{"error":{"message":"bad value status=400 x=\\"y\\" for field model= ","code":400}}',
      'upstream said: status=400 x="y" body=z retryable=true ',
    ]) {
      const v = parseTextLine(http('OpenRouter', '400 Bad Request', body));
      assert.equal(v?.body, body.trimEnd());
      assert.equal(v?.status, '400 Bad Request');
    }
  });

  test('a body that is not JSON is the message', () => {
    const v = parseTextLine(http('Z.AI', '502 Bad Gateway', '<html><body>bad gateway</body></html>'));
    assert.equal(v?.error_message, '<html><body>bad gateway</body></html>');
    assert.equal(v?.provider, 'Z.AI');
  });

  test('an empty body', () => {
    const v = parseTextLine(`${TS}  WARN ${HTTP_TARGET}: Moonshot HTTP error provider="Moonshot" status=503 Service Unavailable body=`);
    assert.equal(v?.body, '');
    assert.equal(v?.status, '503 Service Unavailable');
    assert.equal('error_message' in (v ?? {}), false);
  });

  test('the provider comes from the message when the field is missing', () => {
    const v = parseTextLine(`${TS}  WARN ${HTTP_TARGET}: xAI HTTP error status=429 Too Many Requests body={}`);
    assert.equal(v?.provider, 'xAI');
  });

  test('is classified like every other record', () => {
    const r = oneRow(http('DeepSeek', '429 Too Many Requests', BODY_429));
    assert.equal(r.event, 'error');
    assert.equal(r.provider, 'deepseek');
    assert.equal(r.status_code, 429);
    assert.equal(r.error_type, 'rate_limit');
    assert.equal(r.error_message, 'Rate limit reached for requests');
    assert.equal(r.level, 'WARN');
    assert.equal(r.timestamp, '2026-11-20T14:03:11.123Z');

    const auth = oneRow(http('LM Studio', '401 Unauthorized', '{"error":{"message":"Invalid API key"}}'));
    assert.equal(auth.provider, 'lmstudio');
    assert.equal(auth.error_type, 'auth_error');
  });

  test('cut short (no body, or a JSON body that does not close) is not a record yet', () => {
    assert.equal(parseTextLine(`${TS}  WARN ${HTTP_TARGET}: DeepSeek HTTP error provider="DeepSeek" status=429 Too Many Requests`), null);
    assert.equal(parseTextLine(`${TS}  WARN ${HTTP_TARGET}: DeepSeek HTTP error provider="Deep`), null);
    assert.equal(parseTextLine(http('DeepSeek', '429 Too Many Requests', '{"error":{"message":"Rate limit rea')), null);
  });
});

describe('the retry line', () => {
  test('becomes a retry record', () => {
    assert.deepEqual(parseTextLine(retry('Rate limit exceeded', 'Rate limit exceeded', true, 1)), {
      timestamp: TS,
      level: 'WARN',
      target: 'vtcode.llm.retry',
      event: 'retry',
      message: 'Rate limit exceeded',
      error_category: 'Rate limit exceeded',
      retryable: true,
      retry_count: 1,
      max_retries: 3,
      __origin: 'debug',
    });
  });

  test('the error text may hold spaces, colons, `key=` pairs and the other field names', () => {
    const error = 'Provider error: DeepSeek http 400 Bad Request: invalid temperature=2.5 (category=x retryable=maybe attempt=9)';
    const v = parseTextLine(retry(error, 'Invalid parameters', false, 2, 4));
    assert.equal(v?.message, error);
    assert.equal(v?.error_category, 'Invalid parameters');
    assert.equal(v?.retryable, false);
    assert.equal(v?.retry_count, 2);
    assert.equal(v?.max_retries, 4);
  });

  test('a Debug-quoted error is unescaped', () => {
    const v = parseTextLine(retry('"Network error: \\"upstream\\" closed \\\\ early\\n"', 'Network error', true, 1));
    assert.equal(v?.message, 'Network error: "upstream" closed \\ early\n');
  });

  test('inside a span', () => {
    const line = `${TS}  WARN turn{turn=2 model="gpt-5"}:llm_request: vtcode.llm.retry: LLM request attempt failed error=Request timed out category=Request timed out retryable=true attempt=1 max_retries=3`;
    const v = parseTextLine(line);
    assert.equal(v?.spans, 'turn{turn=2 model="gpt-5"}:llm_request');
    assert.equal(v?.target, 'vtcode.llm.retry');
    assert.equal(v?.message, 'Request timed out');
  });

  test('another field order still reads', () => {
    const line = `${TS}  WARN vtcode.llm.retry: LLM request attempt failed attempt=2 error=Network error: connection reset retryable=true`;
    const v = parseTextLine(line);
    assert.equal(v?.message, 'Network error: connection reset');
    assert.equal(v?.retry_count, 2);
    assert.equal(v?.retryable, true);
  });

  test('cut short is not a record yet', () => {
    const full = retry('Network error: OpenRouter network error: error sending request', 'Network error', true, 1);
    for (const cut of [full.indexOf(' category='), full.indexOf(' attempt='), full.length - 3]) {
      assert.equal(parseTextLine(full.slice(0, cut)), null, full.slice(0, cut));
    }
  });

  test('is a retry row whose error_type comes from the error text', () => {
    const r = oneRow(retry('Provider error: Gemini http 503 Service Unavailable: overloaded', 'Service temporarily unavailable', true, 2));
    assert.equal(r.event, 'retry');
    assert.equal(r.error_type, 'server_error');
    assert.equal(r.retry_count, 2);
    assert.equal(r.status_code, 503);
    const rl = oneRow(retry('Rate limit exceeded', 'Rate limit exceeded', true, 1));
    assert.equal(rl.error_type, 'rate_limit');
  });
});

describe('the retry outcome metric', () => {
  const fields =
    'model="deepseek-chat" plan_mode=false attempts_made=3 retries_used=2 max_retries=3 success=true exhausted_retry_budget=false stream_fallback_used=true last_error_retryable=true';

  test('becomes a trajectory llm_retry_metrics record, numbers as numbers and booleans as booleans', () => {
    assert.deepEqual(parseTextLine(outcome(fields)), {
      kind: 'llm_retry_metrics',
      ts: TS,
      model: 'deepseek-chat',
      run_id: 'run-1',
      turn_id: 'turn-0003',
      attempts_made: 3,
      retries_used: 2,
      max_retries: 3,
      turn: 3,
      success: true,
      exhausted_retry_budget: false,
      plan_mode: false,
      stream_fallback_used: true,
      last_error_retryable: true,
      __origin: 'debug',
    });
  });

  test('keeps last_error when a line has it', () => {
    const v = parseTextLine(outcome(`model="gpt-5" attempts_made=2 retries_used=1 success=false last_error="Rate limit exceeded"`));
    assert.equal(v?.last_error, 'Rate limit exceeded');
  });

  test('success after retries is recovered, a failure is failed, success at once is ignored', () => {
    const rec = oneRow(outcome(fields));
    assert.equal(rec.event, 'recovered');
    assert.equal(rec.provider, 'deepseek');
    assert.equal(rec.retry_count, 2);
    assert.equal(rec.timestamp, '2026-11-20T14:03:11.123Z');

    const failed = oneRow(outcome('model="claude-sonnet-4-5" attempts_made=3 retries_used=2 max_retries=3 success=false exhausted_retry_budget=true'));
    assert.equal(failed.event, 'failed');
    assert.equal(failed.provider, 'anthropic');

    const once = rowsOf(outcome('model="gpt-5" attempts_made=1 retries_used=0 max_retries=3 success=true exhausted_retry_budget=false'));
    assert.deepEqual([once.rows.length, once.ignored], [0, 1]);
  });

  test('cut short, or with a value of the wrong kind, is not a record yet', () => {
    assert.equal(parseTextLine(outcome('model="gpt-5" attempts_made=2 retries_')), null);
    assert.equal(parseTextLine(outcome('model="gpt-5" attempts_made=2 retries_used=1 success=tr')), null);
  });

  test('other turn metrics are ignored', () => {
    const line = `${TS}  INFO vtcode.turn.metrics: turn metric metric="turn_execution" attempts_made=2 retry_count=1 history_snapshot_bytes=18233 timeout_secs=300 elapsed_ms=5120 outcome=failed`;
    const r = rowsOf(line);
    assert.deepEqual([r.rows.length, r.ignored], [0, 1]);
  });
});

describe('other lines', () => {
  test('an ERROR line is an error row; its fields take part, the record keys win over fields', () => {
    const line = `${TS} ERROR turn{turn=4}: vtcode_llm::providers::deepseek: DeepSeek stream failed: Network error: error sending request for url (https://api.deepseek.com/chat/completions): connection closed before message completed attempt=1 target="elsewhere" level=INFO`;
    const v = parseTextLine(line);
    assert.equal(v?.level, 'ERROR');
    assert.equal(v?.target, 'vtcode_llm::providers::deepseek');
    assert.equal(v?.spans, 'turn{turn=4}');
    assert.equal(
      v?.message,
      'DeepSeek stream failed: Network error: error sending request for url (https://api.deepseek.com/chat/completions): connection closed before message completed',
    );
    assert.equal(v?.attempt, '1');
    assert.equal(v?.__text, line.slice(line.indexOf('DeepSeek stream')));
    const r = oneRow(line);
    assert.equal(r.event, 'error');
    assert.equal(r.provider, 'deepseek');
    assert.equal(r.error_type, 'network_error');
  });

  test('an ERROR line with fields only', () => {
    const v = parseTextLine(`${TS} ERROR vtcode_core::llm: error="boom" provider="gemini"`);
    assert.equal('message' in (v ?? {}), false);
    assert.equal(v?.error, 'boom');
    assert.equal(oneRow(`${TS} ERROR vtcode_core::llm: error="boom" provider="gemini"`).provider, 'gemini');
  });

  test('any other level is ignored, whatever its message or fields say', () => {
    for (const line of [
      `${TS}  WARN vtcode_core::tools::registry: tool execution failed tool="run_pty_cmd" error="exit status 1"`,
      `${TS}  INFO vtcode.llm.stream: Streaming request stalled; falling back to non-streaming mode provider="deepseek"`,
      `${TS}  INFO vtcode: Retrying after error status=503 body={"error":"x"}`,
      `${TS} DEBUG vtcode::agent::llm: Dispatching provider request target="vtcode::agent::llm" model=gpt-5 streaming=true attempt=1`,
      `${TS} TRACE h2::codec: received frame`,
    ]) {
      const v = parseTextLine(line);
      assert.ok(v && 'text' in v && 'values' in v && !('message' in v), line);
      const r = rowsOf(line);
      assert.deepEqual([r.rows.length, r.ignored], [0, 1], line);
    }
    const v = parseTextLine(`${TS}  INFO vtcode: Debug tracing enabled: targets=vtcode_core,vtcode, level=info, log_file=/tmp/debug-x.log`);
    assert.equal(v?.text, 'Debug tracing enabled:');
    assert.deepEqual(v?.values, { targets: 'vtcode_core,vtcode,', level: 'info,', log_file: '/tmp/debug-x.log' });
  });

  test('span events: new, enter, exit, close', () => {
    for (const ev of ['new', 'enter', 'exit']) {
      const v = parseTextLine(`${TS}  INFO turn{turn=1}: vtcode::agent::runloop::unified::turn: ${ev}`);
      assert.deepEqual(v, {
        timestamp: TS, level: 'INFO', target: 'vtcode::agent::runloop::unified::turn', spans: 'turn{turn=1}', text: ev, values: {}, __origin: 'debug',
      });
    }
    const close = parseTextLine(`${TS}  INFO llm_request{provider="deepseek" note="a: b {c}"}:stream: vtcode_llm::providers::deepseek: close time.busy=1.23ms time.idle=45.6µs`);
    assert.equal(close?.spans, 'llm_request{provider="deepseek" note="a: b {c}"}:stream');
    assert.equal(close?.target, 'vtcode_llm::providers::deepseek');
    assert.deepEqual(close?.values, { 'time.busy': '1.23ms', 'time.idle': '45.6µs' });
  });

  test('the head: target only, dotted target, a span without fields, a line with no text', () => {
    assert.equal(parseTextLine(`${TS}  INFO vtcode: Error: something odd`)?.target, 'vtcode');
    assert.equal(parseTextLine(`${TS}  INFO vtcode: Error: something odd`)?.text, 'Error: something odd');
    assert.equal(parseTextLine(`${TS}  INFO vtcode.llm.retry: Error: x`)?.target, 'vtcode.llm.retry');
    const s = parseTextLine(`${TS}  INFO turn: vtcode.turn.metrics: hello`);
    assert.deepEqual([s?.spans, s?.target, s?.text], ['turn', 'vtcode.turn.metrics', 'hello']);
    const e = parseTextLine(`${TS}  INFO vtcode_core::llm: `);
    assert.deepEqual([e?.target, e?.text], ['vtcode_core::llm', '']);
  });

  test('values: unquoted Display values run until the next key, quoted ones are unescaped', () => {
    const v = parseTextLine(
      `${TS}  INFO x::y: msg a=429 Too Many Requests b="q \\"quoted\\" \\\\ tab\\t nl\\n esc\\u{1b}[0m" c=plain d="not closed e=1 f="x" trailing`,
    );
    assert.deepEqual(v?.values, {
      a: '429 Too Many Requests',
      b: 'q "quoted" \\ tab\t nl\n esc\u001b[0m',
      c: 'plain',
      d: '"not closed',
      e: '1',
      f: '"x" trailing',
    });
  });

  test('an ANSI-coloured line and a CRLF line', () => {
    const ansi = `\u001b[2m${TS}\u001b[0m \u001b[33m WARN\u001b[0m \u001b[2mvtcode.llm.retry\u001b[0m\u001b[2m:\u001b[0m LLM request attempt failed \u001b[3merror\u001b[0m\u001b[2m=\u001b[0mRate limit exceeded \u001b[3mcategory\u001b[0m\u001b[2m=\u001b[0mRate limit exceeded \u001b[3mretryable\u001b[0m\u001b[2m=\u001b[0mtrue \u001b[3mattempt\u001b[0m\u001b[2m=\u001b[0m1 \u001b[3mmax_retries\u001b[0m\u001b[2m=\u001b[0m3`;
    assert.equal(parseTextLine(ansi)?.retry_count, 1);
    assert.equal(parseTextLine(retry('Rate limit exceeded', 'Rate limit exceeded', true, 1) + '\r')?.max_retries, 3);
  });

  test('timestamps: microseconds, milliseconds, none, an offset', () => {
    for (const ts of ['2026-11-20T14:03:11.123456Z', '2026-11-20T14:03:11.123Z', '2026-11-20T14:03:11Z', '2026-11-20T14:03:11.123456+00:00']) {
      assert.equal(parseTextLine(`${ts} ERROR x: boom`)?.timestamp, ts);
    }
  });
});

describe('lines not in the format are null', () => {
  test('null', () => {
    for (const line of [
      '',
      'hello',
      '{"timestamp":"2026-11-20T14:03:11Z","level":"ERROR"}',
      'thread \'main\' panicked at src/main.rs:10:5:',
      '  "error": {',
      '2026-11-20 14:03:11.123 ERROR x: boom',
      '2026-11-20T14:03:11.123456Z',
      '2026-11-20T14:03:11.123456Z  INFO',
      '2026-11-20T14:03:11.123456Z  INFO ',
      '2026-11-20T14:03:11.123456Z NOTICE x: y',
      '2026-11-20T14:03:11.123456Z  info x: y',
      '2026-11-20T14:03:11.123456Z  INFO no colon here',
      '2026-11-20T14:03:11.123456Z  INFO span{unclosed="x}: target: y',
      '2026-11-20T14:03:11.123456Z  INFO span{a=1}: ',
      '2026-11-20T14:03:1',
      '2026-11-20Tgarbage  INFO x: y',
      '2026-11-20T14:03:11.123456ZZ  INFO x: y',
      '<unknown time>  INFO x: y',
    ]) {
      assert.equal(parseTextLine(line), null, JSON.stringify(line));
    }
  });
});

describe('long lines', { timeout: 120_000 }, () => {
  const MB = 1024 * 1024;

  test('a 1 MB body', () => {
    const body = JSON.stringify({ error: { message: 'too large', detail: 'x '.repeat(MB / 2) } });
    const v = guarded('1 MB JSON body', () => parseTextLine(http('DeepSeek', '413 Payload Too Large', body)));
    assert.equal(v?.body, body);
    const raw = 'a'.repeat(MB);
    assert.equal(guarded('1 MB raw body', () => parseTextLine(http('DeepSeek', '500 Internal Server Error', raw)))?.body, raw);
  });

  test('a 1 MB error text full of `key=` and quotes', () => {
    const error = 'a=b "c=d '.repeat(MB / 9);
    const v = guarded('1 MB retry', () => parseTextLine(retry(error, 'Execution failed', false, 1)));
    assert.equal(v?.message, error);
  });

  test('1 MB lines built to make a parser backtrack', () => {
    const tails = [
      ' '.repeat(MB),
      'k'.repeat(MB),
      'k="'.repeat(MB / 3),
      ' k='.repeat(MB / 3),
      ' k="\\'.repeat(MB / 5),
      'x=' + '"'.repeat(MB),
      '{'.repeat(MB),
      ':'.repeat(MB),
      'ab'.repeat(MB / 2) + '=',
    ];
    for (const tail of tails) {
      for (const line of [`${TS} ERROR x::y: m ${tail}`, `${TS}  INFO x::y: ${tail}`, `${TS}  INFO ${tail}`, `${TS}  WARN vtcode.llm.retry: LLM request attempt failed error=${tail}`]) {
        guarded(`line ${JSON.stringify(line.slice(0, 60))}...`, () => parseTextLine(line));
      }
    }
    guarded('1 MB of digits', () => parseTextLine('2026-11-20T' + '1'.repeat(MB)));
  });
});

// The fixture's debug logs, read as the ingest reads them (lines -> framer, with parseTextLine as its
// text hook -> readValue), give what test/fixtures/vtcode/EXPECTED.md says, before duplicates across
// artifacts are removed.
describe('the fixture', () => {
  const ROOT = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'vtcode');
  const EXPECTED: Record<string, { error: number; retry: number; recovered: number; failed: number; ignored: number; skipped: number }> = {
    'sessions/debug-cmd-ask-1795182000000-3131.log': { error: 1, retry: 1, recovered: 1, failed: 0, ignored: 8, skipped: 0 },
    'sessions/debug-session-myapp-20261120t140000z_123456-04242-rotated-1795185000120-4317.log': { error: 3, retry: 3, recovered: 2, failed: 0, ignored: 5, skipped: 0 },
    'sessions/debug-session-myapp-20261120t140000z_123456-04242.log': { error: 4, retry: 4, recovered: 0, failed: 2, ignored: 8, skipped: 0 },
    'sessions/debug-session-other-20261120t150000z_654321-05151.log': { error: 1, retry: 1, recovered: 1, failed: 0, ignored: 4, skipped: 1 },
    'sessions/session-myapp-20261120T140000Z_123456-04242.json': { error: 1, retry: 0, recovered: 0, failed: 0, ignored: 0, skipped: 0 },
    'sessions/session-other-20261120T150000Z_654321-05151.json': { error: 0, retry: 0, recovered: 0, failed: 0, ignored: 1, skipped: 0 },
    'sessions/session-other-20261120T160000Z_000042-07777.json': { error: 2, retry: 0, recovered: 0, failed: 0, ignored: 0, skipped: 0 },
    'workspace/.vtcode/logs/trajectory-20261120T140000Z.jsonl': { error: 0, retry: 0, recovered: 1, failed: 0, ignored: 4, skipped: 0 },
    'workspace/.vtcode/logs/trajectory-20261120T143000Z.jsonl': { error: 0, retry: 0, recovered: 2, failed: 0, ignored: 3, skipped: 0 },
    'workspace/.vtcode/logs/trajectory.jsonl': { error: 0, retry: 0, recovered: 0, failed: 2, ignored: 2, skipped: 0 },
  };

  // Each file read whole, as ingest reads it (chunk.ts), before any twin across files is removed.
  async function read(file: string) {
    const counts = { error: 0, retry: 0, recovered: 0, failed: 0, ignored: 0, skipped: 0 };
    const bytes = readFileSync(file);
    const r = parseChunk({
      file, firstLine: 0, atStart: true, bytes, at: null, length: bytes.length, final: true, strict: false, holdBackText: false, cells: null, pack: false,
    });
    for (const row of r.rows) counts[row.event as 'error']++;
    counts.ignored = r.ignored;
    counts.skipped = r.skipped + r.tentative.skipped;
    return { counts, rows: r.rows };
  }

  test('every file gives the counts EXPECTED.md states', async () => {
    const files = await vtcodeFiles([{ path: ROOT }]);
    assert.deepEqual(files.map((f) => relative(ROOT, f)).sort(), Object.keys(EXPECTED).sort());
    const total = { error: 0, retry: 0, recovered: 0, failed: 0, ignored: 0, skipped: 0 };
    for (const file of files) {
      const { counts } = await read(file);
      assert.deepEqual(counts, EXPECTED[relative(ROOT, file)], relative(ROOT, file));
      for (const k of Object.keys(total) as Array<keyof typeof total>) total[k] += counts[k];
    }
    assert.deepEqual(total, { error: 12, retry: 9, recovered: 7, failed: 4, ignored: 35, skipped: 1 });
  });

  test('the duplicated events match as EXPECTED.md says', async () => {
    const debug = (await read(join(ROOT, 'sessions/debug-session-myapp-20261120t140000z_123456-04242.log'))).rows;
    const archive = (await read(join(ROOT, 'sessions/session-myapp-20261120T140000Z_123456-04242.json'))).rows;
    const traj = (await read(join(ROOT, 'workspace/.vtcode/logs/trajectory.jsonl'))).rows;
    const line10 = debug.find((r) => r.source.endsWith(':10'));
    assert.ok(line10);
    assert.equal(archive[0].error_message, line10.error_message);
    assert.equal(archive[0].error_type, line10.error_type);
    assert.equal(archive[0].provider, line10.provider);
    assert.ok(Math.abs(Date.parse(archive[0].timestamp) - Date.parse(line10.timestamp)) < 1000);
    const failed = debug.filter((r) => r.event === 'failed');
    assert.equal(failed.length, 2);
    for (const [i, r] of failed.entries()) {
      const t = traj[i];
      assert.deepEqual([t.event, t.provider, t.model, t.retry_count], [r.event, r.provider, r.model, r.retry_count]);
      const diff = Date.parse(t.timestamp) - Date.parse(r.timestamp);
      assert.ok(diff > -1000 && diff < 1000, `${t.timestamp} vs ${r.timestamp}`);
      assert.ok(t.error_type !== null && r.error_type === null, 'the trajectory row is the one with an error_type');
    }
  });
});
