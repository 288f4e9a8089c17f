// Parsing single field values: timestamps, HTTP statuses, counts; ANSI stripping.
import { UserError } from '../model.js';

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const MAX_MS = 253402300800000; // year 10000

/** Epoch milliseconds for a record's time value, or null when it is not a usable time. */
export function parseTime(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? epochToMs(String(value)) : null;
  if (typeof value !== 'string') return null;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return epochToMs(v);
  const m = ISO.exec(v);
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const ms = Number((frac + '000').slice(0, 3)); // sub-millisecond digits are truncated
  let t = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, ms);
  // Date.UTC rolls over out-of-range fields (month 13, hour 25): such a time is not usable.
  const check = new Date(t);
  if (check.getUTCMonth() !== +mo - 1 || check.getUTCDate() !== +d || check.getUTCHours() !== +h || +mi > 59 || +s > 60) return null;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0)) * 60_000;
  }
  return t >= 0 && t < MAX_MS ? t : null;
}

// Epoch seconds below 1e11, else milliseconds; from the decimal text so that no float error creeps in.
function epochToMs(text: string): number | null {
  if (/e/i.test(text)) text = Number(text).toFixed(3);
  const [int, frac = ''] = text.split('.');
  const whole = Number(int);
  if (!Number.isFinite(whole) || whole < 0) return null;
  const t = whole < 1e11 ? whole * 1000 + Number((frac + '000').slice(0, 3)) : whole;
  return t < MAX_MS ? t : null;
}

/** A library option's time, ISO 8601 (`name` for the message), as epoch ms; null when not given. */
export function optionTime(name: string, value: string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const t = parseTime(value);
  if (t === null) throw new UserError(`${name} ${value}: expected an ISO 8601 time`);
  return t;
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

// Most logs write the stored form, YYYY-MM-DDTHH:MM:SS.sssZ, or that with more (or no) digits of
// the second: such a value, when every field is in range in every month (days up to 28), is kept or
// cut to milliseconds; anything else takes the careful path.
const CANONICAL = /^(?:19[7-9]\d|[2-9]\d{3})-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{3,9})?Z$/;

/** A record's time value in the stored form (UTC, milliseconds), or null when it is not usable. */
export function parseTimestamp(value: unknown): string | null {
  if (typeof value === 'string' && value.length >= 20 && value.length <= 30 && CANONICAL.test(value)) {
    if (value.length === 24) return value;
    return value.length === 20 ? value.slice(0, 19) + '.000Z' : value.slice(0, 23) + 'Z'; // sub-millisecond digits are truncated
  }
  const ms = parseTime(value);
  return ms === null ? null : isoTime(ms);
}

/** An HTTP status from a number, a numeric string, or a Display string such as "503 Service Unavailable". */
export function parseStatus(value: unknown): number | null {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 100 && value <= 999 ? value : null;
  if (typeof value === 'string') {
    const m = /^\s*(\d{3})(?!\d)/.exec(value);
    return m ? Number(m[1]) : null;
  }
  return null;
}

export function parseCount(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : null;
  if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) return Number(value);
  return null;
}

// CSI and OSC sequences, and stray ESC-letter pairs.
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

export function stripAnsi(text: string): string {
  return text.includes('\u001b') ? text.replace(ANSI, '') : text;
}
