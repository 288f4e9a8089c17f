// A one-line progress note on stderr: only on a terminal, only once the work has taken a second, at most
// ten redraws a second, never wider than the terminal.
import type { ReadProgress } from '../ingest/ingest.js';

export interface Progress {
  /** Reading the logs. */
  update(p: ReadProgress): void;
  /** Any later stage, e.g. `backtest: alert 3 of 8`. */
  note(text: string): void;
  /** Clear the line (before any other message); the next stage may draw at once. */
  done(): void;
}

const REDRAW_MS = 100;
const ETA_AFTER_MS = 1000; // no guess from the first moments' rate
// Test hook: VTCODE_ERRORS_PROGRESS_DELAY_MS sets how long the work runs before the line first shows.
const firstDrawMs = (): number => {
  const ms = Number(process.env.VTCODE_ERRORS_PROGRESS_DELAY_MS);
  return Number.isFinite(ms) && ms >= 0 ? ms : 1000;
};

/** `rows`: what the rows are — `read` when nothing is kept (one-shot), else `stored`. */
export function progressLine(enabled: boolean, rows: 'read' | 'stored' = 'stored', stream: NodeJS.WriteStream = process.stderr): Progress {
  const started = Date.now();
  const delay = firstDrawMs();
  let last = 0;
  let shown = false;
  const draw = (text: () => string) => {
    const now = Date.now();
    if (!enabled || now - started < delay || now - last < REDRAW_MS) return;
    last = now;
    shown = true;
    stream.write(`\r\x1b[K${fit(text(), stream.columns || 80)}`);
  };
  return {
    update: (p) => draw(() => readingText(p, rows, Date.now() - started)),
    note: (text) => draw(() => text),
    done() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
      last = 0;
    },
  };
}

/** At most `columns - 1` characters: a line that fills the last column would wrap on some terminals. */
const fit = (text: string, columns: number): string => [...text].slice(0, Math.max(0, columns - 1)).join('');

/** E.g. `42% · 1.2 GB of 2.9 GB · 812,345 rows read · ETA 0:07`; without a known size, the bytes and rate. */
export function readingText(p: ReadProgress, rows: 'read' | 'stored', elapsedMs: number): string {
  const count = `${p.rows.toLocaleString('en')} rows ${rows}`;
  const read = p.bytes - p.passed; // read by this run, not found already read
  if (p.total === null || p.total <= 0) {
    const files = `${p.files} file${p.files === 1 ? '' : 's'}`;
    return [files, formatBytes(p.bytes), `${formatBytes(elapsedMs > 0 ? (read * 1000) / elapsedMs : 0)}/s`, count].join(' · ');
  }
  const parts = [`${Math.min(100, Math.floor((100 * p.bytes) / p.total))}%`, `${formatBytes(p.bytes)} of ${formatBytes(p.total)}`, count];
  if (elapsedMs >= ETA_AFTER_MS && read > 0) parts.push(`ETA ${formatDuration((Math.max(0, p.total - p.bytes) * elapsedMs) / read / 1000)}`);
  return parts.join(' · ');
}

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

export function formatBytes(n: number): string {
  let i = 0;
  while (n >= 1024 && i < UNITS.length - 1) {
    n /= 1024;
    i++;
  }
  return i === 0 ? `${Math.round(n)} B` : `${n.toFixed(1)} ${UNITS[i]}`;
}

/** m:ss, or h:mm:ss from an hour on. */
export function formatDuration(seconds: number): string {
  const s = Math.ceil(seconds);
  const pad = (n: number) => String(n).padStart(2, '0');
  const [h, m] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60)];
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}
