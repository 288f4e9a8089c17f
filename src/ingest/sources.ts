// Paths -> files, and files -> decoded byte chunks that end on a line break.
// Directories are walked recursively (dot-directories included, .git and node_modules not, symbolic
// links not followed, only log extensions); a file named on the command line is read whatever its
// name; glob patterns are expanded; `-` is stdin. Gzip is recognised by its magic bytes.
import { closeSync, createReadStream, openSync, promises as fsp, readSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { glob } from 'tinyglobby';

export interface SourceFile {
  path: string; // as shown to the user, and as stored
  stdin: boolean;
}

/** A file that could not be read during the walk: reported, and the run goes on. */
export interface SourceProblem {
  path: string;
  reason: string;
}

const LOG_FILE = /\.(jsonl|ndjson|json|log)(\.gz)?$/i;
const NEVER_WALKED = new Set(['.git', 'node_modules']);
const GLOB_CHARS = /[*?[\]{}]/;

/**
 * The files to read. A path that cannot be read is a problem, reported, and the rest is still read.
 * `skippedByName`: files met in a directory walk whose names do not look like logs.
 */
export async function expandPaths(paths: string[]): Promise<{ files: SourceFile[]; problems: SourceProblem[]; skippedByName: number }> {
  const files: SourceFile[] = [];
  const problems: SourceProblem[] = [];
  const walked = { skippedByName: 0 };
  const seen = new Set<string>();
  const add = (path: string) => {
    if (!seen.has(path)) files.push({ path, stdin: false });
    seen.add(path);
  };
  for (const p of paths) {
    if (p === '-') {
      files.push({ path: '-', stdin: true });
      continue;
    }
    let st: Stats;
    try {
      st = await fsp.stat(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && GLOB_CHARS.test(p)) {
        const matches = (await glob(p, { dot: true, onlyFiles: true, followSymbolicLinks: false, expandDirectories: false })).sort();
        if (matches.length === 0) problems.push({ path: p, reason: 'no file matches this pattern' });
        matches.forEach(add);
        continue;
      }
      problems.push({ path: p, reason: errorText(err) });
      continue;
    }
    if (st.isDirectory()) await walk(p, add, problems, walked);
    else add(p);
  }
  return { files, problems, skippedByName: walked.skippedByName };
}

async function walk(dir: string, add: (path: string) => void, problems: SourceProblem[], walked: { skippedByName: number }): Promise<void> {
  let entries;
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch (err) {
    problems.push({ path: dir, reason: errorText(err) });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (!NEVER_WALKED.has(e.name)) await walk(path, add, problems, walked);
    } else if (e.isFile()) {
      if (LOG_FILE.test(e.name)) add(path);
      else walked.skippedByName++;
    }
    // symbolic links, FIFOs, sockets and devices met in a walk are left alone
  }
}

export function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const known: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EISDIR: 'is a directory',
    ELOOP: 'too many symbolic links',
    EMFILE: 'too many open files',
  };
  return (e?.code && known[e.code]) || e?.message || String(err);
}

// Read size, and so the size of a parsing chunk: small enough that the chunks under way in the
// workers weigh little, big enough that each is worth sending. A run that writes a store keeps more
// chunks under way (pool.ts), so its chunks are smaller, to weigh the same.
export const READ_BYTES = 512 * 1024;
export const READ_BYTES_WRITING = 256 * 1024;

export const isGzip = (b: Buffer) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/**
 * The decoded content of a file (or stdin) from its start, as a stream of Buffers, gunzipped when it
 * is gzip (a plain file read from an offset: plainBytes). `readBytes`: the size of a read;
 * `onDisk.bytes` counts the bytes read as they are on disk (compressed, for gzip).
 */
export async function* contentBytes(file: SourceFile, readBytes = READ_BYTES, onDisk = { bytes: 0 }): AsyncGenerator<Buffer> {
  const raw: Readable = file.stdin ? process.stdin : createReadStream(file.path, { highWaterMark: readBytes });
  const it = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await it.next();
  if (first.done) return;
  let head: Buffer = first.value;
  // Two bytes are enough to tell gzip; a pipe may hand over a single byte first.
  while (head.length < 2) {
    const more = await it.next();
    if (more.done) break;
    head = Buffer.concat([head, more.value]);
  }
  const rest = async function* () {
    yield head;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  };
  if (!isGzip(head)) {
    for await (const b of rest()) {
      onDisk.bytes += b.length;
      yield b;
    }
    return;
  }
  const gunzip = createGunzip({ chunkSize: readBytes });
  // pipeline() passes a read error on to gunzip, whose iteration below then throws it.
  pipeline(Readable.from(rest()), gunzip, () => {});
  let pending: Buffer[] = [];
  let size = 0;
  // Hand on READ_BYTES at a time rather than zlib's small chunks; on an error (a file cut short), what
  // was decoded before it first.
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      pending.push(chunk);
      size += chunk.length;
      if (size >= READ_BYTES) {
        onDisk.bytes = gunzip.bytesWritten; // compressed bytes taken by zlib (the file is read ahead of that)
        yield pending.length === 1 ? pending[0] : Buffer.concat(pending, size);
        pending = [];
        size = 0;
      }
    }
  } finally {
    onDisk.bytes = gunzip.bytesWritten;
    if (size > 0) yield Buffer.concat(pending, size);
  }
}

/** Free bytes before each buffer plainBytes gives: room for the start of a line the read before began. */
const ROOM_BEFORE = 16 * 1024;

/**
 * The bytes of a plain file from `from` on, `readBytes` a read, each read in a new buffer with
 * ROOM_BEFORE free bytes before it (lines.ts rawChunks puts a line begun in the read before there,
 * rather than copying the whole read after it).
 */
export async function* plainBytes(path: string, from: number, readBytes: number): AsyncGenerator<Buffer> {
  const fh = await fsp.open(path, 'r');
  try {
    for (let at = from; ; ) {
      const buf = Buffer.allocUnsafeSlow(ROOM_BEFORE + readBytes);
      const { bytesRead } = await fh.read(buf, ROOM_BEFORE, readBytes, at);
      if (bytesRead === 0) return;
      at += bytesRead;
      yield buf.subarray(ROOM_BEFORE, ROOM_BEFORE + bytesRead);
    }
  } finally {
    await fh.close();
  }
}

/**
 * A chunk job's bytes, read again from its file when they were moved to a worker (chunk.ts `at`):
 * for the rare chunk the main thread needs after handing it over (a value open at its end, a worker
 * that died). A file that no longer holds them fails as a file problem would.
 */
export function bytesOf(job: { file: string; bytes: Uint8Array; at: number | null; length: number }): Buffer {
  if (job.bytes.byteLength === job.length) return Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength);
  const out = Buffer.allocUnsafe(job.length);
  const fd = openSync(job.file, 'r');
  try {
    let got = 0;
    for (let n = -1; got < job.length && n !== 0; got += n) n = readSync(fd, out, got, job.length - got, job.at! + got);
    if (got < job.length) throw Object.assign(new Error('the file shrank while it was being read'), { code: 'ESHRANK' });
  } finally {
    closeSync(fd);
  }
  return out;
}

/** Up to `n` first bytes of a file on disk (raw, not decoded). */
export async function headBytes(path: string, n: number): Promise<Buffer> {
  const fh = await fsp.open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

