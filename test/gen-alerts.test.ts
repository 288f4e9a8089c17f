// gen-alerts: golden files, the exact rules of the issue, promtool (check rules, the generated tests, and
// hand-written tests), injection, overrides, formats, user templates, determinism, exit codes.
// Regenerate the golden files with UPDATE_GOLDEN=1 npx tsx --test test/gen-alerts.test.ts (then review the diff).
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parser } from '@prometheus-io/lezer-promql';
import { parse as parseYaml } from 'yaml';
import { configHash } from '../src/config/hash.js';
import { loadConfig } from '../src/config/load.js';
import { defaultConfig, type Config } from '../src/config/types.js';
import { generateAlertFiles } from '../src/generate/alert-files.js';
import { generateAlerts, generateAlertTests } from '../src/generate/rules-file.js';
import { effectiveAlerts, ruleInstances, ALERTS } from '../src/alerts/definitions.js';
import { formatFloat, formatG, goQueryEscape, humanize, expandGoTemplate } from '../src/generate/go-template.js';
import { dashboardUid } from '../src/generate/uid.js';
import { UserError } from '../src/model.js';
import { VERSION } from '../src/version.js';
import { cli, promtool, ROOT, tempDir } from './alerts-support.js';

const GOLDEN = join(ROOT, 'test', 'golden', 'alerts');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'alerts');
const EXAMPLE = join(ROOT, 'examples', 'vtcode-errors.yaml');
const EMPTY = join(FIXTURES, 'empty.yaml');

interface RuleDoc {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** gen-alerts through the CLI into a temp dir: rules (+ tests); returns the dir and the texts. */
function generateCli(config: string | null, extra: string[] = [], names = { rules: 'rules.yml', tests: 'rules.test.yml' }) {
  const dir = tempDir();
  const args = ['gen-alerts', '-q', '--out', join(dir, names.rules), '--tests', join(dir, names.tests), ...extra];
  if (config) args.push('--config', config);
  const r = cli(args, dir);
  assert.equal(r.code, 0, r.stderr);
  return { dir, rules: readFileSync(join(dir, names.rules), 'utf8'), tests: readFileSync(join(dir, names.tests), 'utf8') };
}

/** The same files written in-process by the library gen-alerts calls: rules.yml and rules.test.yml beside it. */
function generate(config: string | null) {
  const dir = tempDir();
  const g = generateAlertFiles(config ? loadConfig(config) : defaultConfig(), { testsRuleFile: 'rules.yml' });
  writeFileSync(join(dir, 'rules.yml'), g.rules.text);
  writeFileSync(join(dir, 'rules.test.yml'), g.tests!);
  return { dir, rules: g.rules.text, tests: g.tests! };
}

/** What `gen-alerts --config FILE` prints, from the library it calls. */
const rulesText = (config: string, format: 'rules' | 'prometheusrule' = 'rules', templatesDir?: string) => generateAlerts(loadConfig(config), format, templatesDir).text;

function rulesOf(text: string): RuleDoc[] {
  const doc = parseYaml(text) as { groups: Array<{ rules: RuleDoc[] }> };
  return doc.groups.flatMap((g) => g.rules);
}

function golden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, actual);
  }
  assert.equal(actual, readFileSync(file, 'utf8'), `${name} differs from the golden file (UPDATE_GOLDEN=1 regenerates it)`);
}

function assertPromtoolPasses(dir: string, rules = 'rules.yml', tests = 'rules.test.yml'): void {
  const check = promtool(['check', 'rules', rules], dir);
  assert.equal(check.code, 0, `promtool check rules:\n${check.stdout}${check.stderr}`);
  const t = promtool(['test', 'rules', tests], dir);
  assert.equal(t.code, 0, `promtool test rules:\n${t.stdout}${t.stderr}`);
}

// The golden files come from the code under test in src/ (never a stale dist/), as Sloth tests its
// generators; one case checks that the CLI writes the same bytes.
describe('golden files', () => {
  const inProcess = (config: Config, name: string) => {
    const g = generateAlerts(config);
    return { rules: g.text, tests: generateAlertTests(config, g, `${name}.rules.yml`) };
  };
  it('default config', () => {
    const g = inProcess(defaultConfig(), 'default');
    golden('default.rules.yml', g.rules);
    golden('default.test.yml', g.tests);
  });

  it('examples/vtcode-errors.yaml', () => {
    const config = loadConfig(EXAMPLE);
    const g = inProcess(config, 'example');
    golden('example.rules.yml', g.rules);
    golden('example.test.yml', g.tests);
    golden('example.prometheusrule.yml', generateAlerts(config, 'prometheusrule').text);
  });

  it('the CLI writes the golden bytes', () => {
    const g = generateCli(EXAMPLE, [], { rules: 'example.rules.yml', tests: 'example.test.yml' });
    assert.equal(g.rules, readFileSync(join(GOLDEN, 'example.rules.yml'), 'utf8'));
    assert.equal(g.tests, readFileSync(join(GOLDEN, 'example.test.yml'), 'utf8'));
    const r = cli(['gen-alerts', '--config', EXAMPLE, '--format', 'prometheusrule']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, readFileSync(join(GOLDEN, 'example.prometheusrule.yml'), 'utf8'));
  });
});

describe('promtool', () => {
  // One generation for the mutation tests, each copied into a directory of its own.
  let cached: ReturnType<typeof generate> | null = null;
  const defaultGenerated = () => {
    cached ??= generate(null);
    const dir = tempDir();
    cpSync(cached.dir, dir, { recursive: true });
    return { ...cached, dir };
  };
  for (const [name, config] of [
    ['default config', null],
    ['examples/vtcode-errors.yaml', EXAMPLE],
    ['another prefix, a selector, disabled alerts, override windows', join(FIXTURES, 'other.yaml')],
    ['provider ids and labels with quotes, braces, # and newlines', join(FIXTURES, 'injection.yaml')],
  ] as const) {
    it(`check rules and the generated tests pass: ${name}`, () => {
      const g = generate(config);
      assertPromtoolPasses(g.dir);
    });
  }

  it('hand-written tests pass against the default rules', () => {
    const r = promtool(['test', 'rules', join(FIXTURES, 'default-handwritten.test.yml')]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  // The generated tests must catch rules that disagree with the config.
  const mutations: Array<[string, (text: string) => string]> = [
    ['a threshold off by one', (t) => t.replace('sum by (provider) (increase(llm_rate_limits_total[1m])) > 100', 'sum by (provider) (increase(llm_rate_limits_total[1m])) > 101')],
    ['a longer window', (t) => t.replace('rate(llm_errors_total[5m])', 'rate(llm_errors_total[10m])')],
    ['a shorter for', (t) => t.replace(/(alert: ProviderUnavailable\n(?:.*\n)*?\s+for: )2m/, '$11m')],
    ['a counter compared without increase()', (t) => t.replace('increase(llm_fallback_triggered_total[10m])', 'llm_fallback_triggered_total')],
    ['min_events dropped', (t) => t.replace('>= 10', '>= 0')],
    ['a missing label', (t) => t.replace(/(alert: LLMAuthFailures\n(?:.*\n)*?\s+labels:\n\s+severity: warning\n)/, (m) => m.replace('severity: warning', 'severity: critical'))],
  ];
  for (const [what, mutate] of mutations) {
    it(`the generated tests fail on ${what}`, () => {
      const g = defaultGenerated();
      const mutated = mutate(g.rules);
      assert.notEqual(mutated, g.rules, 'the mutation must change the rules');
      writeFileSync(join(g.dir, 'rules.yml'), mutated);
      const r = promtool(['test', 'rules', 'rules.test.yml'], g.dir);
      assert.equal(r.code, 1, `promtool should have failed:\n${r.stdout}`);
    });
  }

  it('the generated tests fail when a default rule stops excluding an overridden provider', () => {
    const g = generate(EXAMPLE);
    const mutated = g.rules.replace(', provider!~"gemini"}[1m])) > 100', '}[1m])) > 100');
    assert.notEqual(mutated, g.rules);
    writeFileSync(join(g.dir, 'rules.yml'), mutated);
    const r = promtool(['test', 'rules', 'rules.test.yml'], g.dir);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout + r.stderr, /RateLimitExceeded override for gemini/);
  });
});

describe('rules for the default config', () => {
  const text = rulesText(EMPTY);
  const rules = rulesOf(text);

  it('has the seven alerts with the exact expressions, for, labels and annotations', () => {
    assert.deepEqual(
      rules.map((r) => [r.alert, r.expr, r.for, r.labels]),
      [
        ['HighLLMErrorRate', 'sum by (provider) (rate(llm_errors_total[5m])) > 0.1', '5m', { severity: 'critical' }],
        ['RateLimitExceeded', 'sum by (provider) (increase(llm_rate_limits_total[1m])) > 100', '1m', { severity: 'warning' }],
        ['ProviderUnavailable', 'sum by (provider) (increase(llm_errors_total{error_type="server_error"}[2m])) > 10', '2m', { severity: 'critical' }],
        ['LLMAuthFailures', 'sum by (provider) (increase(llm_errors_total{error_type="auth_error"}[5m])) > 0', '0m', { severity: 'warning' }],
        ['LowLLMRecoveryRate', rules[4].expr, '10m', { severity: 'warning' }],
        ['LLMFallbackStorm', 'sum by (provider) (increase(llm_fallback_triggered_total[10m])) > 20', '5m', { severity: 'warning' }],
        ['LLMCircuitBreakerRejecting', 'sum by (provider) (increase(llm_circuit_breaker_rejected_total[5m])) > 0', '5m', { severity: 'warning' }],
      ],
    );
    const low = rules[4].expr.replace(/\s+/g, ' ');
    assert.ok(low.includes('sum by (provider) (increase(llm_errors_recovered_total[15m]))'), low);
    assert.ok(low.includes('sum by (provider) (increase(llm_errors_failed_total[15m]))'), low);
    assert.ok(/\) < 0\.8 and \(/.test(low), low);
    assert.ok(low.endsWith('>= 10'), low);
  });

  it('aggregates every counter by provider, and reads counters only through rate()/increase()', () => {
    for (const r of rules) {
      const selectors = r.expr.match(/llm_[a-z_]+(?:\{[^}]*\})?(?:\[[^\]]+\])?/g) ?? [];
      assert.ok(selectors.length > 0);
      for (const s of selectors) assert.match(s, /\[[^\]]+\]$/, `${r.alert}: ${s} is not a range`);
      const aggregations = r.expr.match(/sum(?: by \([^)]*\))?/g) ?? [];
      assert.ok(aggregations.every((a) => a === 'sum by (provider)'), `${r.alert}: ${aggregations}`);
    }
  });

  it('has summary, description with the provider and value, and runbook_url on every alert, and no dashboard_url without grafana.url', () => {
    for (const r of rules) {
      assert.deepEqual(Object.keys(r.annotations), ['summary', 'description', 'runbook_url']);
      assert.match(r.annotations.description, /\{\{ \$labels\.provider \}\}/);
      assert.match(r.annotations.description, /\{\{ \$value \| humanize(Percentage)? \}\}/);
      assert.equal(r.annotations.runbook_url, `https://runbooks.example.com/llm-errors/${r.alert}`);
    }
  });

  it('every expression parses with Prometheus\' own grammar', () => {
    for (const r of rules) assert.equal(parseErrors(r.expr), 0, r.expr);
  });

  it('starts with a header naming the version and the config hash', () => {
    const lines = text.split('\n');
    assert.equal(lines[0], `# Prometheus alerting rules for LLM provider errors, generated by vtcode-errors ${VERSION} (gen-alerts).`);
    assert.equal(lines[1], `# Config sha256: ${configHash(defaultConfig())}`);
  });
});

describe('overrides, labels, selector and grafana (examples/vtcode-errors.yaml)', () => {
  const text = rulesText(EXAMPLE);
  const rules = rulesOf(text);
  const config = loadConfig(EXAMPLE);

  it('gives each override its own rule and excludes the overridden providers from the default rule', () => {
    const rate = rules.filter((r) => r.alert === 'RateLimitExceeded');
    assert.deepEqual(rate.map((r) => r.expr), [
      'sum by (provider) (increase(llm_rate_limits_total{job="vtcode", env="prod", provider!~"gemini"}[1m])) > 100',
      'sum by (provider) (increase(llm_rate_limits_total{job="vtcode", env="prod", provider="gemini"}[2m])) > 300',
    ]);
    const unavailable = rules.filter((r) => r.alert === 'ProviderUnavailable');
    assert.deepEqual(unavailable.map((r) => [r.expr, r.for, r.labels.severity]), [
      ['sum by (provider) (increase(llm_errors_total{error_type="server_error", job="vtcode", env="prod", provider!~"openrouter"}[2m])) > 10', '2m', 'critical'],
      ['sum by (provider) (increase(llm_errors_total{error_type="server_error", job="vtcode", env="prod", provider="openrouter"}[2m])) > 25', '5m', 'warning'],
    ]);
  });

  it('leaves disabled alerts out', () => {
    assert.ok(!rules.some((r) => r.alert === 'LLMCircuitBreakerRejecting'));
    assert.equal(rules.length, 9);
  });

  it('labels are exactly severity and the config labels (plus provider on an override rule, the value the series has)', () => {
    const [dflt, gemini] = rules.filter((r) => r.alert === 'RateLimitExceeded');
    assert.deepEqual(dflt.labels, { severity: 'warning', service: 'vtcode', team: 'ai-platform' });
    assert.deepEqual(gemini.labels, { severity: 'warning', provider: 'gemini', service: 'vtcode', team: 'ai-platform' });
  });

  it('links each alert to its provider dashboard, with var-provider', () => {
    const [dflt, gemini] = rules.filter((r) => r.alert === 'RateLimitExceeded');
    const uid = (p: string) => dashboardUid(config, { provider: p });
    assert.equal(gemini.annotations.dashboard_url, `https://grafana.example.com/d/${uid('gemini')}?var-provider={{ $labels.provider | urlquery }}`);
    const data = (provider: string) => ({ labels: { provider }, value: 1 });
    assert.equal(expandGoTemplate(dflt.annotations.dashboard_url, data('openai')), `https://grafana.example.com/d/${uid('openai')}?var-provider=openai`);
    assert.equal(expandGoTemplate(dflt.annotations.dashboard_url, data('mistral')), `https://grafana.example.com/d/${dashboardUid(config, 'overview')}?var-provider=mistral`);
    assert.equal(gemini.annotations.runbook_url, 'https://runbooks.example.com/llm-errors/RateLimitExceeded');
  });

  it('--format prometheusrule holds the same rules in a PrometheusRule resource', () => {
    const doc = parseYaml(rulesText(EXAMPLE, 'prometheusrule')) as { apiVersion: string; kind: string; metadata: { name: string }; spec: { groups: Array<{ name: string; interval: string; rules: RuleDoc[] }> } };
    assert.equal(doc.apiVersion, 'monitoring.coreos.com/v1');
    assert.equal(doc.kind, 'PrometheusRule');
    assert.equal(doc.metadata.name, 'vtcode-errors-llm');
    assert.deepEqual(doc.spec.groups, (parseYaml(text) as { groups: unknown }).groups);
  });
});

describe('provider ids and labels are data, never code', () => {
  const text = rulesText(join(FIXTURES, 'injection.yaml'));
  const rules = rulesOf(text);

  it('the YAML reads back with the exact values', () => {
    const high = rules.filter((r) => r.alert === 'HighLLMErrorRate');
    assert.deepEqual(high[1].labels, { severity: 'page', provider: 'a"}) or vector(1) #', odd: 'line1\nline2 # not a comment', team: 'ai {{ "{{" }} platform }} "quoted"', yes_no: 'yes' });
    assert.ok(text.split('\n').every((l) => !/[\u2028\u007f]/.test(l)), 'raw separators in the output');
  });

  it('every expression parses, calls no function but rate/increase, and holds the ids only as string literals', () => {
    const literals = (expr: string) => {
      const calls = new Set<string>();
      const strings: string[] = [];
      parser.parse(expr).iterate({
        enter: (n) => {
          if (n.name === 'FunctionIdentifier') calls.add(expr.slice(n.from, n.to));
          if (n.name === 'StringLiteral') strings.push(JSON.parse(expr.slice(n.from, n.to)) as string);
        },
      });
      return { calls: [...calls], strings };
    };
    for (const r of rules) {
      assert.equal(parseErrors(r.expr), 0, r.expr);
      assert.deepEqual(literals(r.expr).calls.filter((c) => c !== 'rate' && c !== 'increase'), [], r.expr);
    }
    const [dflt, own] = rules.filter((r) => r.alert === 'RateLimitExceeded');
    assert.deepEqual(literals(own.expr).strings, ['a"}) or vector(1) #']);
    assert.deepEqual(literals(dflt.expr).strings, ['a"\\}\\) or vector\\(1\\) #']);
    const storm = rules.filter((r) => r.alert === 'LLMFallbackStorm');
    assert.deepEqual(literals(storm[1].expr).strings, ['sep\u2028del\u007f']);
    assert.deepEqual(literals(storm[0].expr).strings, ['sep\u2028del\u007f']);
  });

  it('label values reach Prometheus unexpanded: {{ in a label value is escaped for Go templates', () => {
    assert.equal(expandGoTemplate(rules[0].labels.team, { labels: {}, value: 0 }), 'ai {{ platform }} "quoted"');
  });
});

describe('effectiveAlerts (what check and the dashboards read)', () => {
  it('applies a provider\'s overrides and leaves disabled alerts out', () => {
    const config = loadConfig(EXAMPLE);
    const gemini = effectiveAlerts(config, 'gemini');
    assert.deepEqual(gemini.map((a) => a.name), ['HighLLMErrorRate', 'RateLimitExceeded', 'ProviderUnavailable', 'LLMAuthFailures', 'LowLLMRecoveryRate', 'LLMFallbackStorm']);
    const rl = gemini.find((a) => a.key === 'rate_limit_exceeded')!;
    assert.deepEqual(rl.spec, { enabled: true, threshold: 300, window: '2m', for: '1m', severity: 'warning' });
    assert.equal(rl.overridden, true);
    assert.equal(effectiveAlerts(config, 'openai').find((a) => a.key === 'rate_limit_exceeded')!.spec.threshold, 100);
    assert.equal(effectiveAlerts(config, 'openai', { includeDisabled: true }).length, 7);
  });

  it('agrees with the rules: one rule applies to each provider and alert', () => {
    const config = loadConfig(join(FIXTURES, 'other.yaml'));
    for (const p of ['anthropic', 'openai', 'somebody-else']) {
      for (const a of effectiveAlerts(config, p)) {
        const applying = ruleInstances(config).filter((r) => r.def.key === a.key && (r.provider === null ? !r.excluded.includes(p) : r.provider === p));
        assert.equal(applying.length, 1, `${a.name} ${p}`);
        assert.deepEqual(applying[0].spec, a.spec);
      }
      const enabled = new Set(effectiveAlerts(config, p).map((a) => a.key));
      for (const def of ALERTS) {
        if (!enabled.has(def.key)) assert.ok(!ruleInstances(config).some((r) => r.def.key === def.key && (r.provider === p || (r.provider === null && !r.excluded.includes(p)))));
      }
    }
  });
});

describe('templates', () => {
  function copyTemplates(): string {
    const dir = tempDir();
    cpSync(join(ROOT, 'templates', 'alerts'), join(dir, 'alerts'), { recursive: true });
    return dir;
  }

  it('a user copy is used (a copy of templates/ or of templates/alerts/)', () => {
    const dir = copyTemplates();
    const file = join(dir, 'alerts', 'rate_limit_exceeded.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('LLM rate limits exceeded on', 'Too many 429s from'));
    for (const arg of [dir, join(dir, 'alerts')]) {
      const text = rulesText(EMPTY, 'rules', arg);
      assert.match(text, /summary: Too many 429s from \{\{ \$labels.provider \}\}/);
      assert.match(text.split('\n')[1], /; templates sha256: [0-9a-f]{64}$/);
    }
  });

  it('an unknown placeholder is an error naming the template file and line', () => {
    const dir = copyTemplates();
    const file = join(dir, 'alerts', 'auth_failures.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('for: <% for %>', 'for: <% hold %>'));
    const r = cli(['gen-alerts', '--config', EMPTY, '--templates', dir]);
    assert.equal(r.code, 2);
    const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('<% hold %>')) + 1;
    assert.equal(r.stderr, `vtcode-errors: ${file}:${line}: unknown placeholder <% hold %>\n`);
  });

  it('a template that no longer gives valid YAML, a renamed alert, a dropped selector or a missing file is an error', () => {
    const cases: Array<[string, (t: string) => string, RegExp]> = [
      ['fallback_storm.yaml', (t) => t.replace('annotations:', 'annotations: [oops'), /fallback_storm\.yaml:\d+: the filled template is not valid YAML/],
      ['fallback_storm.yaml', (t) => t.replace('alert: <% alert %>', 'alert: FallbackStorm'), /fallback_storm\.yaml: alert must be LLMFallbackStorm/],
      ['fallback_storm.yaml', (t) => t.replace('<% selector %>', ''), /fallback_storm\.yaml: expr must select/],
      ['fallback_storm.yaml', (t) => t.replace(/  runbook_url: .*\n/, ''), /fallback_storm\.yaml: annotations must include a non-empty runbook_url/],
      ['fallback_storm.yaml', (t) => t.replace('{{ $labels.provider }}"', '{{ $labels.provider }} {{ oops"'), /fallback_storm\.yaml: summary: unclosed action/],
    ];
    for (const [name, edit, message] of cases) {
      const dir = copyTemplates();
      const file = join(dir, 'alerts', name);
      writeFileSync(file, edit(readFileSync(file, 'utf8')));
      // A UserError: one line on stderr and exit 2 from the command (the test above runs it).
      assert.throws(() => rulesText(join(FIXTURES, 'other.yaml'), 'rules', dir), (e: unknown) => e instanceof UserError && message.test(e.message), String(message));
    }
    const missing = tempDir();
    assert.throws(() => generateAlerts(defaultConfig(), 'rules', missing), (e: unknown) => e instanceof UserError && /high_error_rate\.yaml: cannot read template \(ENOENT\)/.test(e.message));
  });
});

describe('the command', () => {
  it('writes byte-identical output for the same config', () => {
    const a = generateCli(EXAMPLE);
    const b = generateCli(EXAMPLE);
    assert.equal(a.rules, b.rules);
    assert.equal(a.tests, b.tests);
  });

  it('writes to stdout by default and with --out -', () => {
    const g = generateCli(EXAMPLE);
    assert.equal(cli(['gen-alerts', '--config', EXAMPLE]).stdout, g.rules);
    assert.equal(cli(['gen-alerts', '--config', EXAMPLE, '--out', '-']).stdout, g.rules);
  });

  it('names the rule file relative to the test file', () => {
    const dir = tempDir();
    const r = cli(['gen-alerts', '-q', '--out', 'rules/llm.yml', '--tests', 'tests/llm.test.yml'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((parseYaml(readFileSync(join(dir, 'tests', 'llm.test.yml'), 'utf8')) as { rule_files: string[] }).rule_files, ['../rules/llm.yml']);
    assertPromtoolPasses(dir, 'rules/llm.yml', 'tests/llm.test.yml');
  });

  it('exits 2 on usage errors', () => {
    for (const args of [['--tests', 't.yml'], ['--tests', 't.yml', '--out', 'r.yml', '--format', 'prometheusrule'], ['--format', 'json'], ['--bogus']]) {
      const r = cli(['gen-alerts', ...args], tempDir());
      assert.equal(r.code, 2, args.join(' '));
    }
  });
});

describe("Go template expansion (what promtool's tests compare)", () => {
  it('formats like Go', () => {
    assert.equal(humanize(0.10333333333333333), '103.3m');
    assert.equal(humanize(108), '108');
    assert.equal(humanize(1234567), '1.235M');
    assert.equal(humanize(0), '0');
    assert.equal(formatG(1.0625, 4), '1.062'); // half to even, as Go
    assert.equal(formatG(10800, 4), '1.08e+04');
    assert.equal(formatG(999.96, 4), '1000');
    assert.equal(formatFloat(1e6), '1e+06');
    assert.equal(formatFloat(123456), '123456');
    assert.equal(formatFloat(0.00001), '1e-05');
    assert.equal(goQueryEscape('a"}) or vector(1) #'), 'a%22%7D%29+or+vector%281%29+%23');
  });

  it('expands the constructs the rules use and refuses the rest', () => {
    const data = { labels: { provider: 'x"y' }, value: 0.75 };
    assert.equal(expandGoTemplate('{{ if eq $labels.provider "a" }}A{{ else if eq $labels.provider "x\\"y" }}B{{ else }}C{{ end }} {{ $value | humanizePercentage }}', data), 'B 75%');
    assert.equal(expandGoTemplate('{{ "{{" }} {{- " trimmed" -}} ', data), '{{ trimmed');
    assert.throws(() => expandGoTemplate('{{ printf "%.2f" $value }}', data), /unsupported/);
    assert.throws(() => expandGoTemplate('{{ range $labels }}x{{ end }}', data), /unsupported/);
  });
});

function parseErrors(expr: string): number {
  let errors = 0;
  parser.parse(expr).iterate({
    enter: (n) => {
      if (n.type.isError) errors++;
    },
  });
  return errors;
}
