// PromQL read with Prometheus' own grammar (@prometheus-io/lezer-promql): syntax errors (gen-alerts and
// gen-dashboard refuse an expression that does not parse), and the metric and label names an expression
// reads (for the served-series check of src/alerts/series.ts, and for `lint`).
import { parser } from '@prometheus-io/lezer-promql';

export interface PromqlReading {
  /** Offsets of syntax errors (none for a valid expression). */
  errors: number[];
  /**
   * Every vector selector: its metric name ('' when it has none), the label names it matches on, and the
   * function it is the argument of, directly or through a range (`increase` for increase(x[5m])), or null.
   */
  selectors: Array<{ metric: string; labels: string[]; fn: string | null }>;
  /** Label names of by (...), without (...), on (...) and ignoring (...) clauses. */
  grouping: string[];
  /** How many comparison operators (>, <, >=, <=, ==, !=) it holds: an alert without one always fires. */
  comparisons: number;
}

const COMPARISONS = new Set(['Gtr', 'Lss', 'Gte', 'Lte', 'EqlDouble', 'Neq']);

// Grafana's interval variables are not PromQL: stand-ins with the same syntax before parsing.
const GRAFANA_RANGES = /\$__(rate_interval|range|interval)\b|\$\{__(rate_interval|range|interval)\}/g;

export function readPromql(expr: string): PromqlReading {
  // A stand-in of the same length (0000000000000005m), so error offsets stay those of `expr`.
  const text = expr.replace(GRAFANA_RANGES, (v) => `${'5'.padStart(v.length - 1, '0')}m`);
  const out: PromqlReading = { errors: [], selectors: [], grouping: [], comparisons: 0 };
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
        let up = n.node.parent;
        if (up?.name === 'MatrixSelector') up = up.parent;
        const call = up?.name === 'FunctionCallBody' ? up.parent?.getChild('FunctionIdentifier') : null;
        out.selectors.push({ metric: id ? slice(id) : '', labels, fn: call ? slice(call) : null });
      } else if (COMPARISONS.has(n.name) && n.node.parent?.name === 'BinaryExpr') out.comparisons++;
      else if (n.name === 'GroupingLabels') {
        for (const l of n.node.getChildren('LabelName')) out.grouping.push(slice(l));
      }
    },
  });
  return out;
}

/** The first syntax error of `expr` as `line:column` within it and a short excerpt, or null when it parses. */
export function promqlSyntaxError(expr: string): { line: number; column: number; near: string } | null {
  const at = readPromql(expr).errors[0];
  if (at === undefined) return null;
  const before = expr.slice(0, at).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1, near: expr.slice(at, at + 20).split('\n')[0] };
}
