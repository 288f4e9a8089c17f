#!/usr/bin/env node
// The README's sample outputs, made by running them (as sqlite-utils does with cog). A sample is a
// ```text block right after a comment that says how to make it:
//
//   <!-- sample
//   setup: vtcode-errors ingest examples/logs --db errors.db -q     (optional, repeatable)
//   run: vtcode-errors sql --db errors.db "SELECT 1" --format markdown
//   lines: 40                                                        (optional: the first 40 lines, then ...)
//   -->
//
// The block holds `$ <run>` and the command's stdout. Commands run through `sh` in a scratch directory
// that sees the repository's examples/, with `vtcode-errors` being this checkout's bin, no colour,
// UTC, and no terminal (natural widths).
//
//   node scripts/readme-samples.mjs [README.md]            exit 1 and show each sample that drifted
//   node scripts/readme-samples.mjs --write [README.md]    rewrite the samples in place
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTwoFilesPatch } from 'diff';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const write = args.includes('--write');
const file = resolve(args.find((a) => a !== '--write') ?? join(ROOT, 'README.md'));

const SAMPLE = /<!-- sample\n([\s\S]*?)-->\n```text\n([\s\S]*?)```\n/g;

function scratch() {
  const dir = mkdtempSync(join(tmpdir(), 'vtce-readme-'));
  symlinkSync(join(ROOT, 'examples'), join(dir, 'examples'));
  const bin = join(dir, '.bin');
  spawnSync('mkdir', [bin]);
  writeFileSync(join(bin, 'vtcode-errors'), `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'bin', 'vtcode-errors.js')}" "$@"\n`);
  chmodSync(join(bin, 'vtcode-errors'), 0o755);
  return { dir, bin };
}

function sh(command, where) {
  const env = { ...process.env, PATH: `${where.bin}:${process.env.PATH}`, NO_COLOR: '1', TZ: 'UTC' };
  for (const k of ['FORCE_COLOR', 'COLUMNS', 'NODE_OPTIONS']) delete env[k];
  const r = spawnSync('sh', ['-c', command], { cwd: where.dir, env, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return r;
}

/** The block a sample's spec makes. */
function make(spec) {
  const keys = { setup: [], run: null, lines: null };
  for (const line of spec.split('\n').filter((l) => l.trim() !== '')) {
    const m = /^(setup|run|lines):\s*(.*)$/.exec(line.trim());
    if (!m) throw new Error(`readme-samples: cannot read '${line.trim()}' (expected setup:, run: or lines:)`);
    if (m[1] === 'setup') keys.setup.push(m[2]);
    else keys[m[1]] = m[2];
  }
  if (!keys.run) throw new Error('readme-samples: a sample without run:');
  const where = scratch();
  try {
    for (const s of keys.setup) {
      const r = sh(s, where);
      if (r.status !== 0) throw new Error(`readme-samples: setup '${s}' exited ${r.status}: ${r.stderr}`);
    }
    const r = sh(keys.run, where);
    let out = r.stdout.replace(/\n+$/, '').split('\n');
    const max = keys.lines === null ? Infinity : Number(keys.lines);
    if (out.length > max) out = [...out.slice(0, max), '...'];
    return `$ ${keys.run}\n${out.join('\n')}\n`;
  } finally {
    rmSync(where.dir, { recursive: true, force: true });
  }
}

const text = readFileSync(file, 'utf8');
let count = 0;
const drifted = [];
const updated = text.replace(SAMPLE, (_whole, spec, block) => {
  count++;
  const fresh = make(spec);
  if (fresh !== block) drifted.push({ spec: spec.trim(), block, fresh });
  return `<!-- sample\n${spec}-->\n\`\`\`text\n${fresh}\`\`\`\n`;
});
if (write) {
  if (updated !== text) writeFileSync(file, updated);
  console.log(`${count} samples, ${drifted.length} rewritten`);
} else {
  for (const d of drifted) {
    console.log(`${d.spec}\n${createTwoFilesPatch('README.md', 'now', d.block, d.fresh, undefined, undefined, { context: 2 }).split('\n').slice(4).join('\n')}`);
  }
  console.log(`${count} samples, ${drifted.length} drifted${drifted.length ? ' (node scripts/readme-samples.mjs --write)' : ''}`);
  process.exitCode = drifted.length ? 1 : 0;
}
