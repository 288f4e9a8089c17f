// Decoded bytes -> chunks of whole lines, cut at line breaks without decoding them (the decoding is
// done where the chunk is parsed, chunk.ts). A line longer than MAX_LINE is passed over: reported,
// never held in memory. The last chunk is marked final and carries a last line with no line break;
// any other carries the start of the line after it (a text record may go on there, framer.ts).

export const MAX_LINE = 16 * 1024 * 1024;
const FOLLOWING_BYTES = 256;

export type RawChunk =
  // following: the start of the next line, or null when none that can be read follows (chunk.ts)
  | { kind: 'lines'; bytes: Buffer; lines: number; final: boolean; following: string | null }
  | { kind: 'overlong'; bytes: number }; // one line too long to read, passed over

/** `roomBefore`: the source leaves free bytes before each buffer it gives (sources.ts plainBytes). */
export async function* rawChunks(source: AsyncIterable<Buffer>, roomBefore = false): AsyncGenerator<RawChunk> {
  // The start of a line whose end has not come yet, in pieces: joined once, when its end comes (a long
  // line over many reads is not copied again at every read).
  let carry: Buffer[] = [];
  let carried = 0;
  let held: Buffer | null = null; // whole lines, held back one step so that the last can be marked final
  let discarding = false; // inside an overlong line, until its end
  let discarded = 0;
  const chunk = (bytes: Buffer, final: boolean, following: string | null = null): RawChunk => ({
    kind: 'lines', bytes, lines: countLines(bytes), final, following,
  });
  // A read error (a gzip file cut short) ends the chunks, but what was read before it is handed on first.
  const reading = source[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Buffer>;
    try {
      next = await reading.next();
    } catch (err) {
      if (held) yield chunk(held, false);
      throw err;
    }
    if (next.done) break;
    let data: Buffer = next.value;
    if (discarding) {
      const nl = data.indexOf(10);
      if (nl < 0) {
        discarded += data.length;
        continue;
      }
      if (held) yield chunk(held, false);
      held = null;
      yield { kind: 'overlong', bytes: discarded + nl + 1 };
      discarding = false;
      data = data.subarray(nl + 1);
    }
    const last = data.lastIndexOf(10);
    if (last < 0) {
      carry.push(Buffer.from(data));
      carried += data.length;
      if (carried > MAX_LINE) {
        discarding = true;
        discarded = carried;
        carry = [];
        carried = 0;
      }
      continue;
    }
    if (held) yield chunk(held, false, startOf([...carry, data]));
    // The line begun in the last buffer ends in this one: one chunk (put before this buffer, or one
    // copy of it: either is cheaper than a chunk of its own for one line).
    held = carried > 0 ? joined(carry, carried, data, last + 1, roomBefore) : data.subarray(0, last + 1);
    // Keep the remainder only as a copy, so the big buffer it came from can be freed.
    carry = last + 1 < data.length ? [Buffer.from(data.subarray(last + 1))] : [];
    carried = data.length - last - 1;
  }
  if (discarding) {
    if (held) yield chunk(held, false);
    yield { kind: 'overlong', bytes: discarded };
    yield chunk(Buffer.alloc(0), true);
    return;
  }
  const tail = Buffer.concat(carry);
  yield chunk(held ? (tail.length ? Buffer.concat([held, tail]) : held) : tail, true);
}

/**
 * The carried start of a line, then data up to `end`: put in the room the source left before data
 * when it fits there (only the carry is copied, not the read), else joined into a new buffer.
 */
function joined(carry: Buffer[], carried: number, data: Buffer, end: number, roomBefore: boolean): Buffer {
  if (!roomBefore || carried > data.byteOffset) return Buffer.concat([...carry, data.subarray(0, end)]);
  const whole = Buffer.from(data.buffer, data.byteOffset - carried, carried + end);
  let at = 0;
  for (const c of carry) at += c.copy(whole, at);
  return whole;
}

/** The start of the line that the pieces begin, decoded: up to its line break, at most FOLLOWING_BYTES. */
function startOf(pieces: Buffer[]): string {
  const head: Buffer[] = [];
  for (let n = 0, i = 0; n < FOLLOWING_BYTES && i < pieces.length; i++) {
    head.push(pieces[i].subarray(0, FOLLOWING_BYTES - n));
    n += head[head.length - 1].length;
  }
  const bytes = Buffer.concat(head);
  const nl = bytes.indexOf(10);
  return bytes.toString('utf8', 0, nl < 0 ? bytes.length : nl);
}

function countLines(bytes: Buffer): number {
  let n = 0;
  for (let at = bytes.indexOf(10); at >= 0; at = bytes.indexOf(10, at + 1)) n++;
  return n;
}
