// The exporter's metrics in two prom-client registries, Prometheus text and OpenMetrics: prom-client
// renames a counter object when an OpenMetrics registry collects it, so each registry gets its own
// objects, and every update goes to both.
import { Counter, Gauge, Registry, type OpenMetricsContentType, type RegistryContentType } from 'prom-client';

export type AnyRegistry = Registry<RegistryContentType>;

export class Registries {
  readonly text: AnyRegistry = new Registry();
  readonly openMetrics: AnyRegistry;

  constructor() {
    const om = new Registry<OpenMetricsContentType>();
    om.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    this.openMetrics = om;
  }

  get all(): AnyRegistry[] {
    return [this.text, this.openMetrics];
  }

  /** A counter in each registry; `registered: false` keeps it out of them until `show` registers it. */
  counter(name: string, help: string, labelNames: readonly string[] = [], registered = true): MirroredCounter {
    return new MirroredCounter(this.all.map((r) => ({ registry: r, metric: new Counter({ name, help, labelNames: [...labelNames], registers: registered ? [r] : [] }) })));
  }

  gauge(name: string, help: string): { set(v: number): void } {
    const gauges = this.all.map((r) => new Gauge({ name, help, registers: [r] }));
    return { set: (v) => gauges.forEach((g) => g.set(v)) };
  }
}

export class MirroredCounter {
  constructor(private readonly copies: Array<{ registry: AnyRegistry; metric: Counter }>) {}

  inc(labels: Record<string, string>, n: number): void {
    for (const c of this.copies) c.metric.inc(labels, n);
  }

  /** Register it in its registries (once). */
  show(): void {
    for (const c of this.copies) c.registry.registerMetric(c.metric);
  }
}
