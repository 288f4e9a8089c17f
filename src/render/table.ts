// Terminal tables (cli-table3), colour through chalk only when asked for.
import { Chalk } from 'chalk';
import Table from 'cli-table3';
import { cellText, type Section } from './sections.js';

// cli-table3's cell padding (one space either side) and one border character per column, plus one.
const PADDING = 2;
const MIN_COLUMN = 8;

/** The terminal's width when stdout is one; piped output keeps its natural width. */
export const terminalWidth = (stream: NodeJS.WriteStream = process.stdout): number | null =>
  stream.isTTY && stream.columns > 0 ? stream.columns : null;

/**
 * Column widths (padding included) that fit `width`: only columns of text (a cell with a space) are
 * narrowed, to a common cap found by bisection, and wrap; a column of names, numbers or times keeps its
 * width, as a value cut in two misreads. Null when that cannot fit (the rows are then shown one by
 * one, as psql's expanded display).
 */
export function fitColumns(natural: number[], width: number, wraps: boolean[] = natural.map(() => true)): number[] | null {
  const room = width - (natural.length + 1);
  const total = (cap: number) => natural.reduce((sum, w, i) => sum + (wraps[i] ? Math.min(w, cap) : w), 0);
  if (total(Infinity) <= room) return natural;
  if (total(MIN_COLUMN) > room) return null;
  let lo = MIN_COLUMN;
  let hi = Math.max(...natural);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (total(mid) <= room) lo = mid;
    else hi = mid - 1;
  }
  return natural.map((w, i) => (wraps[i] ? Math.min(w, lo) : w));
}

/** Text wrapped at `width` on spaces, the continuation lines indented; unchanged when width is null. */
export function wrapText(text: string, width: number | null, indent: string): string {
  if (width === null || [...text].length <= width) return text;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line === '' ? word : `${line} ${word}`;
    if ([...next].length > width && line.trim() !== '') {
      lines.push(line);
      line = `${indent}${word}`;
    } else line = next;
  }
  return [...lines, line].join('\n');
}

const visibleWidth = (text: string): number => Math.max(...text.split('\n').map((l) => [...l].length));

export function renderTable(sections: Section[], color: boolean, width: number | null = terminalWidth()): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const out: string[] = [];
  for (const s of sections) {
    out.push(c.bold(s.title));
    if (s.rows.length === 0) {
      out.push(c.dim(`  ${s.empty ?? 'none'}`), '');
      continue;
    }
    const cells = s.rows.map((r) => s.columns.map((col) => cellText((r as Record<string, unknown>)[col])));
    // Piped: a message wraps at 72 columns, the rest at its natural width. On a terminal: all fits it.
    const natural = s.columns.map((h, i) => Math.max(visibleWidth(h), ...cells.map((row) => visibleWidth(row[i]))) + PADDING);
    const wraps = s.columns.map((_, i) => cells.some((row) => row[i].includes(' ')));
    const colWidths = width === null ? s.columns.map((col, i) => (col === 'message' ? Math.min(72, natural[i]) : natural[i])) : fitColumns(natural, width, wraps);
    if (colWidths === null) out.push(expanded(s.columns, cells, width!, c));
    else out.push(grid(s.columns, cells, colWidths, c));
    if (s.notes?.length) out.push(...s.notes.map((n) => c.yellow(wrapText(`  → ${n}`, width, '    '))));
    out.push('');
  }
  return out.join('\n');
}

/** The rows as one table with a header, no rule between rows. */
function grid(columns: string[], cells: string[][], colWidths: number[], c: InstanceType<typeof Chalk>): string {
  const table = new Table({
    head: columns.map((h) => c.cyan(h)),
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    wordWrap: true,
    wrapOnWordBoundary: true,
    colWidths,
  });
  for (const row of cells) table.push(row);
  return table.toString();
}

/** Too many columns for the terminal: each row as a table of column and value. */
function expanded(columns: string[], cells: string[][], width: number, c: InstanceType<typeof Chalk>): string {
  const keyWidth = Math.max(...columns.map((h) => [...h].length)) + PADDING;
  return cells
    .map((row, i) => {
      const table = new Table({
        style: { head: [], border: [] },
        chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
        wordWrap: true,
        wrapOnWordBoundary: true,
        colWidths: [keyWidth, Math.max(MIN_COLUMN, width - keyWidth - 3)],
      });
      for (const [k, h] of columns.entries()) table.push([c.cyan(h), row[k]]);
      return `${c.dim(`row ${i + 1}`)}\n${table.toString()}`;
    })
    .join('\n');
}
