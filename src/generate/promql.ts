// PromQL read with Prometheus' own grammar (@prometheus-io/lezer-promql): syntax errors, and the metric
// and label names an expression reads (for the served-series check of src/alerts/series.ts).
import { parser } from '@prometheus-io/lezer-promql';

export interface PromqlReading {
  /** Offsets of syntax errors (none for a valid expression). */
  errors: number[];
  /** Every vector selector: its metric name ('' when it has none) and the label names it matches on. */
  selectors: Array<{ metric: string; labels: string[] }>;
  /** Label names of by (...), without (...), on (...) and ignoring (...) clauses. */
  grouping: string[];
}

// Grafana's interval variables are not PromQL: stand-ins with the same syntax before parsing.
const GRAFANA_RANGES = /\$__(rate_interval|range|interval)\b|\$\{__(rate_interval|range|interval)\}/g;

export function readPromql(expr: string): PromqlReading {
  const text = expr.replace(GRAFANA_RANGES, '5m');
  const out: PromqlReading = { errors: [], selectors: [], grouping: [] };
  const slice = (n: { from: number; to: number }) => text.slice(n.from, n.to);
  parser.parse(text).iterate({
    enter: (n) => {
      if (n.type.isError) out.errors.push(n.from);
      else if (n.name === 'VectorSelector') {
        const id = n.node.getChild('Identifier');
        const labels: string[] = [];
        for (const m of n.node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []) {
          const name = m.getChild('LabelName');
          if (name) labels.push(slice(name));
        }
        out.selectors.push({ metric: id ? slice(id) : '', labels });
      } else if (n.name === 'GroupingLabels') {
        for (const l of n.node.getChildren('LabelName')) out.grouping.push(slice(l));
      }
    },
  });
  return out;
}
