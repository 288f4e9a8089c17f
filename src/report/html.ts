// The report as one self-contained HTML page that works offline: uPlot (its JS and CSS read from
// node_modules when the page is rendered), the styles, the data and a little script all inlined. Charts
// use the Okabe-Ito palette (safe for colour-blind readers); tables sort on a click; a print stylesheet
// for the monthly PDF.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { PeriodReport } from './build.js';
import { BLOCKS, intro, MARK, SECTION_ORDER, title, type Block } from './document.js';
import { buckets, periodEnding } from './period.js';

/** Okabe & Ito's eight colours, distinct under the common colour-vision deficiencies. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

// The providers most teams meet keep one colour in every report, whoever else is in it; the others
// share the rest of the palette.
const STEADY = ['openai', 'anthropic', 'gemini', 'deepseek', 'openrouter'];

/**
 * A colour per provider: a STEADY provider's own; any other the first free one of the rest of the
 * palette, from a place its name picks (then a STEADY colour this report leaves free), so that a
 * provider's colour does not follow its rank in the list.
 */
export function providerColours(providers: string[]): Record<string, string> {
  const colours: Record<string, string> = {};
  const used = new Set<string>();
  for (const p of providers) {
    const i = STEADY.indexOf(p);
    if (i >= 0) used.add((colours[p] = PALETTE[i]));
  }
  const rest = PALETTE.slice(STEADY.length);
  for (const p of [...providers].sort()) {
    if (colours[p] !== undefined) continue;
    let start = 0;
    for (const ch of p) start = (start * 31 + ch.charCodeAt(0)) % rest.length;
    const order = [...rest.slice(start), ...rest.slice(0, start), ...PALETTE.slice(0, STEADY.length)];
    used.add((colours[p] = order.find((c) => !used.has(c)) ?? rest[start]));
  }
  return colours;
}

const FOLD = 10;

// uPlot is resolved from wherever the package is installed, never copied into the sources.
const require = createRequire(import.meta.url);
const asset = (file: string) => readFileSync(require.resolve(`uplot/dist/${file}`), 'utf8');

const esc = (v: unknown) =>
  (v === null || v === undefined ? '' : String(v)).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** Text inside <script>: nothing in it may close the element. */
const scriptText = (s: string) => s.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');

export interface ChartData {
  id: string;
  title: string;
  /** x values: epoch seconds, or attempt numbers when `time` is false. */
  x: number[];
  time: boolean;
  series: Array<{ label: string; values: Array<number | null> }>;
  stacked?: boolean;
  /** A horizontal line drawn at this y (the threshold), not a series. */
  line?: { y: number; label: string };
  yLabel: string;
}

/** The four charts' data, one series per provider of the data each one shows. */
export function chartData(r: PeriodReport): ChartData[] {
  const xs = buckets(periodEnding(r.period.name, Date.parse(r.period.to)));
  const x = xs.map((b) => Date.parse(b) / 1000);
  const at = <T extends { bucket: string }>(rows: T[], value: (row: T) => number | null, empty: number | null) =>
    xs.map((b) => {
      const hit = rows.filter((row) => row.bucket === b);
      return hit.length ? hit.reduce((n, row) => n + (value(row) ?? 0), 0) : empty;
    });
  const errorProviders = r.trends.by_provider.filter((p) => p.current > 0).map((p) => p.provider);
  const attemptProviders = [...new Set(r.recovery.attempts.map((a) => a.provider))];
  const maxAttempt = Math.max(0, ...r.recovery.attempts.map((a) => a.attempt));
  const attempts = Array.from({ length: maxAttempt }, (_, i) => i + 1);
  return [
    {
      id: 'errors',
      title: `Errors per provider per ${r.period.bucket} (stacked)`,
      x,
      time: true,
      stacked: true,
      yLabel: 'errors',
      series: errorProviders.map((p) => ({ label: p, values: at(r.trends.series.filter((s) => s.provider === p), (s) => s.errors, 0) })),
    },
    {
      id: 'rate-limits',
      title: `Rate-limit peak per ${r.period.bucket}, % of the RateLimitExceeded threshold`,
      x,
      time: true,
      yLabel: '% of threshold',
      line: { y: 100, label: 'threshold' },
      series: r.rate_limit_usage.map((u) => ({
        label: u.provider,
        values: at(u.by_bucket, (b) => (u.threshold > 0 ? Math.round((b.peak / u.threshold) * 1000) / 10 : null), 0),
      })),
    },
    {
      id: 'recovery',
      title: `Recovery rate per provider per ${r.period.bucket} (%)`,
      x,
      time: true,
      yLabel: '% recovered',
      series: r.recovery.by_provider.map((p) => ({ label: p.provider, values: at(r.recovery.series.filter((s) => s.provider === p.provider), (s) => Math.round(s.rate * 1000) / 10, null) })),
    },
    {
      id: 'attempts',
      title: 'Requests reaching each attempt',
      x: attempts,
      time: false,
      yLabel: 'requests',
      series: attemptProviders.map((p) => ({ label: p, values: attempts.map((n) => r.recovery.attempts.find((a) => a.provider === p && a.attempt === n)?.reached ?? null) })),
    },
  ];
}

function block(b: Block): string {
  if ('h' in b) return `<h3>${esc(b.h)}</h3>`;
  if ('p' in b) return `<p>${esc(b.p)}</p>`;
  if ('list' in b) return folded(b.list.length, `<ul>${b.list.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`);
  const t = b.table;
  if (t.rows.length === 0) return `<p class="empty">${esc(t.empty ?? 'none')}</p>`;
  const head = `<thead><tr>${t.columns.map((c) => `<th scope="col" title="sort">${esc(c)}</th>`).join('')}</tr></thead>`;
  const body = `<tbody>${t.rows.map((row) => `<tr>${row.map((c) => `<td${typeof c === 'number' ? ' class="n"' : ''}>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody>`;
  return folded(t.rows.length, `<table class="sortable">${head}${body}</table>`);
}
const folded = (n: number, html: string) => (n > FOLD ? `<details><summary>${n} rows</summary>${html}</details>` : html);

/** Which charts open which section. */
const CHARTS_IN: Record<string, string[]> = { trends: ['errors'], 'rate-limit-usage': ['rate-limits'], 'recovery-and-retries': ['recovery', 'attempts'] };

export function renderHtml(r: PeriodReport): string {
  const charts = chartData(r);
  const chartDiv = (id: string) => {
    const c = charts.find((x) => x.id === id)!;
    return `<figure class="chart"><figcaption>${esc(c.title)}</figcaption><div id="chart-${c.id}" data-chart="${c.id}" data-series="${c.series.length}"></div></figure>`;
  };
  const sections = SECTION_ORDER.map((id) => {
    const body =
      id === 'checklist'
        ? `<table class="sortable checklist"><thead><tr><th scope="col">status</th><th scope="col">cadence</th><th scope="col">item</th><th scope="col">finding</th></tr></thead><tbody>${r.checklist
            .map((c) => `<tr class="${c.status}"><td class="mark" title="${c.status === 'ok' ? 'nothing to do' : 'look at this'}">${MARK[c.status]}</td><td>${c.cadence}</td><td><a href="#${c.section}">${esc(c.item)}</a></td><td>${esc(c.note)}</td></tr>`)
            .join('')}</tbody></table>`
        : [...(CHARTS_IN[id] ?? []).map(chartDiv), ...BLOCKS[id](r).map(block)].join('\n');
    return `<section id="${id}"><h2>${esc(title(id))}</h2>\n${body}\n</section>`;
  }).join('\n');
  // One colour per provider over the whole report, so a provider has one colour everywhere.
  const colours = providerColours([...new Set(charts.flatMap((c) => c.series.map((s) => s.label)))]);
  const data = JSON.stringify({ charts, colours }).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>Error analytics report: the ${esc(r.period.name)} to ${esc(r.period.to)}</title>
<style>${asset('uPlot.min.css')}</style>
<style>${STYLE}</style>
</head>
<body>
<header><h1>Error analytics report: the ${esc(r.period.name)} to ${esc(r.period.to)}</h1><p>${esc(intro(r))}</p></header>
<nav><h2>Contents</h2><ol>${SECTION_ORDER.map((id) => `<li><a href="#${id}">${esc(title(id))}</a></li>`).join('')}</ol></nav>
<main>
${sections}
</main>
<script>${scriptText(asset('uPlot.iife.min.js'))}</script>
<script id="report-data" type="application/json">${data}</script>
<script>${scriptText(SCRIPT)}</script>
</body>
</html>
`;
}

const STYLE = `
:root { --fg: #1b1b1b; --muted: #5a5a5a; --line: #d0d0d0; --look: #D55E00; --ok: #009E73; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); margin: 0 auto; max-width: 1100px; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.6rem; } h2 { border-bottom: 1px solid var(--line); padding-bottom: .2rem; margin-top: 2.2rem; } h3 { font-size: 1.05rem; margin-top: 1.4rem; }
nav ol { columns: 2; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid var(--line); padding: .25rem .5rem; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
table.sortable th { cursor: pointer; background: #f4f4f4; user-select: none; }
th[data-dir="asc"]::after { content: " ▲"; } th[data-dir="desc"]::after { content: " ▼"; }
.checklist td.mark { font-size: 1.1rem; text-align: center; }
.checklist tr.look td.mark { color: var(--look); } .checklist tr.ok td.mark { color: var(--ok); }
figure.chart { margin: 1rem 0; break-inside: avoid; }
figcaption { font-weight: 600; margin-bottom: .3rem; }
.empty { color: var(--muted); font-style: italic; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  nav { display: none; }
  section { break-before: auto; } h2 { break-after: avoid; } table, figure { break-inside: avoid; }
  table.sortable th { background: none; } th::after { content: none !important; }
  a { color: inherit; text-decoration: none; }
  details > summary { display: none; }
  .uplot, .uplot canvas { max-width: 100% !important; height: auto !important; }
}
`;

// Runs in the page: draws the charts with uPlot, records what it drew in window.__charts (the tests
// read it), and sorts a table by the column whose header is clicked.
const SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  window.__charts = [];
  function stackedOf(series) {
    var sums = series.map(function () { return []; });
    series.forEach(function (s, i) { s.values.forEach(function (v, j) { sums[i][j] = (i ? sums[i - 1][j] : 0) + (v || 0); }); });
    return sums;
  }
  data.charts.forEach(function (c) {
    var el = document.getElementById('chart-' + c.id);
    if (!el) return;
    if (!c.series.length) { el.innerHTML = '<p class="empty">no data</p>'; window.__charts.push({ id: c.id, series: 0, width: 0, height: 0 }); return; }
    // Stacked: each series is drawn at the sum of those before it, largest first so each stays visible.
    var ys = c.stacked ? stackedOf(c.series) : c.series.map(function (s) { return s.values; });
    var order = c.series.map(function (_, i) { return i; });
    if (c.stacked) order.reverse();
    var series = [{ label: c.time ? 'time' : 'attempt' }].concat(order.map(function (i) {
      var s = c.series[i], colour = data.colours[s.label];
      return {
        label: s.label, stroke: colour, width: 2, spanGaps: false,
        fill: c.stacked ? colour + '99' : undefined,
        points: { show: !c.time || c.x.length < 60 },
        value: function (u, v, si, idx) { var raw = s.values[idx]; return raw == null ? '-' : raw; }
      };
    }));
    var hooks = {};
    if (c.line) hooks.draw = [function (u) {
      var ctx = u.ctx, y = Math.round(u.valToPos(c.line.y, 'y', true));
      ctx.save(); ctx.strokeStyle = '#D55E00'; ctx.lineWidth = 2; ctx.setLineDash([8, 6]);
      ctx.beginPath(); ctx.moveTo(u.bbox.left, y); ctx.lineTo(u.bbox.left + u.bbox.width, y); ctx.stroke();
      ctx.fillStyle = '#D55E00'; ctx.font = '12px sans-serif'; ctx.fillText(c.line.label, u.bbox.left + 6, y - 6); ctx.restore();
    }];
    var opts = {
      width: Math.max(320, Math.min(1050, el.clientWidth || 900)), height: 280,
      scales: { x: { time: c.time }, y: { range: function (u, min, max) { return [0, Math.max(c.line ? c.line.y * 1.1 : 1, (max || 0) * 1.1)]; } } },
      axes: [{}, { label: c.yLabel }],
      // The report is in UTC, whatever the reader's zone.
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'); },
      series: series, hooks: hooks,
      legend: { live: true }
    };
    var u = new uPlot(opts, [c.x].concat(order.map(function (i) { return ys[i]; })), el);
    el.dataset.drawn = 'true';
    window.__charts.push({ id: c.id, series: u.series.length - 1, width: u.width, height: u.height });
  });
  document.querySelectorAll('table.sortable').forEach(function (table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, col) {
      th.addEventListener('click', function () {
        var dir = th.dataset.dir === 'asc' ? 'desc' : 'asc';
        Array.prototype.forEach.call(heads, function (h) { delete h.dataset.dir; });
        th.dataset.dir = dir;
        var key = function (row) { var t = row.cells[col].textContent.trim(), n = parseFloat(t.replace(/[%+]/g, '')); return isNaN(n) || !/^[-+]?[0-9.]/.test(t) ? t : n; };
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          var d = typeof x === 'number' && typeof y === 'number' ? x - y : typeof x === 'number' ? -1 : typeof y === 'number' ? 1 : String(x).localeCompare(String(y));
          return dir === 'asc' ? d : -d;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
})();
`;
