// What `check` prints (issue 13, items 7b, 8, 9): the table groups episodes per alert and provider as
// markdown does, every human format writes the same value the same way, and drift is a real line diff.
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffExcerpt } from '../src/check/drift.js';
import { jsonl, ok, run, tmpDir, writeFixture } from './helpers.js';

const at = (hms: string) => `2026-11-20T${hms}Z`;
type Rec = Record<string, unknown>;
const errors = (n: number, time: string, provider: string, errorType: string, extra: Rec = {}): Rec[] =>
  Array.from({ length: n }, () => ({ timestamp: at(time), level: 'ERROR', provider, error_type: errorType, error_message: `${errorType} happened`, ...extra }));
const events = (n: number, time: string, provider: string, event: string): Rec[] => Array.from({ length: n }, () => ({ timestamp: at(time), provider, event }));

// Default config. deepseek: HighLLMErrorRate peaks at 40/300 = 0.1333/s; gemini: 101/300 = 0.3367/s, and
// RateLimitExceeded peaks at 101; moonshot: 7 recovered of 13 outcomes, 53.85%, below 80%; openrouter: one
// auth error every 20 minutes, LLMAuthFailures fires 6 times with peak 1.
const LOG: Rec[] = [
  ...errors(31, '10:00:30.000', 'deepseek', 'network_error'),
  ...errors(40, '10:05:30.000', 'deepseek', 'network_error'),
  ...errors(101, '10:00:30.000', 'gemini', 'rate_limit', { status_code: 429 }),
  ...errors(101, '10:01:30.000', 'gemini', 'rate_limit', { status_code: 429 }),
  ...events(7, '10:00:30.000', 'moonshot', 'recovered'),
  ...events(6, '10:00:30.000', 'moonshot', 'failed'),
  ...['10:00:30', '10:20:30', '10:40:30', '11:00:30', '11:20:30', '11:40:30'].flatMap((t) => errors(1, `${t}.000`, 'openrouter', 'auth_error')),
];

// pair -> [episodes, peak] as every format must print them.
const EXPECTED: Record<string, [string, string]> = {
  'HighLLMErrorRate deepseek': ['1', '0.1333/s'],
  'HighLLMErrorRate gemini': ['1', '0.3367/s'],
  'RateLimitExceeded gemini': ['1', '101'],
  'LLMAuthFailures openrouter': ['6', '1'],
  'LowLLMRecoveryRate moonshot': ['1', '53.85%'],
};

function scenario(records: Rec[]): { dir: string; log: string } {
  const dir = tmpDir('vtce-check-output-');
  return { dir, log: writeFixture(dir, 'log.jsonl', jsonl(records)) };
}

const check = (args: string[], dir: string) => run(['check', ...args], { cwd: dir, env: { NO_COLOR: '1' } });

/** The rows (cells trimmed, header first) of the table titled `title` in piped table output. */
function tableRows(text: string, title: string): string[][] {
  const lines = text.split('\n');
  const from = lines.indexOf(title);
  assert.ok(from >= 0, `no section ${title}:\n${text}`);
  const rows: string[][] = [];
  for (const l of lines.slice(from + 2)) {
    if (!l.startsWith('│')) break;
    rows.push(l.split('│').slice(1, -1).map((c) => c.trim()));
  }
  return rows;
}

/** The rows of the markdown table whose header row is `header`, cells unescaped. */
function markdownRows(text: string, header: string): string[][] {
  const lines = text.split('\n');
  const from = lines.indexOf(header);
  assert.ok(from >= 0, `no table ${header}:\n${text}`);
  const rows: string[][] = [];
  for (const l of lines.slice(from)) {
    if (!l.startsWith('|')) break;
    rows.push(l.slice(2, -2).split(' | ').map((c) => c.replace(/&lt;/g, '<').replace(/&amp;/g, '&')));
  }
  return [rows[0], ...rows.slice(2)];
}

const xmlDecode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
const ghDecode = (s: string) => s.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');

/** From a fired-alert sentence (GitHub, JUnit): [episodes, peak]. */
function fromSentence(s: string): [string, string] {
  const m = /would have fired for \S+ (once|(\d+) times), .*; (?:peak|lowest) (\S+) \(/.exec(s);
  assert.ok(m, s);
  return [m[2] ?? '1', m[3]];
}

// Float noise: a number with more decimals than any human format prints.
const NOISE = /\d\.\d{5,}/;

describe('check output: grouping and numbers', () => {
  test('table: one row per alert and provider, the same cells as the markdown table', () => {
    const s = scenario(LOG);
    const json = JSON.parse(check([s.log, '--format', 'json'], s.dir).stdout) as { episodes: unknown[] };
    assert.equal(json.episodes.length, 10);
    const table = check([s.log], s.dir);
    assert.equal(table.code, 1, table.stderr);
    const rows = tableRows(table.stdout, 'Alerts that would have fired');
    assert.deepEqual(rows[0], ['alert', 'provider', 'severity', 'episodes', 'first start', 'last end', 'peak', 'condition']);
    assert.equal(rows.length - 1, 5, 'five pairs fired, in ten episodes');
    assert.deepEqual(
      rows.find((r) => r[1] === 'openrouter'),
      ['LLMAuthFailures', 'openrouter', 'warning', '6', '2026-11-20T10:01:00.000Z', '2026-11-20T11:46:00.000Z', '1', '> 0 in 5m, for 0m'],
    );
    assert.deepEqual(rows.find((r) => r[1] === 'moonshot')?.slice(6), ['53.85% (lowest)', '< 80% over 15m, with at least 10 outcomes, for 10m']);
    const md = check([s.log, '--format', 'markdown'], s.dir).stdout;
    assert.deepEqual(markdownRows(md, '| alert | provider | severity | episodes | first start | last end | peak | condition |'), rows);
    assert.match(table.stdout, /FAIL: 5 alert×provider pairs would have fired \(10 episodes\)\n$/);
    assert.ok(md.includes('**FAIL: 5 alert×provider pairs would have fired (10 episodes)**'), md);
  });

  test('table, markdown, github and junit print the same episodes and peak for every pair, with no float noise', () => {
    const s = scenario(LOG);
    const junit = join(s.dir, 'check.xml');
    const table = check([s.log, '--junit', junit], s.dir).stdout;
    const md = check([s.log, '--format', 'markdown'], s.dir).stdout;
    const gh = check([s.log, '--format', 'github'], s.dir).stdout;
    const xml = readFileSync(junit, 'utf8');

    const byPair = (rows: string[][]) => Object.fromEntries(rows.slice(1).map((r) => [`${r[0]} ${r[1]}`, [r[3], r[6].replace(/ \(lowest\)$/, '')]]));
    assert.deepEqual(byPair(tableRows(table, 'Alerts that would have fired')), EXPECTED, 'table');
    assert.deepEqual(byPair(markdownRows(md, '| alert | provider | severity | episodes | first start | last end | peak | condition |')), EXPECTED, 'markdown');
    const ghLines = gh.trim().split('\n').map((l) => /^::\w+ title=([^:]*)::(.*)$/.exec(l)!);
    assert.deepEqual(Object.fromEntries(ghLines.map((m) => [ghDecode(m[1]), fromSentence(ghDecode(m[2]))])), EXPECTED, 'github');
    const failures = [...xml.matchAll(/name="([^"]*)" time="0">\n\s*<failure message="([^"]*)"/g)];
    assert.deepEqual(Object.fromEntries(failures.map((m) => [xmlDecode(m[1]), fromSentence(xmlDecode(m[2]))])), EXPECTED, 'junit');
    // Each episode in the JUnit failure text and markdown's episode list: the same value strings.
    assert.match(xmlDecode(xml), /2026-11-20T10:11:00\.000Z to 2026-11-20T10:16:00\.000Z: lowest 53\.85%<\/failure>/);
    assert.ok(md.includes('| LowLLMRecoveryRate | moonshot | 2026-11-20T10:11:00.000Z | 2026-11-20T10:16:00.000Z | 53.85% (lowest) |'), md);
    assert.ok(md.includes('| HighLLMErrorRate | deepseek | 2026-11-20T10:06:00.000Z | 2026-11-20T10:11:00.000Z | 0.1333/s |'), md);
    // Thresholds read as the values do: a ratio as a percentage, a rate per second.
    for (const [name, text] of [['table', table], ['markdown', xmlDecode(md)], ['github', ghDecode(gh)], ['junit', xmlDecode(xml)]]) {
      assert.ok(text.includes('< 80% over 15m, with at least 10 outcomes, for 10m'), `${name}: ratio threshold`);
      assert.ok(text.includes('> 0.1/s over 5m, for 5m'), `${name}: rate threshold`);
      assert.doesNotMatch(text, NOISE, `${name}: float noise`);
    }
    // JSON keeps the exact numbers.
    const json = JSON.parse(check([s.log, '--format', 'json'], s.dir).stdout) as { episodes: Array<{ provider: string; alert: string; peak: number; low: number }> };
    assert.equal(json.episodes.find((e) => e.provider === 'moonshot')!.low, 7 / 13);
    assert.equal(json.episodes.find((e) => e.provider === 'deepseek')!.peak, 40 / 300);
  });
});

describe('check output: drift as a line diff', () => {
  test('a changed threshold: only the changed lines are - and +, as diff -u shows them, in every format', () => {
    const s = scenario(LOG);
    const rules = join(s.dir, 'rules.yml');
    ok(['gen-alerts', '--out', rules], { cwd: s.dir });
    const config = writeFixture(s.dir, 'vtcode-errors.yaml', 'alerts:\n  rate_limit_exceeded: { threshold: 150 }\n');
    const fresh = join(s.dir, 'fresh.yml');
    ok(['gen-alerts', '--config', config, '--out', fresh], { cwd: s.dir });
    const oldLines = readFileSync(rules, 'utf8').split('\n');
    const newLines = readFileSync(fresh, 'utf8').split('\n');
    const oldExpr = oldLines.find((l) => l.includes('increase(llm_rate_limits_total[1m])) > 100'))!;
    assert.ok(oldExpr);
    const newExpr = oldExpr.replace('> 100', '> 150');

    const r = check([s.log, '--rules', rules, '--format', 'json'], s.dir);
    assert.equal(r.code, 1, r.stderr);
    const drift = (JSON.parse(r.stdout) as { drift: Array<{ status: string; line: number; diff: string[] }> }).drift[0];
    assert.equal(drift.status, 'stale');
    const body = drift.diff.slice(2);
    const removed = body.filter((l) => l.startsWith('-')).map((l) => l.slice(1));
    const added = body.filter((l) => l.startsWith('+')).map((l) => l.slice(1));
    assert.ok(removed.includes(oldExpr) && added.includes(newExpr), drift.diff.join('\n'));
    // The config hash, the expression and the description's threshold: nothing else changed.
    assert.deepEqual([removed.length, added.length], [3, 3], drift.diff.join('\n'));
    assert.ok(removed.every((l) => !newLines.includes(l)), 'a removed line is not in the generated file');
    assert.ok(added.every((l) => !oldLines.includes(l)), 'an added line is not in the file on disk');
    const after = oldLines[oldLines.indexOf(oldExpr) + 1];
    assert.equal(after, '        for: 1m');
    assert.ok(body.includes(` ${after}`), 'the line after the expression is context');
    assert.equal(drift.line, oldLines.findIndex((l) => l.startsWith('# Config sha256')) + 1);
    // The same hunks GNU diff prints with two lines of context.
    const gnu = spawnSync('diff', ['-U2', rules, fresh], { encoding: 'utf8' });
    assert.equal(gnu.status, 1, gnu.stderr);
    assert.deepEqual(body, gnu.stdout.trimEnd().split('\n').slice(2));

    // Every format that shows drift shows the same diff: the table indented, markdown in a diff block, JUnit as the failure text.
    const block = (text: string, indent: string) => {
      const lines = text.split('\n');
      const from = lines.indexOf(`${indent}--- ${rules}`);
      return lines.slice(from, from + drift.diff.length).map((l) => l.slice(indent.length));
    };
    assert.deepEqual(block(check([s.log, '--rules', rules], s.dir).stdout, '  '), drift.diff, 'table');
    const md = check([s.log, '--rules', rules, '--format', 'markdown'], s.dir).stdout;
    assert.deepEqual(block(md, ''), drift.diff, 'markdown');
    assert.ok(md.includes(`\`\`\`diff\n--- ${rules}\n`), md);
    const junit = join(s.dir, 'drift.xml');
    check([s.log, '--rules', rules, '--junit', junit], s.dir);
    const failure = /<failure [^>]*type="stale">([^<]*)<\/failure>/.exec(readFileSync(junit, 'utf8'));
    assert.deepEqual(xmlDecode(failure![1]).split('\n'), drift.diff, 'junit');
  });

  test('diffExcerpt: separate hunks for separate edits, a pure insertion, a cap on long diffs', () => {
    const base = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
    const edited = [...base];
    edited[4] = 'five';
    edited[24] = 'twenty-five';
    const d = diffExcerpt(`${base.join('\n')}\n`, `${edited.join('\n')}\n`, 'f');
    assert.equal(d.line, 5);
    assert.deepEqual(d.lines, [
      '--- f', '+++ generated from the config',
      '@@ -3,5 +3,5 @@', ' line 3', ' line 4', '-line 5', '+five', ' line 6', ' line 7',
      '@@ -23,5 +23,5 @@', ' line 23', ' line 24', '-line 25', '+twenty-five', ' line 26', ' line 27',
    ]);
    const inserted = diffExcerpt(`${base.join('\n')}\n`, `${[...base.slice(0, 10), 'new', ...base.slice(10)].join('\n')}\n`, 'f');
    assert.deepEqual([inserted.line, inserted.lines.slice(2)], [11, ['@@ -9,4 +9,5 @@', ' line 9', ' line 10', '+new', ' line 11', ' line 12']]);
    const other = Array.from({ length: 100 }, (_, i) => `other ${i}`);
    const long = diffExcerpt(`${base.join('\n')}\n`, `${other.join('\n')}\n`, 'f');
    assert.equal(long.lines.length, 2 + 60 + 1);
    assert.equal(long.lines.at(-1), `  ... ${1 + 30 + 100 - 60} more lines of diff`);
  });
});
