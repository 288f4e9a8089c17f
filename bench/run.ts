// `npm run bench`: analyze over a deterministic 1M-line corpus, next to the same-run floor (a bare read +
// JSON.parse pass), plus --db first run, re-run on unchanged input, re-run after appending 1%, and .gz.
// Prints a table and writes bench/results.json. Not a test: numbers, not assertions.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync, createReadStream, createWriteStream, copyFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { generate } from './generate.js';

const LINES = Number(process.env.BENCH_LINES ?? 1_000_000);
const dir = 'bench/data';
const plain = `${dir}/bench-${LINES}.jsonl`;
mkdirSync(dir, { recursive: true });
if (!existsSync(plain)) await generate(plain, LINES);
if (!existsSync(`${plain}.gz`)) await pipeline(createReadStream(plain), createGzip({ level: 6 }), createWriteStream(`${plain}.gz`));

/** Wall time and peak RSS of a child process (GNU time's -f). */
function run(name: string, args: string[]): { name: string; seconds: number; peak_rss_mb: number } {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${name}: exit ${r.status}\n${r.stderr}`);
  const [seconds, kb] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { name, seconds, peak_rss_mb: Math.round(kb / 1024) };
}

const cli = ['node', 'bin/vtcode-errors.js'];
const floor = `const rl=require('readline').createInterface({input:require('fs').createReadStream(process.argv[1])});rl.on('line',l=>{try{JSON.parse(l)}catch{}})`;
const db = `${dir}/bench.db`;
const work = `${dir}/work.jsonl`;
for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
copyFileSync(plain, work);

const results = [
  run('floor: read + JSON.parse', ['node', '-e', floor, plain]),
  run('analyze (one-shot)', [...cli, 'analyze', plain, '--format', 'json']),
  run('analyze .gz', [...cli, 'analyze', `${plain}.gz`, '--format', 'json']),
  run('analyze --db, first run', [...cli, 'analyze', work, '--db', db, '--format', 'json']),
  run('analyze --db, unchanged input', [...cli, 'analyze', work, '--db', db, '--format', 'json']),
];
await generate(work, Math.round(LINES / 100), 42, LINES); // append 1%
results.push(run('analyze --db, after appending 1%', [...cli, 'analyze', work, '--db', db, '--format', 'json']));

const mb = statSync(plain).size / 1048576;
const floorSeconds = results[0].seconds;
console.log(`${LINES} lines, ${mb.toFixed(0)} MB`);
console.log('run'.padEnd(36), 'seconds'.padStart(8), 'lines/s'.padStart(10), 'MB/s'.padStart(7), 'peak MB'.padStart(8), 'x floor'.padStart(8));
for (const r of results) {
  console.log(
    r.name.padEnd(36), r.seconds.toFixed(2).padStart(8), Math.round(LINES / r.seconds).toString().padStart(10),
    (mb / r.seconds).toFixed(1).padStart(7), String(r.peak_rss_mb).padStart(8), (r.seconds / floorSeconds).toFixed(2).padStart(8),
  );
}
writeFileSync('bench/results.json', JSON.stringify({ lines: LINES, mb, results }, null, 2) + '\n');
