// vtcode-errors.yaml: loading, defaults, strict validation (every error with its key path and line),
// durations, selectors, the config hash, dashboard uids, the template engine, and `init`.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, parseConfig } from '../src/config/load.js';
import { defaultConfig } from '../src/config/types.js';
import { formatDurationMs, isDuration, parseDurationSeconds, tryParseDurationMs } from '../src/config/duration.js';
import { formatMatchers, parseSelector } from '../src/config/selector.js';
import { promqlString } from '../src/escape.js';
import { configHash, normalizedConfig } from '../src/config/hash.js';
import { dashboardUid } from '../src/generate/uid.js';
import { fill } from '../src/generate/template.js';
import { UserError } from '../src/model.js';
import { cli, ROOT, tempDir, withFiles } from './alerts-support.js';

const F = 'vtcode-errors.yaml';

function errorOf(text: string): string {
  try {
    parseConfig(text, F);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${err}`);
    assert.equal((err as ConfigError).exitCode, 2);
    return (err as Error).message;
  }
  assert.fail(`expected an error for:\n${text}`);
}

describe('loadConfig', () => {
  it('gives the built-in defaults when no path is given and ./vtcode-errors.yaml is absent', () => {
    const dir = tempDir();
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      assert.deepEqual(loadConfig(), defaultConfig());
      assert.equal(loadConfig().source, null);
    } finally {
      process.chdir(cwd);
    }
  });

  it('reads ./vtcode-errors.yaml when present and no path is given', () => {
    const dir = withFiles({ [F]: 'metrics: { prefix: vt }\n' });
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      const c = loadConfig();
      assert.equal(c.metrics.prefix, 'vt');
      assert.equal(c.source, F);
    } finally {
      process.chdir(cwd);
    }
  });

  it('fills every key left out with its default', () => {
    const c = parseConfig('alerts:\n  rate_limit_exceeded: { threshold: 300 }\n', F);
    const want = defaultConfig();
    want.alerts.rate_limit_exceeded.threshold = 300;
    want.source = F;
    assert.deepEqual(c, want);
  });

  it('treats an empty file as the defaults', () => {
    assert.deepEqual(parseConfig('', F), { ...defaultConfig(), source: F });
    assert.deepEqual(parseConfig('# only a comment\n', F), { ...defaultConfig(), source: F });
  });

  it('names a missing or unreadable file', () => {
    const dir = tempDir();
    const missing = join(dir, 'nope.yaml');
    assert.throws(() => loadConfig(missing), (e: unknown) => e instanceof UserError && e.message === `cannot read config ${missing}: no such file`);
    assert.throws(() => loadConfig(dir), (e: unknown) => e instanceof UserError && e.message === `cannot read config ${dir}: is a directory`);
  });

  it('reads the full DESIGN.md §6 layout', () => {
    const c = parseConfig(
      [
        "metrics: { prefix: vtcode, selector: 'job=\"vt\"' }",
        'providers: [gemini, xai]',
        'evaluation_interval: 30s',
        'alerts:',
        '  high_error_rate: { threshold: 0.2, window: 10m, for: 1h30m, severity: page }',
        '  low_recovery_rate: { min_events: 5, threshold: 0.5 }',
        '  fallback_storm: { enabled: false }',
        '  overrides: { gemini: { rate_limit_exceeded: { threshold: 300, enabled: true }, low_recovery_rate: { min_events: 2 } } }',
        '  labels: { team: ai-platform }',
        '  runbook_base_url: https://runbooks.example.com/llm/',
        'grafana: { url: "https://grafana.example.com/", folder: LLM }',
      ].join('\n'),
      F,
    );
    assert.deepEqual(c.metrics, { prefix: 'vtcode', selector: 'job="vt"' });
    assert.deepEqual(c.providers, ['gemini', 'xai']);
    assert.equal(c.evaluation_interval, '30s');
    assert.deepEqual(c.alerts.high_error_rate, { enabled: true, threshold: 0.2, window: '10m', for: '1h30m', severity: 'page' });
    assert.deepEqual(c.alerts.low_recovery_rate, { enabled: true, threshold: 0.5, window: '15m', for: '10m', severity: 'warning', min_events: 5 });
    assert.equal(c.alerts.fallback_storm.enabled, false);
    assert.deepEqual(c.overrides, { gemini: { rate_limit_exceeded: { threshold: 300, enabled: true }, low_recovery_rate: { min_events: 2 } } });
    assert.deepEqual(c.labels, { team: 'ai-platform' });
    // Trailing slashes dropped so that <base>/<AlertName> has one slash.
    assert.equal(c.runbook_base_url, 'https://runbooks.example.com/llm');
    assert.deepEqual(c.grafana, { url: 'https://grafana.example.com', folder: 'LLM' });
  });

  it('reads `for: 0` (a YAML number) as a zero duration, as Prometheus does', () => {
    assert.equal(parseConfig('alerts:\n  high_error_rate: { for: 0 }\n', F).alerts.high_error_rate.for, '0s');
  });

  it('keeps provider ids with quotes, braces and newlines as data', () => {
    const c = parseConfig(`providers: ['a"}) or vector(1) #', "multi\\nline"]\nalerts:\n  overrides:\n    'a"}) or vector(1) #': { auth_failures: { enabled: false } }\n`, F);
    assert.deepEqual(c.providers, ['a"}) or vector(1) #', 'multi\nline']);
    assert.deepEqual(Object.keys(c.overrides), ['a"}) or vector(1) #']);
  });
});

describe('config errors name the key and its line', () => {
  const cases: Array<[string, string, string]> = [
    ['negative threshold', 'alerts:\n  rate_limit_exceeded:\n    threshold: -1\n', 'alerts.rate_limit_exceeded.threshold: expected a number >= 0 (vtcode-errors.yaml:3)'],
    ['threshold as a string', 'alerts:\n  high_error_rate: { threshold: "0.1" }\n', 'alerts.high_error_rate.threshold: expected a number >= 0 (vtcode-errors.yaml:2)'],
    ['threshold left empty', 'alerts:\n  high_error_rate:\n    threshold:\n', 'alerts.high_error_rate.threshold: expected a number >= 0 (vtcode-errors.yaml:3)'],
    ['infinite threshold', 'alerts:\n  high_error_rate: { threshold: .inf }\n', 'alerts.high_error_rate.threshold: expected a number >= 0 (vtcode-errors.yaml:2)'],
    ['recovery ratio above 1', 'alerts:\n  low_recovery_rate:\n    threshold: 80\n', 'alerts.low_recovery_rate.threshold: expected a ratio > 0 and <= 1 (recovered / (recovered + failed)) (vtcode-errors.yaml:3)'],
    ['malformed window', 'alerts:\n  high_error_rate:\n    window: 5 minutes\n', 'alerts.high_error_rate.window: expected a Prometheus duration above zero such as 1m, 90s or 1h30m (vtcode-errors.yaml:3)'],
    ['units out of order', 'alerts:\n  high_error_rate:\n    window: 30m1h\n', 'alerts.high_error_rate.window: expected a Prometheus duration above zero such as 1m, 90s or 1h30m (vtcode-errors.yaml:3)'],
    ['zero window', 'alerts:\n  high_error_rate:\n    window: 0m\n', 'alerts.high_error_rate.window: expected a Prometheus duration above zero such as 1m, 90s or 1h30m (vtcode-errors.yaml:3)'],
    ['for as a number other than 0', 'alerts:\n  high_error_rate:\n    for: 5\n', 'alerts.high_error_rate.for: expected a Prometheus duration such as 5m, 90s, 1h30m or 0m (vtcode-errors.yaml:3)'],
    ['fractional duration', 'evaluation_interval: 1.5m\n', 'evaluation_interval: expected a Prometheus duration above zero such as 1m, 90s or 1h30m (vtcode-errors.yaml:1)'],
    ['bad severity', 'alerts:\n  auth_failures:\n    severity: "very bad"\n', 'alerts.auth_failures.severity: expected a severity such as critical, warning or info (letters, digits, _ . -) (vtcode-errors.yaml:3)'],
    ['enabled as yes', 'alerts:\n  auth_failures:\n    enabled: yes\n', 'alerts.auth_failures.enabled: expected true or false (vtcode-errors.yaml:3)'],
    ['min_events on another alert', 'alerts:\n  auth_failures:\n    min_events: 3\n', 'alerts.auth_failures.min_events: unknown key (expected one of: enabled, threshold, window, for, severity) (vtcode-errors.yaml:3)'],
    ['fractional min_events', 'alerts:\n  low_recovery_rate:\n    min_events: 2.5\n', 'alerts.low_recovery_rate.min_events: expected a whole number >= 0 (vtcode-errors.yaml:3)'],
    ['unknown top-level key', 'metrics: {}\nalert: {}\n', 'alert: unknown key (expected one of: metrics, providers, evaluation_interval, scrape_interval, alerts, grafana, serve, analyze) (vtcode-errors.yaml:2)'],
    ['unknown alert', 'alerts:\n  high_error_rates: {}\n', 'alerts.high_error_rates: unknown key (expected one of: high_error_rate, rate_limit_exceeded, provider_unavailable, auth_failures, low_recovery_rate, fallback_storm, circuit_breaker_rejecting, overrides, labels, runbook_base_url) (vtcode-errors.yaml:2)'],
    ['unknown field of an alert', 'alerts:\n  high_error_rate:\n    treshold: 1\n', 'alerts.high_error_rate.treshold: unknown key (expected one of: enabled, threshold, window, for, severity) (vtcode-errors.yaml:3)'],
    ['alert entry not a mapping', 'alerts:\n  high_error_rate: 0.1\n', 'alerts.high_error_rate: expected a mapping (key: value) (vtcode-errors.yaml:2)'],
    ['unknown alert in an override', 'alerts:\n  overrides:\n    gemini:\n      rate_limits: { threshold: 1 }\n', 'alerts.overrides.gemini.rate_limits: unknown key (expected one of: high_error_rate, rate_limit_exceeded, provider_unavailable, auth_failures, low_recovery_rate, fallback_storm, circuit_breaker_rejecting) (vtcode-errors.yaml:4)'],
    ['negative threshold in an override', 'alerts:\n  overrides:\n    gemini:\n      rate_limit_exceeded:\n        threshold: -5\n', 'alerts.overrides.gemini.rate_limit_exceeded.threshold: expected a number >= 0 (vtcode-errors.yaml:5)'],
    ['bad window in an override', 'alerts:\n  overrides:\n    gemini:\n      rate_limit_exceeded: { window: 1x }\n', 'alerts.overrides.gemini.rate_limit_exceeded.window: expected a Prometheus duration above zero such as 1m, 90s or 1h30m (vtcode-errors.yaml:4)'],
    ['empty override', 'alerts:\n  overrides:\n    gemini:\n', 'alerts.overrides.gemini: expected a mapping of alert keys (high_error_rate, rate_limit_exceeded, provider_unavailable, auth_failures, low_recovery_rate, fallback_storm, circuit_breaker_rejecting) to the fields to override (vtcode-errors.yaml:3)'],
    ['numeric provider in overrides', 'alerts:\n  overrides:\n    360:\n      auth_failures: { enabled: false }\n', 'alerts.overrides.360: expected a string key (quote it) (vtcode-errors.yaml:3)'],
    ['padded provider in overrides', "alerts:\n  overrides:\n    ' gemini':\n      auth_failures: { enabled: false }\n", 'alerts.overrides. gemini: a provider id may not start or end with whitespace (vtcode-errors.yaml:3)'],
    ['empty provider id', "providers: [gemini, '']\n", 'providers[1]: expected a non-empty provider id (vtcode-errors.yaml:1)'],
    ['numeric provider id', 'providers:\n  - gemini\n  - 360\n', "providers[1]: expected a provider id (a string; quote numbers: '360') (vtcode-errors.yaml:3)"],
    ['duplicate provider', 'providers:\n  - gemini\n  - gemini\n', 'providers[1]: duplicate provider "gemini" (vtcode-errors.yaml:3)'],
    ['providers not a list', 'providers: gemini\n', 'providers: expected a list of provider ids, e.g. [gemini, anthropic, openai] (vtcode-errors.yaml:1)'],
    ['unencodable provider id', 'providers: ["a\\ud800"]\n', 'providers[0]: a provider id must be valid Unicode text (vtcode-errors.yaml:1)'],
    ['bad label name', 'alerts:\n  labels:\n    team-name: x\n', 'alerts.labels.team-name: expected a Prometheus label name (letters, digits and _, not starting with a digit or __) (vtcode-errors.yaml:3)'],
    ['reserved label name', 'alerts:\n  labels:\n    severity: page\n', 'alerts.labels.severity: label severity is set by the rules themselves (alertname, provider, severity) (vtcode-errors.yaml:3)'],
    ['label value not a string', 'alerts:\n  labels:\n    tier: 1\n', "alerts.labels.tier: expected a non-empty string (quote numbers and booleans: '1') (vtcode-errors.yaml:3)"],
    ['bad runbook URL', 'alerts:\n  runbook_base_url: runbooks.example.com\n', 'alerts.runbook_base_url: expected an http:// or https:// URL (no spaces or quotes), or null (vtcode-errors.yaml:2)'],
    ['template syntax in a URL', 'grafana:\n  url: "https://g.example.com/{{ $labels.x }}"\n', 'grafana.url: expected an http:// or https:// URL (no spaces or quotes), or null (vtcode-errors.yaml:2)'],
    ['empty folder', "grafana:\n  folder: ''\n", 'grafana.folder: expected a non-empty folder name (vtcode-errors.yaml:2)'],
    ['bad metric prefix', 'metrics:\n  prefix: 9llm\n', 'metrics.prefix: expected a metric name prefix (letters, digits, _ and :, not starting with a digit) (vtcode-errors.yaml:2)'],
    ['selector injection', "metrics:\n  selector: 'env=\"prod\"}) or vector(1) #'\n", 'metrics.selector: expected PromQL label matchers such as env="prod", cluster=~"eu-.*": expected "," between matchers at "}) or vector(1) #" (vtcode-errors.yaml:2)'],
    ['selector on provider', "metrics:\n  selector: 'provider=\"gemini\"'\n", 'metrics.selector: expected PromQL label matchers such as env="prod", cluster=~"eu-.*": label provider is set by the generated queries themselves; select on other labels (job, env, ...) (vtcode-errors.yaml:2)'],
    ['selector with a bad regex', "metrics:\n  selector: 'env=~\"(prod\"'\n", 'metrics.selector: expected PromQL label matchers such as env="prod", cluster=~"eu-.*": env=~"(prod": not a valid RE2 regular expression (missing closing ): `(prod`) (vtcode-errors.yaml:2)'],
    ['invalid YAML', 'alerts:\n  high_error_rate: { threshold: 1\n', 'invalid YAML: Flow map in block collection must be sufficiently indented and end with a } (vtcode-errors.yaml:3)'],
    ['duplicate key', 'alerts:\n  auth_failures: {}\n  auth_failures: {}\n', 'invalid YAML: Map keys must be unique (vtcode-errors.yaml:3)'],
    ['top level not a mapping', '- a\n- b\n', 'expected a mapping (key: value) (vtcode-errors.yaml:1)'],
  ];
  for (const [name, text, message] of cases) {
    it(name, () => assert.equal(errorOf(text), message));
  }

  it('reports every problem, one per line, in line order', () => {
    const msg = errorOf('alerts:\n  high_error_rate:\n    window: x\n    threshold: -1\nbogus: 1\n');
    assert.deepEqual(msg.split('\n'), [
      'alerts.high_error_rate.window: expected a Prometheus duration above zero such as 1m, 90s or 1h30m (vtcode-errors.yaml:3)',
      'alerts.high_error_rate.threshold: expected a number >= 0 (vtcode-errors.yaml:4)',
      'bogus: unknown key (expected one of: metrics, providers, evaluation_interval, scrape_interval, alerts, grafana, serve, analyze) (vtcode-errors.yaml:5)',
    ]);
  });

  it('exits 2 from the CLI with the message on stderr', () => {
    const dir = withFiles({ 'bad.yaml': 'alerts:\n  rate_limit_exceeded:\n    window: 1m\n    threshold: -100\n' });
    const r = cli(['gen-alerts', '--config', 'bad.yaml'], dir);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'vtcode-errors: alerts.rate_limit_exceeded.threshold: expected a number >= 0 (bad.yaml:4)\n');
    const missing = cli(['gen-alerts', '--config', 'missing.yaml'], dir);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, 'vtcode-errors: cannot read config missing.yaml: no such file\n');
  });
});

describe('durations', () => {
  it('parses Prometheus durations to seconds', () => {
    const cases: Array<[string, number]> = [
      ['1m', 60], ['90s', 90], ['1h30m', 5400], ['0m', 0], ['0', 0], ['1500ms', 1.5], ['1d', 86400], ['2w', 1209600], ['1y', 31536000], ['1h0m5s', 3605],
    ];
    for (const [text, seconds] of cases) assert.equal(parseDurationSeconds(text), seconds, text);
  });

  it('rejects what Prometheus rejects', () => {
    for (const text of ['', '5', '1.5m', '-1m', '5 m', '30m1h', '1h1h', '1M', 'm', '1mm', ' 1m', '1m ']) {
      assert.equal(tryParseDurationMs(text), null, JSON.stringify(text));
      assert.equal(isDuration(text), false);
      assert.throws(() => parseDurationSeconds(text), /not a Prometheus duration/);
    }
  });

  it('formats durations the way Prometheus prints them', () => {
    assert.equal(formatDurationMs(5_400_000), '1h30m');
    assert.equal(formatDurationMs(0), '0s');
    assert.equal(formatDurationMs(90_500), '1m30s500ms');
    assert.equal(formatDurationMs(86_400_000 * 8), '1w1d');
  });
});

describe('selector', () => {
  it('parses matchers in every quoting and writes one canonical form', () => {
    const m = parseSelector("{job='vt\\'code', env!=\"dev\", re=~`a\\d+`, x!~\"\\u00e9|b\",}");
    assert.deepEqual(m, [
      { name: 'job', op: '=', value: "vt'code" },
      { name: 'env', op: '!=', value: 'dev' },
      { name: 're', op: '=~', value: 'a\\d+' },
      { name: 'x', op: '!~', value: 'é|b' },
    ]);
    assert.equal(formatMatchers(m), 'job="vt\'code", env!="dev", re=~"a\\\\d+", x!~"é|b"');
    assert.deepEqual(parseSelector(formatMatchers(m)), m);
    assert.deepEqual(parseSelector(''), []);
  });

  it('escapes every value into a PromQL string that reads back exactly', () => {
    for (const v of ['a"}) or vector(1) #', 'multi\nline', 'tab\tand\\back', 'sep\u2028\u007f\u0085', '{{ $value }}']) {
      const lit = promqlString(v);
      assert.ok(!/[\n\u2028\u007f\u0085]/.test(lit), lit);
      assert.deepEqual(parseSelector(`x=${lit}`), [{ name: 'x', op: '=', value: v }]);
    }
  });
});

describe('config hash', () => {
  it('ignores layout, comments, key order and where the file is', () => {
    const a = parseConfig('alerts: { labels: { b: "2", a: "1" }, auth_failures: { threshold: 1 } }\n', 'a.yaml');
    const b = parseConfig('# comment\nalerts:\n  auth_failures:\n    threshold: 1\n  labels:\n    a: "1"\n    b: "2"\n', 'elsewhere/b.yaml');
    assert.equal(configHash(a), configHash(b));
    assert.equal(normalizedConfig(a), normalizedConfig(b));
    assert.match(configHash(a), /^[0-9a-f]{64}$/);
  });

  it('changes with any setting', () => {
    const base = configHash(defaultConfig());
    const c = defaultConfig();
    c.alerts.auth_failures.threshold = 1;
    assert.notEqual(configHash(c), base);
    const d = defaultConfig();
    d.providers = ['openai', 'gemini', 'anthropic'];
    assert.notEqual(configHash(d), base);
  });
});

describe('dashboardUid', () => {
  it('is stable, short, URL-safe and follows its documented rule', () => {
    const c = defaultConfig();
    const h = (key: unknown[]) => createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 10);
    assert.equal(dashboardUid(c, 'overview'), `llm-overview-${h(['llm', '', 'overview'])}`);
    assert.equal(dashboardUid(c, { provider: 'gemini' }), `llm-gemini-${h(['llm', '', 'provider', 'gemini'])}`);
    const sel = { metrics: { prefix: 'vtcode:llm', selector: 'env="prod"' } };
    assert.equal(dashboardUid(sel, { provider: 'LM Studio' }), `vtcode-llm-lm-studio-${h(['vtcode:llm', 'env="prod"', 'provider', 'LM Studio'])}`);
    assert.equal(dashboardUid(c, { provider: 'gemini' }), dashboardUid(defaultConfig(), { provider: 'gemini' }));
  });

  it('differs per provider, prefix and selector, even when slugs collide', () => {
    const c = defaultConfig();
    const uids = [
      dashboardUid(c, 'overview'),
      dashboardUid(c, { provider: 'overview' }),
      dashboardUid(c, { provider: 'a b' }),
      dashboardUid(c, { provider: 'a-b' }),
      dashboardUid({ metrics: { prefix: 'llm', selector: 'env="prod"' } }, 'overview'),
      dashboardUid({ metrics: { prefix: 'vt', selector: '' } }, 'overview'),
    ];
    assert.equal(new Set(uids).size, uids.length);
  });

  it('stays within 40 characters of [a-z0-9-] for any provider id', () => {
    for (const p of ['a"}) or vector(1) #', 'x'.repeat(200), 'ÜBER/../..', '', '---', 'multi\nline']) {
      const uid = dashboardUid({ metrics: { prefix: 'a_very_long_metric_prefix_for_testing', selector: '' } }, { provider: p });
      assert.ok(uid.length <= 40, uid);
      assert.match(uid, /^[a-z0-9][a-z0-9-]*[a-z0-9]$/);
    }
  });
});

describe('template placeholders', () => {
  it('fills values through filters, leaving {{ }}, $var and ${var} alone', () => {
    const out = fill('a: <% v | yaml %> {{ $labels.x }} $x ${y} [[z]] <% n %> <% list | regex | promql %>', { v: 'q"x\ny', n: 3, list: ['a.b', 'c|d'] }, 't');
    assert.equal(out, 'a: "q\\"x\\ny" {{ $labels.x }} $x ${y} [[z]] 3 a\\\\.b|c\\\\|d');
  });

  it('writes lists and maps as YAML flow collections with escaped strings', () => {
    assert.equal(fill('<% m | yaml %>', { m: { severity: 'critical', odd: 'a\u2028b' } }, 't'), '{"severity": "critical", "odd": "a\\u2028b"}');
    assert.equal(fill('<% n | yaml %>', { n: 5 }, 't'), '5');
    assert.equal(fill('<% n | yaml %>', { n: null }, 't'), 'null');
  });

  it('applies json anywhere in a chain', () => {
    assert.equal(fill('<% v | regex | json %>', { v: 'a.b' }, 't'), '"a\\\\.b"');
  });

  it('names the template and line of an unknown placeholder, filter or malformed placeholder', () => {
    assert.throws(() => fill('x\ny <% nope %>', {}, 'tpl.yaml'), (e: unknown) => e instanceof UserError && e.message === 'tpl.yaml:2: unknown placeholder <% nope %>');
    assert.throws(() => fill('<% v | shout %>', { v: 'x' }, 'tpl.yaml'), (e: unknown) => e instanceof UserError && e.message === 'tpl.yaml:1: unknown filter "shout" in <% v | shout %>');
    assert.throws(() => fill('a\nb\n<% v w %>', { v: 'x' }, 'tpl.yaml'), (e: unknown) => e instanceof UserError && e.message === 'tpl.yaml:3: malformed placeholder <% v w %>');
  });
});

describe('init', () => {
  it('writes the commented default config, which loads back to exactly the defaults', () => {
    const dir = tempDir();
    const r = cli(['init'], dir);
    assert.equal(r.code, 0, r.stderr);
    const text = readFileSync(join(dir, F), 'utf8');
    assert.equal(text, readFileSync(join(ROOT, 'templates', F), 'utf8'));
    assert.deepEqual(loadConfig(join(dir, F)), { ...defaultConfig(), source: join(dir, F) });
  });

  it('has a comment on every key', () => {
    const lines = readFileSync(join(ROOT, 'templates', F), 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (!/^\s*[a-z_]+:/.test(line)) return;
      const above = lines[i - 1] ?? '';
      assert.ok(line.includes(' # ') || /^\s*#/.test(above), `line ${i + 1} has no comment: ${line}`);
    });
  });

  it('exits 2 when the file exists, unless --force', () => {
    const dir = withFiles({ [F]: 'metrics: { prefix: mine }\n' });
    const r = cli(['init'], dir);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'vtcode-errors: vtcode-errors.yaml already exists (use --force to overwrite it)\n');
    assert.equal(readFileSync(join(dir, F), 'utf8'), 'metrics: { prefix: mine }\n');
    const forced = cli(['init', '--force', '--quiet'], dir);
    assert.equal(forced.code, 0);
    assert.equal(forced.stderr, '');
    assert.equal(loadConfig(join(dir, F)).metrics.prefix, 'llm');
  });

  it('writes to --out', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'conf'));
    const r = cli(['init', '--out', 'conf/monitoring.yaml'], dir);
    assert.equal(r.code, 0);
    assert.ok(existsSync(join(dir, 'conf', 'monitoring.yaml')));
    assert.ok(!existsSync(join(dir, F)));
    const again = cli(['init', '--out', 'conf/monitoring.yaml'], dir);
    assert.equal(again.code, 2);
  });

  it('is what gen-alerts reads from the current directory', () => {
    const dir = tempDir();
    assert.equal(cli(['init', '-q'], dir).code, 0);
    writeFileSync(join(dir, F), readFileSync(join(dir, F), 'utf8').replace('prefix: llm', 'prefix: mine'));
    const r = cli(['gen-alerts'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /mine_errors_total/);
  });
});
