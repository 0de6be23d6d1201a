import { spawnSync } from 'node:child_process';

export interface PromtoolResult {
  status: number | null;
  output: string;
}

/**
 * Runs Debian's promtool (package prometheus; scripts/test.sh installs it with ensure_promtool)
 * with `input` on its standard input.
 */
export function promtool(args: string[], input?: string): PromtoolResult {
  const run = spawnSync('promtool', args, { input, encoding: 'utf8', timeout: 30_000 });
  if (run.error) {
    throw new Error(
      `promtool could not run (${run.error.message}): install it with apt-get install prometheus, as scripts/test.sh does`,
    );
  }
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
const UNESCAPE: Record<string, string> = { n: '\n', '"': '"', '\\': '\\' };

const sameLabels = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length &&
  Object.entries(b).every(([k, v]) => a[k] === v);

/**
 * A scrape in Prometheus's text format, read for its values (promtool checks the format itself;
 * the npm parsers at hand merge a labelled histogram's series into one).
 */
export class Scrape {
  /** Metric family name -> its # TYPE. */
  readonly families = new Map<string, string>();
  private readonly samples: Sample[] = [];

  constructor(readonly text: string) {
    for (const line of text.split('\n')) {
      const type = /^# TYPE (\S+) (\S+)$/.exec(line);
      if (type) this.families.set(type[1], type[2]);
      if (line.startsWith('#') || !line.trim()) continue;
      const m = SAMPLE.exec(line);
      if (!m) throw new Error(`not a sample line: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, key, raw] of (m[2] ?? '').matchAll(LABEL)) {
        labels[key] = raw.replace(/\\(.)/g, (_, c: string) => UNESCAPE[c] ?? c);
      }
      this.samples.push({ name: m[1], labels, value: Number(m[3]) });
    }
  }

  /** The value of the sample `name` whose labels are exactly `labels`; undefined if absent. */
  value(name: string, labels: Record<string, string> = {}): number | undefined {
    return this.samples.find((s) => s.name === name && sameLabels(s.labels, labels))?.value;
  }

  /** Every sample of `name`. */
  all(name: string): Array<{ labels: Record<string, string>; value: number }> {
    return this.samples.filter((s) => s.name === name);
  }

  /** A histogram series: count and sum (0 when absent) and cumulative buckets by bound. */
  histogram(
    name: string,
    labels: Record<string, string>,
  ): { count: number; sum: number; buckets: Record<string, number> } {
    const buckets: Record<string, number> = {};
    for (const s of this.all(`${name}_bucket`)) {
      const { le, ...rest } = s.labels;
      if (le !== undefined && sameLabels(rest, labels)) buckets[le] = s.value;
    }
    return {
      count: this.value(`${name}_count`, labels) ?? 0,
      sum: this.value(`${name}_sum`, labels) ?? 0,
      buckets,
    };
  }
}
