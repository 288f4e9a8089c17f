// Issue 14: generated tests that hold on Prometheus 2.x and 3.x (range semantics, sample interval), short
// windows against scrape_interval, selectors with RE2 semantics, and PromQL parsed at generation time.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { parseDurationSeconds } from '../src/config/duration.js';
import { loadConfig, parseConfig } from '../src/config/load.js';
import { labelRegexMatches } from '../src/config/selector.js';
import { defaultConfig } from '../src/config/types.js';
import { generateAlertFiles } from '../src/generate/alert-files.js';
import { buildAlertTests, sampleIntervalMs } from '../src/generate/alert-tests.js';
import { buildRules, readAlertTemplates } from '../src/generate/alerts.js';
import { labelSamples } from '../src/generate/label-samples.js';
import { expandSeries, extrapolatedRate, SEMANTICS, type SemanticsName } from '../src/generate/promsim.js';
import { cli, promtool, ROOT, tempDir, withFiles } from './alerts-support.js';

const EXAMPLE = join(ROOT, 'examples', 'vtcode-errors.yaml');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'alerts');

// Windows that share little with the evaluation interval, overrides with their own windows, a ratio.
const ODD = `
evaluation_interval: 1m
scrape_interval: 10s
alerts:
  high_error_rate: { window: 90s, for: 2m }
  rate_limit_exceeded: { window: 1m, for: 1m }
  provider_unavailable: { window: 45s, for: 0m, threshold: 3 }
  low_recovery_rate: { window: 7m, for: 3m }
  overrides:
    gemini:
      rate_limit_exceeded: { window: 2m, threshold: 7 }
      high_error_rate: { window: 10m }
`;

interface TestGroup {
  name: string;
  interval: string;
  input_series: Array<{ series: string; values: string }>;
  alert_rule_test: Array<{ eval_time: string; exp_alerts: unknown[] }>;
}

function testsOf(text: string): TestGroup[] {
  return (parseYaml(text) as { tests: TestGroup[] }).tests;
}

/** gen-alerts --out rules.yml --tests rules.test.yml, in-process (the library the command calls; an error throws). */
function generate(configFile: string | null) {
  const dir = tempDir();
  const g = generateAlertFiles(configFile ? loadConfig(configFile) : defaultConfig(), { testsRuleFile: 'rules.yml' });
  writeFileSync(join(dir, 'rules.yml'), g.rules.text);
  writeFileSync(join(dir, 'rules.test.yml'), g.tests!);
  return { dir, tests: testsOf(g.tests!) };
}

describe('range semantics (Prometheus 2.x closed, 3.x left-open)', () => {
  it('a window holding one sample gives nothing on 3.x but a value on 2.x: why the old 1m interval for a 1m window failed', () => {
    const values = expandSeries(101, 4); // 0+101x4 at 1m: the old RateLimitExceeded test
    assert.equal(extrapolatedRate(values, 60_000, 120_000, 60_000, false, SEMANTICS['2.x']), 101);
    assert.equal(extrapolatedRate(values, 60_000, 120_000, 60_000, false, SEMANTICS['3.x']), null);
  });

  it('with 4 samples to the window, both give the events put in it', () => {
    const values = expandSeries(25.25, 16); // 101 per minute, sampled every 15s
    for (const name of Object.keys(SEMANTICS) as SemanticsName[]) {
      assert.equal(extrapolatedRate(values, 15_000, 120_000, 60_000, false, SEMANTICS[name]), 101, name);
    }
  });

  it('the sample interval divides the evaluation interval and every window, with at least 4 samples to a window', () => {
    assert.equal(sampleIntervalMs(60_000, [60_000]), 15_000);
    assert.equal(sampleIntervalMs(60_000, [300_000, 900_000]), 15_000);
    assert.equal(sampleIntervalMs(60_000, [120_000]), 30_000);
    assert.equal(sampleIntervalMs(60_000, [45_000]), 3_750); // 45s / 12, the largest step giving >= 4
    assert.equal(sampleIntervalMs(60_000, [1_001]), 1); // 1001ms = 7 x 11 x 13: 143 does not divide 60s
  });

  for (const [name, config] of [
    ['the default config', null],
    ['examples/vtcode-errors.yaml', EXAMPLE],
    ['test/fixtures/alerts/other.yaml', join(FIXTURES, 'other.yaml')],
    ['odd windows and overrides', 'ODD'],
  ] as const) {
    it(`every generated test samples each window at least 4 times, and 2.x and 3.x expect the same alerts: ${name}`, () => {
      const file = config === 'ODD' ? join(withFiles({ 'c.yaml': ODD }), 'c.yaml') : config;
      const cfg = file ? loadConfig(file) : defaultConfig();
      const g = generate(file);
      assert.ok(g.tests.length >= 14, `${g.tests.length} tests`);
      for (const t of g.tests) {
        const interval = parseDurationSeconds(t.interval);
        const window = parseDurationSeconds(/window ([0-9a-z]+),/.exec(t.name)![1]);
        assert.ok(window / interval >= 4 && Number.isInteger(window / interval), `${t.name}: interval ${t.interval}`);
        assert.ok(Number.isInteger(parseDurationSeconds(cfg.evaluation_interval) / interval), `${t.name}: interval ${t.interval}`);
      }
      // The expectations of each semantics alone, compared whole: every test name, series and alert.
      const built = buildRules(cfg, readAlertTemplates());
      const only = (s: SemanticsName) => JSON.stringify(buildAlertTests(cfg, built, 'rules.yml', [s]));
      assert.equal(only('3.x'), only('2.x'));
      assert.equal(only('2.x (late)'), only('2.x'));
      assert.equal(only('2.x'), JSON.stringify(buildAlertTests(cfg, built, 'rules.yml')));
      // And promtool (2.x here) agrees with them.
      const t = promtool(['test', 'rules', 'rules.test.yml'], g.dir);
      assert.equal(t.code, 0, t.stdout + t.stderr);
    });
  }

  it('RateLimitExceeded with the defaults: 15s samples, 5 in the closed window, 4 in the left-open one', () => {
    const g = generate(null);
    const rl = g.tests.filter((t) => t.name.startsWith('RateLimitExceeded'));
    assert.deepEqual(rl.map((t) => t.interval), ['15s', '15s']);
    assert.equal(rl[0].input_series[0].values, '0+25.25x16');
  });
});

describe('scrape_interval and short windows', () => {
  const SHORT = 'scrape_interval: 30s\nalerts:\n  auth_failures:\n    window: 45s\n  overrides:\n    gemini:\n      rate_limit_exceeded: { window: 50s }\n';

  it('gen-alerts refuses a window shorter than 2 x scrape_interval, naming the key and its line (exit 2)', () => {
    const dir = withFiles({ 'c.yaml': SHORT });
    const r = cli(['gen-alerts', '--config', 'c.yaml'], dir);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trim().split('\n');
    assert.match(lines[0], /^vtcode-errors: c\.yaml:4: alerts\.auth_failures\.window: window 45s of LLMAuthFailures is shorter than 2 × scrape_interval \(30s\)/);
    assert.match(lines[1], /^c\.yaml:7: alerts\.overrides\.gemini\.rate_limit_exceeded\.window: window 50s of RateLimitExceeded \(override for gemini\) is shorter/);
    assert.equal(lines[2], '(--allow-short-windows writes the rules anyway)');
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it('a default window too short for the scrape_interval names the key and the scrape_interval line', () => {
    const dir = withFiles({ 'c.yaml': 'evaluation_interval: 1m\nscrape_interval: 45s\n' });
    const r = cli(['gen-alerts', '--config', 'c.yaml'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^vtcode-errors: c\.yaml:2: alerts\.rate_limit_exceeded\.window: window 1m of RateLimitExceeded is shorter than 2 × scrape_interval \(45s\)/);
  });

  it('--allow-short-windows writes the rules and warns; the defaults (15s) pass silently', () => {
    const dir = withFiles({ 'c.yaml': SHORT });
    const r = cli(['gen-alerts', '--config', 'c.yaml', '--allow-short-windows', '--out', 'r.yml'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^vtcode-errors: warning: c\.yaml:4: alerts\.auth_failures\.window: window 45s/m);
    assert.match(readFileSync(join(dir, 'r.yml'), 'utf8'), /\[45s\]/);
    const d = cli(['gen-alerts', '--out', join(tempDir(), 'r.yml')]);
    assert.equal(d.code, 0);
    assert.doesNotMatch(d.stderr, /warning/);
  });

  it('scrape_interval is validated like any duration, with its line', () => {
    assert.throws(() => parseConfig('evaluation_interval: 1m\nscrape_interval: 15 s\n', 'c.yaml'), /^.*scrape_interval: expected a Prometheus duration above zero.*\(c\.yaml:2\)$/);
  });
});

describe('selectors are RE2, fully anchored', () => {
  const RE2_ONLY = `metrics:\n  selector: 'env=~"(?i)prod", team=~"[[:alpha:]]+", zone=~"\\\\pL+-[[:digit:]]"'\n`;

  it('RE2-only syntax is accepted, sampled into the tests, and promtool-clean', () => {
    const dir = withFiles({ 'c.yaml': RE2_ONLY });
    const g = generate(join(dir, 'c.yaml'));
    const check = promtool(['check', 'rules', 'rules.yml'], g.dir);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(readFileSync(join(g.dir, 'rules.yml'), 'utf8'), /env=~"\(\?i\)prod", team=~"\[\[:alpha:\]\]\+"/);
    assert.match(g.tests[0].input_series[0].series, /^llm_errors_total\{env="prod", provider="gemini", team="a", zone="a-0"\}$/);
    const t = promtool(['test', 'rules', 'rules.test.yml'], g.dir);
    assert.equal(t.code, 0, t.stdout + t.stderr);
  });

  it('a lookahead, a backreference or an unbalanced group is refused, naming the key and its line', () => {
    for (const [re, why] of [['a(?=b)', 'invalid or unsupported Perl syntax: `(?=`'], ['(a)\\\\1', 'invalid escape sequence: `\\1`'], ['a)|(b', 'unexpected ): `a)|(b`']]) {
      const dir = withFiles({ 'c.yaml': `providers: [gemini]\nmetrics:\n  prefix: llm\n  selector: 'team=~"${re}"'\n` });
      const r = cli(['gen-alerts', '--config', 'c.yaml'], dir);
      assert.equal(r.code, 2, re);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.ok(r.stderr.startsWith('vtcode-errors: metrics.selector: '), r.stderr);
      assert.ok(r.stderr.includes(`not a valid RE2 regular expression (${why})`), r.stderr);
      assert.ok(r.stderr.trim().endsWith('(c.yaml:4)'), r.stderr);
    }
  });

  it('matches as Prometheus does: anchored, RE2 classes, and a newline under `.` only where 2.x and 3.x agree', () => {
    assert.equal(labelRegexMatches('prod', 'production'), false);
    assert.equal(labelRegexMatches('(?i)prod', 'PROD'), true);
    assert.equal(labelRegexMatches('[[:alpha:]]+', 'abc'), true);
    assert.equal(labelRegexMatches('[[:alpha:]]+', 'ab1'), false);
    assert.equal(labelRegexMatches('a.b', 'a\nb'), null);
    assert.deepEqual(labelSamples([{ name: 'env', op: '!~', value: '(?i)x|vtcode-errors-test|' }, { name: 'env', op: '=~', value: '[[:upper:]]+' }]), { env: 'A' });
  });
});

describe('PromQL is parsed when it is generated', () => {
  it('a user alert template with broken PromQL is refused with its file and line, and the expression (exit 2)', () => {
    const dir = tempDir();
    cpSync(join(ROOT, 'templates', 'alerts'), join(dir, 'alerts'), { recursive: true });
    const file = join(dir, 'alerts', 'provider_unavailable.yaml');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('[<% window %>])) > <% threshold %>', '[<% window %>]) > <% threshold %>'));
    const line = text.split('\n').findIndex((l) => l.includes('> <% threshold %>')) + 1;
    const r = cli(['gen-alerts', '--templates', join(dir, 'alerts')], dir);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `vtcode-errors: ${file}:${line}: expr of ProviderUnavailable is not valid PromQL (at its end): sum by (provider) (increase(llm_errors_total{error_type="server_error"}[2m]) > 10\n`);
  });

  it('a line of a multi-line expression is named: the line that breaks, not the expr key', () => {
    const dir = tempDir();
    cpSync(join(ROOT, 'templates', 'alerts'), join(dir, 'alerts'), { recursive: true });
    const file = join(dir, 'alerts', 'low_recovery_rate.yaml');
    const lines = readFileSync(file, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.trim() === '/');
    lines[at] = '  / /';
    writeFileSync(file, lines.join('\n'));
    const r = cli(['gen-alerts', '--templates', join(dir, 'alerts')], dir);
    assert.equal(r.code, 2);
    assert.ok(r.stderr.startsWith(`vtcode-errors: ${file}:${at + 1}: expr of LowLLMRecoveryRate is not valid PromQL (near "/`), r.stderr);
  });

  it('a dashboard template target with broken PromQL is refused with its file and line (exit 2)', () => {
    const dir = tempDir();
    cpSync(join(ROOT, 'templates', 'dashboards'), join(dir, 'dashboards'), { recursive: true });
    const file = join(dir, 'dashboards', 'provider.json');
    const text = readFileSync(file, 'utf8');
    const broken = text.replace(/("expr": "sum by \(provider\) \(rate\()/, '$1(');
    assert.notEqual(broken, text);
    writeFileSync(file, broken);
    const line = broken.slice(0, broken.indexOf('(rate((')).split('\n').length;
    const r = cli(['gen-dashboard', '--templates', join(dir, 'dashboards'), '--out', join(dir, 'out')], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`^vtcode-errors: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}: panels\\[\\d+\\] \\(.+\\): target is not valid PromQL \\(.+\\): sum by \\(provider\\) \\(rate\\(\\(`));
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });
});
