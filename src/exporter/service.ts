// `serve`: the long-running exporter. Follows the logs, keeps the counters of src/alerts/series.ts in the
// state file, and answers Prometheus' scrapes through prom-client (Prometheus text, or OpenMetrics when
// the scraper's Accept header asks for it). Bad input is counted and logged, never fatal.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { collectDefaultMetrics } from 'prom-client';
import type { Config } from '../config/types.js';
import { Store } from '../store/store.js';
import { Follower, type PollResult } from './follow.js';
import { LiveCounters } from './live-counters.js';
import { Registries } from './registries.js';

export interface ServeOptions {
  paths: () => Promise<string[]>;
  state: string;
  host: string;
  port: number;
  config: Config;
  pollMs: number;
  fromEnd: boolean;
  /** Problems (a path that cannot be read, a provider past the limit). */
  log: (line: string) => void;
  /** What it is doing (ready); quiet with --quiet. */
  info: (line: string) => void;
}

// prom-client's gauges whose names end in _total, which `promtool check metrics` flags (a _total
// suffix is for counters): the same numbers are in nodejs_active_handles etc. by type.
const LINTED_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];
const MAX_OVERFLOW_WARNINGS = 20;

export class Service {
  private readonly registries = new Registries();
  private readonly store: Store;
  private readonly counters: LiveCounters;
  private readonly follower: Follower;
  private server: Server | null = null;
  private ready = false;
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private stopped = false;
  private readonly problems = new Map<string, string>(); // path -> reason last logged
  private overflowWarnings = 0;
  private readonly own;

  constructor(private readonly opts: ServeOptions) {
    mkdirSync(dirname(opts.state), { recursive: true });
    this.store = Store.open(opts.state);
    // A long-running follower writes small batches: a small page cache keeps its memory flat.
    this.store.db.pragma('cache_size = -8192');
    const r = this.registries;
    this.own = {
      lines: r.counter('vtcode_errors_lines_read_total', 'Log lines read since this process started.'),
      records: r.counter('vtcode_errors_records_read_total', 'Log records read since this process started (errors, ignored and skipped alike).'),
      ignored: r.counter('vtcode_errors_records_ignored_total', 'Records read that are not about a provider error.'),
      skipped: r.counter('vtcode_errors_records_skipped_total', 'Records skipped as unreadable, by reason.', ['reason']),
      readErrors: r.counter('vtcode_errors_read_errors_total', 'Times a followed path could not be read (each new problem once).'),
      overflow: r.counter('vtcode_errors_provider_overflow_total', 'Events counted as provider "other" because serve.max_providers providers already have series.'),
      files: r.gauge('vtcode_errors_files_followed', 'Files followed.'),
      backlog: r.gauge('vtcode_errors_backlog_bytes', 'Bytes of the followed files not read yet.'),
      lastEvent: r.gauge('vtcode_errors_last_event_timestamp_seconds', 'Time of the newest provider-error event stored (Unix seconds).'),
      series: r.gauge('vtcode_errors_series', 'Series of the LLM error metrics shown.'),
      readyGauge: r.gauge('vtcode_errors_ready', '1 once the backlog has been read.'),
    };
    for (const register of this.registries.all) {
      collectDefaultMetrics({ register });
      for (const name of LINTED_DEFAULTS) register.removeSingleMetric(name);
    }
    this.counters = new LiveCounters(this.store.db, opts.config, this.registries, (p) => this.onOverflow(p));
    this.follower = new Follower(this.store, this.counters, opts.paths);
  }

  private onOverflow(provider: string): void {
    this.own.overflow.inc({}, 1);
    if (this.overflowWarnings++ < MAX_OVERFLOW_WARNINGS) {
      this.opts.log(`provider ${JSON.stringify(provider)} is counted as "other": serve.max_providers (${this.opts.config.serve.max_providers}) providers already have series`);
    }
  }

  /** Start answering, then read the backlog; resolves once listening. */
  async start(): Promise<{ host: string; port: number }> {
    const firstStart = !this.counters.hasHistory && (this.store.db.prepare('SELECT count(*) FROM ingested_files').pluck().get() as number) === 0;
    // After a restart Prometheus already has these series: show them at once, at their stored totals.
    if (!firstStart) this.counters.show();
    this.server = createServer((req, res) => void this.handle(req, res));
    const address = await new Promise<{ host: string; port: number }>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.opts.port, this.opts.host, () => {
        const a = this.server!.address();
        resolve(typeof a === 'object' && a ? { host: a.address, port: a.port } : { host: this.opts.host, port: this.opts.port });
      });
    });
    if (firstStart && this.opts.fromEnd) await this.follower.skipExisting();
    this.loop();
    return address;
  }

  private loop(): void {
    this.polling = (async () => {
      try {
        this.report(await this.follower.poll());
      } catch (err) {
        this.opts.log(`poll failed: ${(err as Error)?.message ?? err}`);
      }
      if (!this.ready && !this.stopped) {
        this.counters.show();
        this.ready = true;
        this.own.readyGauge.set(1);
        this.opts.info('backlog read: ready');
      }
    })();
    void this.polling.then(() => {
      if (!this.stopped) this.timer = setTimeout(() => this.loop(), this.opts.pollMs);
    });
  }

  private report(r: PollResult): void {
    const o = this.own;
    o.lines.inc({}, r.read.lines);
    o.records.inc({}, r.read.records);
    o.ignored.inc({}, r.read.ignored);
    for (const [reason, n] of Object.entries(r.read.skippedBy)) o.skipped.inc({ reason }, n);
    o.files.set(r.files.length);
    o.backlog.set(r.backlogBytes);
    o.series.set(this.counters.seriesCount);
    if (r.rowsAdded > 0) {
      const last = this.store.db.prepare('SELECT max(timestamp) FROM error_logs').pluck().get() as string | null;
      if (last) o.lastEvent.set(Date.parse(last) / 1000);
    }
    const now = new Map<string, string>();
    for (const p of r.problems) {
      now.set(p.path, p.reason);
      if (this.problems.get(p.path) !== p.reason) {
        o.readErrors.inc({}, 1);
        this.opts.log(`${p.path}: ${p.reason}`);
      }
    }
    this.problems.clear();
    for (const [k, v] of now) this.problems.set(k, v);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const routes = ['/metrics', '/-/healthy', '/-/ready'];
    if (!routes.includes(path)) return send(res, 404, 'not found: this exporter serves /metrics, /-/healthy and /-/ready\n');
    if (req.method !== 'GET') {
      res.setHeader('Allow', 'GET');
      return send(res, 405, 'method not allowed: only GET\n');
    }
    if (path === '/-/healthy') return send(res, 200, 'OK\n');
    if (path === '/-/ready') return this.ready ? send(res, 200, 'ready\n') : send(res, 503, 'reading the backlog\n');
    const openMetrics = /application\/openmetrics-text/i.test(req.headers.accept ?? '');
    const registry = openMetrics ? this.registries.openMetrics : this.registries.text;
    const held = this.counters.beforeScrape();
    try {
      const body = await registry.metrics();
      res.setHeader('Content-Type', registry.contentType);
      send(res, 200, body);
      this.counters.afterScrape(held);
    } catch (err) {
      send(res, 500, `${(err as Error)?.message ?? err}\n`);
    }
  }

  /** Stop polling (the batch being read is committed), close the server and the state file. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.follower.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
    if (this.server) {
      const closed = new Promise<void>((resolve) => this.server!.close(() => resolve()));
      this.server.closeAllConnections();
      await closed;
    }
    this.store.close();
  }
}

function send(res: ServerResponse, status: number, body: string): void {
  res.statusCode = status;
  if (!res.hasHeader('Content-Type')) res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end(body);
}
