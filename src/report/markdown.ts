// The report as GitHub-flavoured markdown (a wiki page, a pull-request comment): a table of contents,
// the checklist first with links to the sections, and long lists folded in <details>.
import { markdownCell } from '../escape.js';
import type { PeriodReport } from './build.js';
import { BLOCKS, intro, MARK, SECTION_ORDER, title, type Block } from './document.js';

/** Tables and lists longer than this are folded. */
const FOLD = 10;

const text = (v: unknown) => markdownCell(v === null || v === undefined ? '' : String(v));
const fold = (n: number, lines: string[]) => (n > FOLD ? ['<details>', `<summary>${n} rows</summary>`, '', ...lines, '</details>', ''] : lines);

function block(b: Block): string[] {
  if ('h' in b) return [`### ${text(b.h)}`, ''];
  if ('p' in b) return [text(b.p), ''];
  if ('list' in b) return fold(b.list.length, [...b.list.map((l) => `- ${text(l)}`), '']);
  const t = b.table;
  if (t.rows.length === 0) return [`_${t.empty ?? 'none'}_`, ''];
  return fold(t.rows.length, [`| ${t.columns.join(' | ')} |`, `|${t.columns.map(() => ' --- ').join('|')}|`, ...t.rows.map((r) => `| ${r.map(text).join(' | ')} |`), '']);
}

export function renderMarkdown(r: PeriodReport): string {
  const out: string[] = [`# Error analytics report: the ${r.period.name} to ${r.period.to}`, '', text(intro(r)), '', '## Contents', '', ...SECTION_ORDER.map((id) => `- [${title(id)}](#${id})`), ''];
  for (const id of SECTION_ORDER) {
    out.push(`## ${title(id)}`, '');
    if (id === 'checklist') {
      out.push('| | cadence | item | finding |', '| --- | --- | --- | --- |');
      for (const c of r.checklist) out.push(`| ${MARK[c.status]} | ${c.cadence} | [${text(c.item)}](#${c.section}) | ${text(c.note)} |`);
      out.push('');
    } else for (const b of BLOCKS[id](r)) out.push(...block(b));
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
