// Each escaper of src/escape.ts, once, against the reader of the place its value lands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RE2JS } from 're2js';
import { parse as parseYaml } from 'yaml';
import { goTemplateLiteral, grafanaPromqlString, markdownCell, promqlString, regexLiteral } from '../src/escape.js';

// Any text, the awkward characters (quotes, backslashes, controls, separators, $ and {{) made likely.
const TEXT = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.array(fc.constantFrom('"', '\\', '\n', '\r', '\t', '\u0000', '\u2028', '\ufeff', '$', '{{', '|', '<', 'a', 'é', '😀', '.*'), { maxLength: 12 }).map((a) => a.join('')),
);
// Lone surrogates cannot be written as UTF-8 text (the config refuses them): the escapers need not.
const WELL_FORMED = TEXT.filter((s) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s));
const runs = { numRuns: 300, seed: 16 };

test('promqlString: a string literal PromQL, Go and YAML read back as the value (their escapes are JSON\'s here)', () => {
  fc.assert(
    fc.property(WELL_FORMED, (v) => {
      const lit = promqlString(v);
      assert.equal(JSON.parse(lit), v);
      assert.equal(parseYaml(lit), v);
      assert.doesNotMatch(lit, /[\u0000-\u001f\u2028\u2029\ufeff]/);
    }),
    runs,
  );
});

test('grafanaPromqlString: no $ for Grafana to read as a variable; PromQL reads \\x24 back as $', () => {
  fc.assert(
    fc.property(WELL_FORMED, (v) => {
      const lit = grafanaPromqlString(v);
      assert.ok(!lit.includes('$'));
      assert.equal(JSON.parse(lit.replace(/\\x24/g, '$')), v);
    }),
    runs,
  );
  assert.equal(grafanaPromqlString('a$b'), '"a\\x24b"');
});

test('regexLiteral: an RE2 pattern (fully anchored, as Prometheus) that matches the value and nothing else', () => {
  fc.assert(
    fc.property(WELL_FORMED.filter((s) => !s.includes('\n')), (v) => {
      const re = RE2JS.compile(regexLiteral(v));
      assert.ok(re.matches(v), v);
      assert.ok(!re.matches(v + 'x'));
    }),
    runs,
  );
});

test('goTemplateLiteral: Go template expansion gives the value back', () => {
  fc.assert(
    fc.property(WELL_FORMED, (v) => {
      const t = goTemplateLiteral(v);
      // The only actions left are the literal "{{" ones; expanding them gives the text back.
      assert.ok(!t.replace(/\{\{ "\{\{" \}\}/g, '').includes('{{'));
      assert.equal(t.replace(/\{\{ "\{\{" \}\}/g, '{{'), v);
    }),
    runs,
  );
});

test('markdownCell: one cell of one row, no markup of its own', () => {
  fc.assert(
    fc.property(TEXT, (v) => {
      const cell = markdownCell(v);
      assert.ok(!/\r|\n/.test(cell));
      assert.ok(!cell.includes('<') || /^(?:[^<]|<br>)*$/.test(cell));
      assert.ok(!/(^|[^\\])(\\\\)*\|/.test(cell), cell); // every pipe escaped
    }),
    runs,
  );
  assert.equal(markdownCell('a|b\\c<d>&\ne'), 'a\\|b\\\\c&lt;d>&amp;<br>e');
});
