// Format files (formats/*.json): each valid against its kind's schema, and every sample of every file
// giving its row through the real reading code (parseChunk: framing, JSON shapes or the debug-log
// reader, classification). Then a user's files with `--formats DIR`: checked (a bad one is one line
// naming file and key, exit 2), and added to the built-in ones on the main thread and in the worker
// threads alike. And provenance: a JSON record's `__origin` field makes it no debug-log line.
//
// Run after building dist/:  npx tsc -p tsconfig.json && node --import tsx --test test/formats.test.ts
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { markerTables } from '../src/classify/markers.js';
import { checkFormat, FORMAT_KINDS, formatFileNames, FORMATS_DIR, formatSchema, type FormatFile, type Sample } from '../src/formats/index.js';
import { validate } from '../src/formats/schema.js';
import { parseChunk } from '../src/ingest/chunk.js';
import type { Row } from '../src/model.js';
import { allRows, ingestTo, jsonl, run, tmpDir, writeFixture, writeFixtures } from './helpers.js';

/** The rows one text gives, read as ingest reads a file. */
function rowsOf(text: string): Row[] {
  const bytes = Buffer.from(`${text}\n`);
  return parseChunk({
    file: 'sample', firstLine: 0, atStart: true, bytes, at: null, length: bytes.length, final: true, strict: false,
    holdBackText: false, cells: null, pack: false,
  }).rows;
}

const sampleText = (s: Sample): string => s.line ?? JSON.stringify(s.record);

/** `actual` has every field of `expected` (of a nested object, every field it lists). */
function assertHas(actual: unknown, expected: unknown, where: string): void {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    assert.ok(actual !== null && typeof actual === 'object', `${where}: ${JSON.stringify(actual)} is no object`);
    for (const [k, v] of Object.entries(expected)) assertHas((actual as Record<string, unknown>)[k], v, `${where}.${k}`);
  } else {
    assert.deepEqual(actual ?? null, expected, where);
  }
}

const builtIn = formatFileNames(FORMATS_DIR).map((name) => ({
  name,
  value: JSON.parse(readFileSync(join(FORMATS_DIR, name), 'utf8')) as FormatFile,
}));

describe('the built-in format files', () => {
  test('one file of each kind, each valid against its schema', () => {
    assert.deepEqual(builtIn.map((f) => f.value.kind).sort(), [...FORMAT_KINDS].sort());
    for (const { name, value } of builtIn) {
      assert.doesNotThrow(() => checkFormat(value, name), name);
      assert.equal((value as { $schema?: string }).$schema, `./schema/${value.kind}.schema.json`, name);
      assert.equal((formatSchema(value.kind) as { $schema?: string }).$schema, 'https://json-schema.org/draft/2020-12/schema');
    }
  });

  for (const { name, value } of builtIn) {
    test(`${name}: every sample gives its row`, () => {
      const samples = value.samples ?? [];
      assert.ok(samples.length >= 5, `${name} has samples`);
      samples.forEach((s, i) => {
        const where = `${name} sample ${i} (${s.why ?? sampleText(s).slice(0, 60)})`;
        const rows = rowsOf(sampleText(s));
        if (s.row === null) return assert.equal(rows.length, 0, `${where}: no row`);
        assert.equal(rows.length, 1, `${where}: one row`);
        assertHas(rows[0], s.row, where);
      });
    });
  }

  test('markers.json: each pattern is matched by a sample, and says why', () => {
    const markers = builtIn.find((f) => f.value.kind === 'markers')!.value as Extract<FormatFile, { kind: 'markers' }>;
    const texts = (markers.samples ?? []).map((s) => sampleText(s).toLowerCase());
    let patterns = 0;
    for (const [table, { markers: entries }] of Object.entries(markers.tables ?? {})) {
      for (const m of entries) {
        if (typeof m !== 'object' || !('pattern' in m)) continue;
        patterns++;
        assert.ok((m as { why?: string }).why, `${table} ${m.pattern}: a why`);
        const re = new RegExp(m.pattern);
        // A JSON-in-JSON sample is escaped once more in its line: unescape one level too.
        assert.ok(texts.some((t) => re.test(t) || re.test(t.replace(/\\(["\\])/g, '$1'))), `${table} ${m.pattern}: no sample matches it`);
      }
    }
    assert.ok(patterns >= 7, `${patterns} patterns`);
    // The code tables' markers are there, in the tables that name their meanings.
    assert.ok(markerTables().PROVIDER_RATE_LIMIT.some((m) => m instanceof RegExp && m.test('{"code":"1302"}')));
  });
});

describe('the schema validator', () => {
  const bad: Array<[string, unknown, string]> = [
    ['unknown kind', { kind: 'marker' }, '/kind: must be one of "fields", "providers", "markers", "debug-lines"'],
    ['unknown table', { kind: 'markers', tables: { RATE_LIMITS: { markers: ['x'] } } }, '/tables/RATE_LIMITS: unknown key (known: RATE_LIMIT,'],
    ['a literal in capitals never matches lower-cased text', { kind: 'markers', tables: { QUOTA: { markers: ['ok', 'Out Of Credit'] } } }, '/tables/QUOTA/markers/1: must match ^[^A-Z]*$'],
    ['a pattern without its why', { kind: 'markers', tables: { PARSE: { markers: [{ pattern: 'bad \\d+' }] } } }, '/tables/PARSE/markers/0: must have "why"'],
    ['a pattern that does not compile', { kind: 'markers', tables: { PARSE: { markers: [{ pattern: 'bad (', why: 'x' }] } } }, '/tables/PARSE/markers/0/pattern: not a regular expression'],
    ['a pattern matching every text', { kind: 'markers', tables: { PARSE: { markers: [{ pattern: 'x*', why: 'x' }] } } }, '/tables/PARSE/markers/0/pattern: matches an empty text'],
    ['an unknown code meaning', { kind: 'markers', tables: { AUTH: { markers: [{ codes: 'keys' }] } } }, '/tables/AUTH/markers/0/codes: must be one of "throttled"'],
    ['a code that is no number', { kind: 'markers', codeTables: { acme: { keys: ['code'], codes: { quota: { codes: ['42'] } } } } }, '/codeTables/acme/codes/quota/codes/0: must be integer, not string'],
    ['an unknown field', { kind: 'fields', fields: { timestamp: { names: ['at'] } } }, '/fields/timestamp: unknown key'],
    ['an unknown event', { kind: 'fields', eventPhrases: [{ phrase: 'gave up', event: 'error' }] }, '/eventPhrases/0/event: must be one of "retry"'],
    ['a provider id in capitals', { kind: 'providers', labels: { acme: 'ACME' } }, '/labels/acme: must match'],
    ['a model pattern that does not compile', { kind: 'providers', models: [{ pattern: '^acme-[', id: 'acme' }] }, '/models/0/pattern: not a regular expression'],
    ['a debug line with a misspelt field role', { kind: 'debug-lines', lines: [{ read: 'retry', message: { equals: 'x' }, fields: { error: 'e', category: 'c', retryable: 'r', attempt: 'a', maxRetry: 'm' } }] }, '/lines/0/fields: must have "maxRetries"'],
    ['a debug line with an unknown reader', { kind: 'debug-lines', lines: [{ read: 'http', message: { equals: 'x' } }] }, '/lines/0: must be an object with "read", "message", "fields"'],
    ['a sample with neither line nor record', { kind: 'fields', samples: [{ row: null }] }, '/samples/0: must be an object with "line", or an object with "record"'],
  ];
  for (const [what, value, message] of bad) {
    test(what, () => {
      assert.throws(() => checkFormat(value, 'my.json'), (err: Error) => {
        assert.ok(err.message.startsWith(`my.json: ${message}`), err.message);
        assert.ok(!err.message.includes('\n'), 'one line');
        return true;
      });
    });
  }

  test('the schemas use only the keywords it reads (another would be ignored without a word)', () => {
    const read = new Set(['type', 'properties', 'required', 'additionalProperties', 'items', 'minItems', 'minLength', 'enum', 'const', 'pattern', 'anyOf', '$ref', '$defs']);
    const notes = new Set(['$schema', 'title', 'description']);
    const walk = (schema: unknown, at: string): void => {
      if (schema === null || typeof schema !== 'object') return;
      for (const [k, v] of Object.entries(schema)) {
        assert.ok(read.has(k) || notes.has(k), `${at}/${k}: a keyword the validator does not read`);
        if (k === 'properties' || k === '$defs') for (const [name, sub] of Object.entries(v as object)) walk(sub, `${at}/${k}/${name}`);
        else if (k === 'anyOf') (v as unknown[]).forEach((sub, i) => walk(sub, `${at}/anyOf/${i}`));
        else if (k === 'items' || (k === 'additionalProperties' && typeof v === 'object')) walk(v, `${at}/${k}`);
      }
    };
    for (const kind of FORMAT_KINDS) walk(formatSchema(kind), kind);
  });

  test('valid user files pass, and the subset it reads is enough to reject the built-in files mangled', () => {
    assert.doesNotThrow(() => checkFormat({ kind: 'markers', tables: { RATE_LIMIT: { markers: ['slow your roll'] } } }, 'ok.json'));
    const markers = structuredClone(builtIn.find((f) => f.value.kind === 'markers')!.value) as { tables: Record<string, { markers: unknown[] }> };
    markers.tables.SERVER.markers.push(42);
    assert.equal(validate(markers, formatSchema('markers'))?.path, `/tables/SERVER/markers/${markers.tables.SERVER.markers.length - 1}`);
  });
});

// A user's format files: a field alias, an event phrase, a provider, a marker, a code table and a
// debug-log line, each used by one record below.
const USER_FORMATS = {
  'acme-fields.json': {
    kind: 'fields',
    fields: { time: { names: ['logged_at'] }, message: { names: ['reason'] }, errorFields: { names: ['reason'] } },
    eventPhrases: [{ phrase: 'trying again', event: 'retry' }],
  },
  'acme-providers.json': {
    kind: 'providers',
    ids: ['acme'],
    labels: { 'acme cloud': 'acme', google: 'acme' }, // google stays gemini: the built-in label comes first
    hosts: [{ host: 'api.acme.example', id: 'acme' }],
  },
  'acme-markers.json': {
    kind: 'markers',
    codeTables: { acme: { why: 'Acme writes its code under `err_code`', keys: ['err_code'], codes: { quota: { codes: [4021] } } } },
    tables: { RATE_LIMIT: { markers: ['slow your roll'] } },
  },
  'acme-lines.json': {
    kind: 'debug-lines',
    lines: [{ read: 'http_error', message: { endsWith: 'API failure' }, fields: { provider: 'vendor', status: 'code', body: 'payload' } }],
  },
};
const TS = '2026-11-20T14:03:11.000Z';
const USER_RECORDS = [
  { logged_at: TS, provider: 'Acme Cloud', reason: 'please slow your roll' }, // alias, label, marker
  { ts: TS, error: 'connection refused: https://api.acme.example/v1' }, // host
  { ts: TS, provider: 'Google', body: '{"err_code": 4021, "msg": "no"}' }, // code table; built-in label
  { ts: TS, provider: 'openai', message: 'Trying again after a 503', error_type: 'server' }, // event phrase
];
const USER_DEBUG_LINE = `2026-11-20T14:03:11.000000Z  WARN acme::client: Acme API failure code=429 Too Many Requests payload={"error":"busy"}`;

function readWithUserFormats(env: Record<string, string> = {}) {
  const dir = tmpDir();
  const formats = join(dir, 'formats');
  writeFixtures(formats, Object.fromEntries(Object.entries(USER_FORMATS).map(([k, v]) => [k, JSON.stringify(v)])));
  const logs = writeFixtures(dir, { 'app.jsonl': jsonl(USER_RECORDS), 'debug-1.log': `${USER_DEBUG_LINE}\n` });
  const db = join(dir, 'store.db');
  const r = run(['ingest', logs['app.jsonl'], logs['debug-1.log'], '--db', db, '--formats', formats, '--format', 'json'], { env });
  assert.equal(r.code, 0, r.stderr);
  return { rows: allRows(db), logs };
}

describe('--formats DIR', () => {
  const expected = [
    { provider: 'acme', event: 'error', error_type: 'rate_limit', error_message: 'please slow your roll', timestamp: TS },
    { provider: 'acme', event: 'error', error_type: 'network_error' },
    { provider: 'gemini', event: 'error', error_type: 'rate_limit', error_subtype: 'quota_exhausted' },
    { provider: 'openai', event: 'retry', error_type: 'server_error' },
    { provider: 'acme', event: 'error', error_type: 'rate_limit', status_code: 429, error_message: 'busy' },
  ];

  for (const [where, env] of [['on the main thread', { VTCODE_ERRORS_WORKERS: '0' }], ['in worker threads', { VTCODE_ERRORS_WORKERS: '2' }]] as const) {
    test(`a user's files add to the built-in ones, ${where}`, () => {
      const { rows } = readWithUserFormats(env);
      assert.equal(rows.length, expected.length, JSON.stringify(rows));
      expected.forEach((want, i) => assertHas(rows[i], want, `row ${i}`));
    });
  }

  test('without them, the same records give other rows (so the test above can fail)', () => {
    const dir = tmpDir();
    const logs = writeFixtures(dir, { 'app.jsonl': jsonl(USER_RECORDS), 'debug-1.log': `${USER_DEBUG_LINE}\n` });
    const r = run(['analyze', logs['app.jsonl'], logs['debug-1.log'], '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const { summary } = JSON.parse(r.stdout) as { summary: { records: number; ignored: number; by_provider: Array<{ provider: string }>; by_type: Array<{ error_type: string }> } };
    // `reason` is no error field, the host names no provider, no code table knows 4021, the debug line
    // is a WARN line like any other; the retry phrase is unknown, so that record is an error.
    assert.deepEqual(summary.by_provider.map((p) => p.provider).sort(), ['gemini', 'openai', 'unknown']);
    assert.deepEqual(summary.by_type.map((t) => t.error_type).sort(), ['network_error', 'server_error', 'unknown']);
    assert.equal(summary.ignored, 2);
  });

  test('a bad file: one line naming file and key, exit 2, nothing read', () => {
    const dir = tmpDir();
    const formats = join(dir, 'formats');
    writeFixtures(formats, {
      'a-good.json': JSON.stringify(USER_FORMATS['acme-fields.json']),
      'b-bad.json': JSON.stringify({ kind: 'markers', tables: { RATE_LIMIT: { markers: ['fine', { pattern: '(', why: 'oops' }] } } }),
    });
    const log = writeFixture(dir, 'app.jsonl', jsonl([{ ts: TS, status: 500 }]));
    for (const command of ['analyze', 'ingest', 'check', 'export']) {
      const db = join(dir, `${command}.db`);
      const r = run([command, log, '--formats', formats, ...(command === 'ingest' ? ['--db', db] : [])], { cwd: dir });
      assert.equal(r.code, 2, `${command}: ${r.stderr}`);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `${command}: ${r.stderr}`);
      assert.match(lines[0], /^vtcode-errors: .*formats\/b-bad\.json: \/tables\/RATE_LIMIT\/markers\/1\/pattern: not a regular expression/);
      assert.equal(r.stdout, '', command);
    }
    // serve stops before it listens.
    const serve = run(['serve', log, '--formats', formats, '--listen', '127.0.0.1:0', '--state', join(dir, 'state.db')], { cwd: dir });
    assert.equal(serve.code, 2, serve.stderr);
    assert.match(serve.stderr, /b-bad\.json: \/tables\/RATE_LIMIT\/markers\/1\/pattern/);
  });

  test('JSON that does not parse: file and line; a missing directory; a directory of no format files', () => {
    const dir = tmpDir();
    const log = writeFixture(dir, 'app.jsonl', jsonl([{ ts: TS, status: 500 }]));
    writeFixture(dir, 'broken/x.json', '{\n  "kind": "fields",\n  "fields": {,}\n}\n');
    writeFixture(dir, 'empty/notes.txt', 'nothing here');
    const cases: Array<[string, RegExp]> = [
      [join(dir, 'broken'), /broken\/x\.json: line 3: not JSON/],
      [join(dir, 'nope'), /--formats .*nope: no such directory/],
      [join(dir, 'empty'), /--formats .*empty: no format files \(\*\.json\) in it/],
    ];
    for (const [formats, message] of cases) {
      const r = run(['analyze', log, '--formats', formats]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });
});

describe('provenance comes from the reader, never from the data', () => {
  const ARCHIVE_TS = '2026-11-20T14:03:11.200Z';
  const archive = {
    metadata: { provider: 'gemini', model: 'gemini-2.5-flash' },
    error_logs: [{ timestamp: ARCHIVE_TS, level: 'ERROR', target: 'vtcode_core::llm', message: 'stream ended early' }],
  };

  test('a JSON record with "__origin": "debug" is an ordinary record: no twin of the archive entry', () => {
    const dir = tmpDir();
    const files = writeFixtures(dir, {
      'session-1.json': JSON.stringify(archive),
      'app.jsonl': jsonl([{ timestamp: '2026-11-20T14:03:11.000Z', level: 'ERROR', target: 'vtcode_core::llm', message: 'stream ended early', __origin: 'debug' }]),
    });
    const rows = allRows(ingestTo([files['session-1.json'], files['app.jsonl']]));
    assert.equal(rows.length, 2, JSON.stringify(rows));
    // And read alone, it carries no twin key.
    const [row] = rowsOf(JSON.stringify({ ts: 1, level: 'ERROR', message: 'x', __origin: 'debug' }));
    assert.equal(row.dedup, undefined);
  });

  test('the same event as a line of the debug log is the archive entry\'s twin: counted once', () => {
    const dir = tmpDir();
    const files = writeFixtures(dir, {
      'session-1.json': JSON.stringify(archive),
      'debug-1.log': '2026-11-20T14:03:11.000000Z ERROR vtcode_core::llm: stream ended early attempt=1\n',
    });
    const rows = allRows(ingestTo([files['session-1.json'], files['debug-1.log']]));
    assert.equal(rows.length, 1, JSON.stringify(rows));
    assert.equal(rowsOf('2026-11-20T14:03:11.000000Z ERROR vtcode_core::llm: stream ended early')[0].dedup?.origin, 'debug');
  });
});
