// Decoded bytes -> lines, with the byte offset after each chunk of complete lines.
// `\n` and `\r\n` end lines; a UTF-8 BOM at the start is dropped; invalid UTF-8 becomes U+FFFD;
// a line longer than MAX_LINE is passed over (reported, never held in memory).

export const MAX_LINE = 16 * 1024 * 1024;

export type LineChunk =
  | { kind: 'lines'; lines: string[]; bytes: number } // complete lines and the bytes they took
  | { kind: 'overlong'; bytes: number } // one line too long to read, passed over
  | { kind: 'partial'; line: string; bytes: number }; // the last line, with no line break after it

/** Split a stream of Buffers into chunks of whole lines. `atStart`: the stream starts at byte 0. */
export async function* splitLines(chunks: AsyncIterable<Buffer>, atStart: boolean): AsyncGenerator<LineChunk> {
  let carry: Buffer | null = null;
  let discarding = false; // inside an overlong line, until its end
  let discarded = 0;
  let first = atStart;
  for await (const buf of chunks) {
    let data: Buffer = buf;
    if (discarding) {
      const nl = data.indexOf(10);
      if (nl < 0) {
        discarded += data.length;
        continue;
      }
      yield { kind: 'overlong', bytes: discarded + nl + 1 };
      discarding = false;
      discarded = 0;
      data = data.subarray(nl + 1);
    } else if (carry) data = Buffer.concat([carry, data]);
    carry = null;
    const last = data.lastIndexOf(10);
    if (last < 0) {
      if (data.length > MAX_LINE) {
        discarding = true;
        discarded = data.length;
      } else carry = data;
      continue;
    }
    const lines = decode(data.subarray(0, last + 1), first);
    first = false;
    lines.pop(); // the empty string after the final \n
    yield { kind: 'lines', lines, bytes: last + 1 };
    // Keep the remainder only as a copy, so the big chunk it came from can be freed.
    if (last + 1 < data.length) carry = Buffer.from(data.subarray(last + 1));
  }
  if (discarding) yield { kind: 'overlong', bytes: discarded };
  else if (carry && carry.length > 0) {
    const [line] = decode(carry, first);
    yield { kind: 'partial', line, bytes: carry.length };
  }
}

function decode(bytes: Buffer, atStart: boolean): string[] {
  let text = bytes.toString('utf8');
  if (atStart && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.length > 0 && l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
  }
  return lines;
}
