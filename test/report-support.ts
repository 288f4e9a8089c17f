// The hand-built logs of test/report.test.ts and test/report-html.test.ts: every number the report
// gives on them is known by construction (the comments say how).
export const UNTIL = '2026-11-23T00:00:00Z';
const at = (iso: string, plusMs = 0) => new Date(Date.parse(iso) + plusMs).toISOString();
const MIN = 60_000;
export function records(): object[] {
  const out: object[] = [];
  // gemini, previous week: 160 server errors every 30 minutes from 11-10; the first 20 carry outcomes (18 recovered, 2 failed, 1 retry).
  for (let i = 0; i < 160; i++) {
    const r: Record<string, unknown> = { timestamp: at('2026-11-10T00:00:00Z', i * 30 * MIN), provider: 'gemini', status_code: 500, error_message: 'Internal server error' };
    if (i < 20) Object.assign(r, { status: i < 18 ? 'recovered' : 'failed', retry_count: 1 });
    out.push(r);
  }
  // gemini, this week: 4 bursts (02:00, 03:00, 04:00, 05:00 on 11-19) of 60 server errors, one every 5 s.
  for (let b = 0; b < 4; b++) {
    for (let k = 0; k < 60; k++) {
      const r: Record<string, unknown> = { timestamp: at('2026-11-19T02:00:00Z', b * 60 * MIN + k * 5000), provider: 'gemini', status_code: 500, error_message: 'Internal server error' };
      // The first burst's errors end: 10 failed after 3 retries, 10 recovered after 2, 40 after 1.
      if (b === 0) Object.assign(r, k < 10 ? { status: 'failed', retry_count: 3 } : k < 20 ? { status: 'recovered', retry_count: 2 } : { status: 'recovered', retry_count: 1 });
      out.push(r);
    }
  }
  // openai, previous week: 20 rate limits, hourly on 11-10.
  for (let i = 0; i < 20; i++) out.push({ timestamp: at('2026-11-10T00:30:00Z', i * 60 * MIN), provider: 'openai', status_code: 429, error_message: 'Rate limit exceeded' });
  // openai, this week: 83 rate limits within 9 s on Tue 11-17 14:00, and 2 quota exhaustions (failed after 3 retries) on 11-18.
  for (let i = 0; i < 83; i++) out.push({ timestamp: at('2026-11-17T14:00:10Z', i * 100), provider: 'openai', status_code: 429, error_message: 'Rate limit exceeded' });
  for (let i = 0; i < 2; i++) out.push({ timestamp: at('2026-11-18T09:00:30Z', i * 3 * 60 * MIN), provider: 'openai', status_code: 429, error_message: 'You exceeded your current quota (insufficient_quota)', status: 'failed', retry_count: 3 });
  // anthropic appears mid-period: 5 auth failures (failed after 2 retries each), at most 2 a day.
  for (const t of ['2026-11-20T10:00:30Z', '2026-11-20T11:00:30Z', '2026-11-21T10:00:30Z', '2026-11-21T11:00:30Z', '2026-11-22T10:00:30Z'])
    out.push({ timestamp: t, provider: 'anthropic', status_code: 401, error_message: 'invalid x-api-key', status: 'failed', retry_count: 2 });
  return out;
}
