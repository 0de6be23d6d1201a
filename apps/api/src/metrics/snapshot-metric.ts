import type { Metric } from 'prom-client';

/** `untyped`: a value Prometheus's naming rules forbid as a gauge (celery_workers_total). */
export type SnapshotMetricType = 'counter' | 'gauge' | 'histogram' | 'untyped';

export interface Sample {
  labels?: Record<string, string | number>;
  value: number;
  /** For a histogram's `_bucket`, `_sum` and `_count` lines. */
  metricName?: string;
}

/**
 * A metric whose samples are computed at scrape time from state kept elsewhere (the workers' sums
 * in Redis), not accumulated in this process. prom-client's Counter and Histogram keep their own
 * values and cannot take a histogram's buckets from outside; its Registry needs only a name, help,
 * type and get() (the shape of its own metric objects), which this provides.
 */
export class SnapshotMetric {
  readonly aggregator = 'sum';

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: SnapshotMetricType,
    private readonly samples: () => Promise<Sample[]>,
  ) {}

  async get() {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: await this.samples(),
    };
  }

  /** Nothing to reset: the values live elsewhere. */
  reset(): void {}

  /** For `Registry.registerMetric`, whose type lists only prom-client's own classes. */
  asMetric(): Metric {
    return this as unknown as Metric;
  }
}

/** A histogram's samples, from cumulative bucket counts (`counts[i]` for `bounds[i]`). */
export function histogramSamples(
  name: string,
  labels: Record<string, string>,
  bounds: readonly number[],
  counts: readonly number[],
  count: number,
  sum: number,
): Sample[] {
  return [
    ...bounds.map((le, i) => ({
      metricName: `${name}_bucket`,
      labels: { ...labels, le },
      value: counts[i],
    })),
    { metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: count },
    { metricName: `${name}_sum`, labels, value: sum },
    { metricName: `${name}_count`, labels, value: count },
  ];
}
