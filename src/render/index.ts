import { renderCsv } from './csv.js';
import { renderMarkdown } from './markdown.js';
import type { OutputFormat, Section } from './sections.js';
import { renderTable } from './table.js';

export type { OutputFormat, Section } from './sections.js';

/** Sections in a text format; `json` is the caller's own object. */
export function renderSections(format: Exclude<OutputFormat, 'json'>, sections: Section[], color: boolean): string {
  if (format === 'csv') return renderCsv(sections);
  if (format === 'markdown') return renderMarkdown(sections);
  return renderTable(sections, color);
}

export const renderJson = (value: unknown) => JSON.stringify(value, null, 2) + '\n';
export { jsonPieces } from './json.js';
