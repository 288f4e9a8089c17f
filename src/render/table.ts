// Terminal tables (cli-table3), colour through chalk only when asked for.
import { Chalk } from 'chalk';
import Table from 'cli-table3';
import { cellText, type Section } from './sections.js';

export function renderTable(sections: Section[], color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const out: string[] = [];
  for (const s of sections) {
    out.push(c.bold(s.title));
    if (s.rows.length === 0) {
      out.push(c.dim(`  ${s.empty ?? 'none'}`), '');
      continue;
    }
    const table = new Table({
      head: s.columns.map((h) => c.cyan(h)),
      style: { head: [], border: [] },
      chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' }, // no rule between rows
      wordWrap: true,
      colWidths: s.columns.map((col) => (col === 'message' ? 72 : null)) as number[],
    });
    for (const r of s.rows) table.push(s.columns.map((col) => cellText((r as Record<string, unknown>)[col])));
    out.push(table.toString());
    if (s.notes?.length) out.push(...s.notes.map((n) => c.yellow(`  → ${n}`)));
    out.push('');
  }
  return out.join('\n');
}
