import { markdownCell } from '../escape.js';
import { cellText, type Section } from './sections.js';


export function renderMarkdown(sections: Section[]): string {
  const out: string[] = [];
  for (const s of sections) {
    if (s.title) out.push(`## ${s.title}`, '');
    if (s.rows.length === 0) {
      out.push(`_${s.empty ?? 'none'}_`, '');
      continue;
    }
    out.push(`| ${s.columns.join(' | ')} |`, `|${s.columns.map(() => ' --- ').join('|')}|`);
    for (const r of s.rows) out.push(`| ${s.columns.map((c) => markdownCell(cellText((r as Record<string, unknown>)[c]))).join(' | ')} |`);
    out.push('');
    if (s.notes?.length) out.push(...s.notes.map((n) => `- ${n}`), '');
  }
  return out.join('\n');
}
