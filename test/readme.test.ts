// The README's sample outputs are made by running them (issue 13, item 13): scripts/readme-samples.mjs
// reruns every one and fails when one has drifted from what the CLI prints now.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tmpDir } from './helpers.js';

const SCRIPT = join(ROOT, 'scripts', 'readme-samples.mjs');
const samples = (file: string) => spawnSync(process.execPath, [SCRIPT, file], { encoding: 'utf8', timeout: 300_000 });

test('every README sample output is what the CLI prints now', () => {
  const r = samples(join(ROOT, 'README.md'));
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const count = Number(/^(\d+) samples, 0 drifted$/m.exec(r.stdout)?.[1]);
  assert.ok(count >= 3, r.stdout); // analyze, sql, check
});

test('a sample that no longer matches is found, shown as a diff, and --write makes it current', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  // The sql sample's first count, changed by one.
  const edited = readme.replace(/^\| gemini \| rate_limit \| (\d+) \|$/m, (_, n: string) => `| gemini | rate_limit | ${Number(n) + 1} |`);
  assert.notEqual(edited, readme);
  const file = join(tmpDir('vtce-readme-'), 'README.md');
  writeFileSync(file, edited);
  const r = samples(file);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /^-\| gemini \| rate_limit \| \d+ \|$/m);
  assert.match(r.stdout, /^\+\| gemini \| rate_limit \| \d+ \|$/m);
  assert.match(r.stdout, /, 1 drifted/);
  const w = spawnSync(process.execPath, [SCRIPT, '--write', file], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(w.status, 0, w.stderr);
  assert.equal(readFileSync(file, 'utf8'), readme);
});
