// RFC 4180 CSV. Several sections become one table: a first column naming the section, then the union
// of their columns, so that any CSV reader takes it whole.
import { cellText, type Section } from './sections.js';

const field = (s: string) => (/[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const line = (cells: string[]) => cells.map(field).join(',') + '\r\n';

export function renderCsv(sections: Section[]): string {
  if (sections.length === 1) {
    const [s] = sections;
    return line(s.columns) + s.rows.map((r) => line(s.columns.map((c) => cellText((r as Record<string, unknown>)[c])))).join('');
  }
  const columns = [...new Set(sections.flatMap((s) => s.columns))];
  let out = line(['analysis', ...columns]);
  for (const s of sections) for (const r of s.rows) out += line([s.key, ...columns.map((c) => cellText((r as Record<string, unknown>)[c]))]);
  return out;
}
