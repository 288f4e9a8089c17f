// `vtcode-errors lint` (issue 14, part 4): each check on a config made to trip it, with its stable id,
// file and line; --format json; exit codes; a user template that a reviewer would flag.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CHECKS } from '../src/generate/lint.js';
import { cli, ROOT, tempDir, withFiles } from './alerts-support.js';

interface Finding {
  id: string;
  severity: string;
  key: string;
  file: string | null;
  line: number | null;
  message: string;
}

function lintJson(files: Record<string, string>, extra: string[] = []): { code: number | null; findings: Finding[]; stderr: string } {
  const dir = withFiles(files);
  const r = cli(['lint', '--config', 'c.yaml', '--format', 'json', ...extra], dir);
  return { code: r.code, findings: JSON.parse(r.stdout) as Finding[], stderr: r.stderr };
}

const TRIPS = `scrape_interval: 30s
metrics:
  selector: 'job=~"vtcode", env=~"^prod$"'
alerts:
  auth_failures:
    window: 45s
    for: 30s
  fallback_storm: { window: 10m, for: 0m, threshold: 0 }
  overrides:
    Gemini:
      rate_limit_exceeded: { threshold: 300 }
    gemini:
      rate_limit_exceeded: { threshold: 100, window: 1m }
`;

describe('lint', () => {
  it('the defaults: the two cases the README names, warnings only (exit 0)', () => {
    const r = cli(['lint', '--format', 'json'], tempDir());
    assert.equal(r.code, 0, r.stderr);
    const findings = JSON.parse(r.stdout) as Finding[];
    assert.deepEqual(findings.map((f) => [f.id, f.key, f.severity]), [
      ['fires-on-one-event', 'alerts.auth_failures.for', 'warning'],
      ['single-event-never-fires', 'alerts.circuit_breaker_rejecting.for', 'warning'],
    ]);
    assert.equal(findings[0].file, null);
    assert.equal(r.stderr, 'vtcode-errors: 2 findings (0 errors)\n');
  });

  it('every config check trips on its case, with its id, key and line', () => {
    const r = lintJson({ 'c.yaml': TRIPS });
    assert.equal(r.code, 1);
    const got = r.findings.map((f) => `${f.id} ${f.key} ${f.file}:${f.line}`);
    assert.deepEqual(got, [
      'short-window alerts.auth_failures.window c.yaml:6',
      'window-below-evaluation-interval alerts.auth_failures.window c.yaml:6',
      'for-below-evaluation-interval alerts.auth_failures.for c.yaml:7',
      'single-event-never-fires alerts.auth_failures.for c.yaml:7',
      'fires-on-one-event alerts.fallback_storm.for c.yaml:8',
      'single-event-never-fires alerts.circuit_breaker_rejecting.for c.yaml:4',
      'override-never-matches alerts.overrides.Gemini c.yaml:10',
      'duplicate-override alerts.overrides.gemini c.yaml:12',
      'override-unchanged alerts.overrides.gemini.rate_limit_exceeded c.yaml:13',
      'selector-regex-literal metrics.selector c.yaml:3',
      'selector-regex-literal metrics.selector c.yaml:3',
    ]);
    for (const f of r.findings) assert.equal(f.severity, CHECKS[f.id as keyof typeof CHECKS].severity, f.id);
    const msg = (id: string) => r.findings.find((f) => f.id === id)!.message;
    assert.equal(msg('short-window'), 'window 45s of LLMAuthFailures is shorter than 2 × scrape_interval (30s): it holds fewer than two scrapes, so increase()/rate() mostly return nothing; use a window of at least 1m');
    assert.match(msg('duplicate-override'), /^"gemini" and "Gemini" are the same provider \(gemini\)/);
    assert.deepEqual(r.findings.filter((f) => f.id === 'selector-regex-literal').map((f) => f.message), [
      'job=~"vtcode" has no regex syntax: write job="vtcode"',
      'env=~"^prod$": Prometheus anchors label regexes itself; drop the ^ and $',
    ]);
    assert.equal(r.stderr, 'vtcode-errors: 11 findings (2 errors)\n');
  });

  it('the table form is one line per finding: file:line: severity id: key: message', () => {
    const dir = withFiles({ 'c.yaml': TRIPS });
    const r = cli(['lint', '--config', 'c.yaml', '-q'], dir);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, '');
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 11);
    assert.equal(lines[2], 'c.yaml:7: warning for-below-evaluation-interval: alerts.auth_failures.for: for 30s is shorter than evaluation_interval 1m: LLMAuthFailures fires only after 1m anyway; write for: 1m (or 0m)');
  });

  it('warnings alone pass; --strict fails on them; a bad config is exit 2 with its line', () => {
    const warn = withFiles({ 'c.yaml': 'alerts:\n  fallback_storm: { for: 30s }\n' });
    assert.equal(cli(['lint', '--config', 'c.yaml', '-q'], warn).code, 0);
    assert.equal(cli(['lint', '--config', 'c.yaml', '-q', '--strict'], warn).code, 1);
    const bad = withFiles({ 'c.yaml': 'metrics:\n  selector: \'a=~"(?=x)"\'\n' });
    const r = cli(['lint', '--config', 'c.yaml'], bad);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not a valid RE2 regular expression .*\(c\.yaml:2\)\n$/);
  });

  it('a user template: no comparison, a raw counter, a series serve never writes', () => {
    const dir = tempDir();
    cpSync(join(ROOT, 'templates', 'alerts'), join(dir, 'alerts'), { recursive: true });
    const file = join(dir, 'alerts', 'fallback_storm.yaml');
    const text = readFileSync(file, 'utf8');
    const mutated = text.replace(/expr: \|-\n.*\n/, 'expr: |-\n  sum by (provider) (<% prefix %>_fallback_triggered_total<% selector %>) + on(provider) sum by (provider) (rate(llm_fallbacks<% selector %>[<% window %>]))\n');
    assert.notEqual(mutated, text);
    writeFileSync(file, mutated);
    const r = cli(['lint', '--templates', join(dir, 'alerts'), '--format', 'json'], dir);
    assert.equal(r.code, 1, r.stderr);
    const findings = (JSON.parse(r.stdout) as Finding[]).filter((f) => f.file === file);
    assert.deepEqual(findings.map((f) => `${f.id} ${f.key}`), ['expr-no-comparison fallback_storm.yaml', 'counter-without-rate fallback_storm.yaml', 'unknown-series fallback_storm.yaml']);
    assert.match(findings[1].message, /^LLMFallbackStorm: llm_fallback_triggered_total is a counter read raw/);
    assert.match(findings[2].message, /^LLMFallbackStorm: llm_fallbacks is no series vtcode-errors serve writes/);
  });

  it('gen-alerts --lint prints the findings on stderr and still writes the rules', () => {
    const dir = withFiles({ 'c.yaml': 'alerts:\n  fallback_storm: { for: 30s }\n' });
    const r = cli(['gen-alerts', '--config', 'c.yaml', '--lint', '--out', 'r.yml', '-q'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^vtcode-errors: lint: c\.yaml:2: warning for-below-evaluation-interval: alerts\.fallback_storm\.for: /m);
    assert.match(readFileSync(join(dir, 'r.yml'), 'utf8'), /alert: LLMFallbackStorm/);
  });
});
