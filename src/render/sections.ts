// What every renderer prints: titled tables of rows, with notes (action items) under them.

export type OutputFormat = 'table' | 'json' | 'csv' | 'markdown';
export interface Section {
  key: string;
  title: string;
  columns: string[];
  rows: ReadonlyArray<object>;
  notes?: string[];
  empty?: string; // what to say when there are no rows
}

export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
