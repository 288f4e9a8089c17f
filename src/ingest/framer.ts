// Lines -> JSON values. Every line of a JSON Lines file is a value; a pretty-printed document
// (a line that is just `{`) runs until its braces close; a top-level array (a line that is just `[`,
// or starts with `[{`) is streamed element by element, so that neither is held whole when it is big.
// Lines that are not JSON may be claimed by a text line format (the `text` hook) before they count as
// skipped. A line of VT Code's text debug log goes on over the lines after it that start no line of
// their own (a message or value holding line breaks): they are handed to the hook joined with "\n".
import { isTextLine, startsTextLine } from './textlog.js';

export const MAX_DOCUMENT = 64 * 1024 * 1024; // characters of one multi-line value kept for parsing
export const MAX_TEXT_RECORD = 1024 * 1024; // characters of one text line with its continuation lines
export const CONTINUATION = 'continuation of the previous line';

export interface FrameSink {
  value(value: unknown, line: number): void;
  skipped(line: number, reason: string): void;
  blank(): void;
  /** A line that is not JSON: return true when a text format took it. */
  text?(line: string, lineNo: number): boolean;
}

const OPEN_BRACE = 123; // {
const OPEN_BRACKET = 91; // [
const OPEN = 1;
const CLOSE = 2;
const COMMA = 3;
const OTHER = 0;

interface Pending {
  kind: 'doc' | 'array';
  openedAt: number; // the line the document or array starts on
  startLine: number; // where the document, or the current array element, starts
  depth: number;
  inString: boolean;
  escape: boolean;
  parts: string[]; // text of the document / current element
  size: number;
  tooLarge: boolean;
  elementStarted: boolean; // array: a non-blank character of the current element was seen
}

interface OpenText {
  line: number; // its first line
  parts: string[]; // its lines
  blanks: number; // blank lines at the end of parts: its own only if more of it follows
  size: number;
  checked: boolean; // the first line was found to be a line of the format
}

export class Framer {
  private pending: Pending | null = null;
  private record: OpenText | null = null; // a text line, until a line that starts no continuation
  private overflow = false; // after a text record cut at MAX_TEXT_RECORD, until its continuation lines end

  constructor(private readonly sink: FrameSink) {}

  /** True between values: the byte offset after this line is a safe place to resume from. */
  get idle(): boolean {
    return this.pending === null && this.record === null;
  }

  /** The line the value or text record still open starts on, or null. */
  get openedAt(): number | null {
    return this.pending?.openedAt ?? this.record?.line ?? null;
  }

  /** The line the text record still open starts on, or null. */
  get textOpenedAt(): number | null {
    return this.record?.line ?? null;
  }

  /** The line would go on with the text record still open. */
  continues(text: string): boolean {
    const r = this.record;
    return r !== null && goesOn(text) && (r.checked || isBlank(text) || isTextLine(r.parts[0]));
  }

  line(text: string, lineNo: number): void {
    if (this.pending) return this.continuePending(text, lineNo);
    if (this.record || this.overflow) {
      if (goesOn(text)) return this.continueText(text, lineNo);
      this.endText();
    }
    let i = 0;
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
    if (i === text.length) return this.sink.blank();
    const first = text.charCodeAt(i);
    if (first === OPEN_BRACE || first === OPEN_BRACKET) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return this.startPending(text, lineNo, i);
      }
      return this.emit(value, lineNo, true);
    }
    if (this.sink.text && startsTextLine(text)) {
      this.record = { line: lineNo, parts: [text], blanks: 0, size: text.length, checked: false };
      return;
    }
    this.notJson(text, lineNo);
  }

  /** End of input: a value still open is cut short. */
  end(): void {
    this.endText();
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    if (p.kind === 'doc') return this.notADocument(p);
    if (p.elementStarted) this.finishElement(p, true);
  }

  /** The text record still open is complete: read it. */
  endText(): void {
    this.overflow = false;
    const r = this.record;
    if (!r) return;
    this.record = null;
    const n = r.parts.length - r.blanks;
    if (n === 1) this.notJson(r.parts[0], r.line);
    else if (!this.sink.text!(r.parts.slice(0, n).join('\n'), r.line)) {
      // Not a record even whole (cut short): its first line as on its own, the rest skipped as its
      // continuation lines.
      this.notJson(r.parts[0], r.line);
      for (let i = 1; i < n; i++) this.textPart(r.parts[i], r.line + i);
    }
    for (let i = 0; i < r.blanks; i++) this.sink.blank();
  }

  private continueText(text: string, lineNo: number): void {
    const r = this.record;
    if (r === null) return this.textPart(text, lineNo); // overflow
    const blank = isBlank(text);
    if (!blank && !r.checked) {
      // Only a line of the format goes on: after any other line (a line of garbage that starts with a
      // date), this one is read on its own.
      if (!isTextLine(r.parts[0])) {
        this.endText();
        return this.line(text, lineNo);
      }
      r.checked = true;
    }
    if (r.size + 1 + text.length > MAX_TEXT_RECORD) {
      // A text line followed by a great deal of other text: read what it has, skip the rest.
      this.endText();
      this.overflow = true;
      return this.textPart(text, lineNo);
    }
    r.parts.push(text);
    r.size += 1 + text.length;
    r.blanks = blank ? r.blanks + 1 : 0;
  }

  private textPart(text: string, lineNo: number): void {
    if (isBlank(text)) this.sink.blank();
    else this.sink.skipped(lineNo, CONTINUATION);
  }

  // A line that is not JSON, nor the start of a text record.
  private notJson(text: string, lineNo: number): void {
    if (this.sink.text?.(text, lineNo)) return;
    // A JSON scalar on a line of its own is JSON, but not a record.
    if (looksLikeJsonScalar(text)) {
      try {
        JSON.parse(text);
        return this.sink.skipped(lineNo, 'not an object');
      } catch {
        /* fall through */
      }
    }
    this.sink.skipped(lineNo, 'invalid JSON');
  }

  // Lines that looked like the start of a document but never made one: each is a line of its own,
  // skipped (the first) or read again (the rest).
  private notADocument(p: Pending): void {
    this.sink.skipped(p.startLine, p.tooLarge ? 'JSON document too large' : 'invalid JSON');
    if (p.tooLarge) return;
    for (let i = 1; i < p.parts.length; i++) this.line(p.parts[i], p.startLine + i);
  }

  private emit(value: unknown, lineNo: number, fromLine: boolean): void {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return this.sink.value(value, lineNo);
    // A top-level array on one line: every element is a record (or skipped, if not an object).
    if (fromLine && Array.isArray(value)) {
      for (const v of value) this.emit(v, lineNo, false);
      return;
    }
    this.sink.skipped(lineNo, 'not an object');
  }

  // A line that opens a multi-line value, or is broken JSON.
  private startPending(text: string, lineNo: number, at: number): void {
    const trimmed = text.trim();
    const isDoc = trimmed === '{' || (trimmed.length < 200 && text.charCodeAt(at) === OPEN_BRACE && /[{[]$/.test(trimmed));
    const isArray = trimmed === '[' || /^\[\s*[{[]/.test(trimmed);
    if (!isDoc && !isArray) {
      if (this.sink.text?.(text, lineNo)) return;
      return this.sink.skipped(lineNo, 'invalid JSON');
    }
    this.pending = {
      kind: isDoc ? 'doc' : 'array',
      openedAt: lineNo,
      startLine: lineNo,
      depth: 0,
      inString: false,
      escape: false,
      parts: [],
      size: 0,
      tooLarge: false,
      elementStarted: false,
    };
    this.continuePending(text, lineNo);
  }

  private continuePending(text: string, lineNo: number): void {
    const p = this.pending!;
    if (p.kind === 'array') return this.continueArray(p, text, lineNo);
    // A complete JSON Lines record at column 0 inside a document: the document was cut short.
    if (p.depth > 0 && text.charCodeAt(0) === OPEN_BRACE && isJsonObject(text)) {
      this.pending = null;
      this.notADocument(p);
      return this.line(text, lineNo);
    }
    let closedAt = -1;
    for (let i = 0; i < text.length && closedAt < 0; i++) {
      const c = this.step(p, text.charCodeAt(i));
      if (c === CLOSE && p.depth === 0) closedAt = i;
    }
    this.endOfLine(p);
    this.keep(p, closedAt < 0 ? text : text.slice(0, closedAt + 1));
    if (closedAt < 0) return;
    this.pending = null;
    const value = p.tooLarge ? undefined : tryParse(p.parts.join('\n'));
    if (value === undefined) return this.notADocument(p);
    this.emit(value, p.startLine, false);
    this.rest(text, closedAt, lineNo);
  }

  // Array: elements split at depth-1 commas; the bracket that returns to depth 0 ends the array.
  private continueArray(p: Pending, text: string, lineNo: number): void {
    // A complete JSON Lines record at column 0 inside an unfinished element: the array was cut short
    // (or never was one: a line of `[`s, a record cut after its `[`).
    if (p.depth > 1 && p.openedAt !== lineNo && text.charCodeAt(0) === OPEN_BRACE && isJsonObject(text)) {
      this.pending = null;
      this.sink.skipped(p.startLine, 'invalid JSON');
      return this.line(text, lineNo);
    }
    let from = 0; // start of the current element's text on this line
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      const depthBefore = p.depth;
      const c = this.step(p, code);
      if (depthBefore === 0) {
        from = i + 1; // the array's own opening bracket
        continue;
      }
      if (depthBefore === 1 && (c === COMMA || (c === CLOSE && p.depth === 0))) {
        this.keep(p, text.slice(from, i));
        this.finishElement(p, false);
        from = i + 1;
        if (p.depth === 0) {
          this.pending = null;
          return this.rest(text, i, lineNo);
        }
      } else if (!p.elementStarted && !isSpace(code)) {
        p.elementStarted = true;
        p.startLine = lineNo;
        from = i;
      }
    }
    this.endOfLine(p);
    if (p.elementStarted) this.keep(p, text.slice(from));
  }

  /** Advance the string/bracket state by one character; returns what it was outside strings. */
  private step(p: Pending, c: number): number {
    if (p.inString) {
      if (p.escape) p.escape = false;
      else if (c === 92 /* \\ */) p.escape = true;
      else if (c === 34 /* " */) p.inString = false;
      return OTHER;
    }
    if (c === 34) p.inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      p.depth++;
      return OPEN;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      p.depth--;
      return CLOSE;
    } else if (c === 44) return COMMA;
    return OTHER;
  }

  // JSON strings cannot hold a raw line break: carry on so that the brackets still balance.
  private endOfLine(p: Pending): void {
    p.inString = false;
    p.escape = false;
  }

  // Text after a value closed on the same line is read as a line of its own.
  private rest(text: string, closedAt: number, lineNo: number): void {
    const rest = text.slice(closedAt + 1);
    if (rest.trim() && rest.trim() !== ',') this.line(rest, lineNo);
  }

  private keep(p: Pending, piece: string): void {
    if (p.tooLarge) return;
    p.size += piece.length + 1;
    if (p.size > MAX_DOCUMENT) {
      p.tooLarge = true;
      p.parts = [];
    } else p.parts.push(piece);
  }

  private finishElement(p: Pending, atEnd: boolean): void {
    const text = p.parts.join('\n');
    const tooLarge = p.tooLarge;
    p.parts = [];
    p.size = 0;
    p.tooLarge = false;
    const started = p.elementStarted;
    p.elementStarted = false;
    if (!started) return; // `[]`, or a trailing comma
    if (tooLarge) return this.sink.skipped(p.startLine, 'JSON value too large');
    const value = tryParse(text);
    if (value === undefined) return this.sink.skipped(p.startLine, atEnd ? 'truncated JSON array' : 'invalid JSON');
    this.emit(value, p.startLine, false);
  }
}

// Inside a text record, a line goes on with it unless it starts a line of its own: a line of the
// format, or a JSON Lines record (so that no JSON Lines file is ever read into one).
function goesOn(text: string): boolean {
  return !startsTextLine(text) && !(text.charCodeAt(0) === OPEN_BRACE && isJsonObject(text));
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isSpace(text.charCodeAt(i))) return false;
  return true;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10 || c === 0xfeff;
}

function isRecordObject(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isJsonObject(text: string): boolean {
  return isRecordObject(tryParse(text));
}

function looksLikeJsonScalar(text: string): boolean {
  return /^\s*(-?\d|"|true\b|false\b|null\b)/.test(text);
}
