// JSON output in pieces: the text of JSON.stringify(value, null, 2), but a report with tens of
// thousands of rows is never held as one string (which doubles when one message is not Latin-1).

const PIECE = 64 * 1024;

/**
 * The pieces of `JSON.stringify(value, null, 2) + '\n'`, each about 64 KiB. `rowDepth`: how deep the
 * rows of its lists are (2 for analyze's report, whose lists are its fields; 3 for the period report,
 * whose lists are in its sections): a row is stringified whole.
 */
export function* jsonPieces(value: unknown, rowDepth = 2): Generator<string> {
  const out = { text: '' };
  yield* walk(value, '', out, 2 * rowDepth);
  yield out.text + '\n';
}

function* walk(v: unknown, indent: string, out: { text: string }, rowIndent: number): Generator<string> {
  if (out.text.length >= PIECE) {
    yield out.text;
    out.text = '';
  }
  if (v === null || typeof v !== 'object' || typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    out.text += JSON.stringify(v) ?? 'null';
    return;
  }
  // Below the report's lists (a row): small, so JSON.stringify itself, indented to its place.
  if (indent.length >= rowIndent) {
    out.text += JSON.stringify(v, null, 2).replace(/\n/g, '\n' + indent);
    return;
  }
  const inner = indent + '  ';
  const entries: Array<[string | null, unknown]> = Array.isArray(v)
    ? v.map((x) => [null, x === undefined || typeof x === 'function' ? null : x])
    : Object.entries(v).filter(([, x]) => x !== undefined && typeof x !== 'function');
  const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) {
    out.text += open + close;
    return;
  }
  out.text += open;
  for (let i = 0; i < entries.length; i++) {
    const [key, x] = entries[i];
    out.text += (i === 0 ? '\n' : ',\n') + inner + (key === null ? '' : JSON.stringify(key) + ': ');
    yield* walk(x, inner, out, rowIndent);
  }
  out.text += '\n' + indent + close;
}
