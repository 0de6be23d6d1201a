import { collectDefaultMetrics, Registry } from 'prom-client';
import { brainMetrics, MISNAMED_DEFAULTS } from '../../apps/api/src';

/** Series Prometheus makes itself: per target, and for alerts. */
const PROMETHEUS_SERIES = ['up', 'scrape_duration_seconds', 'ALERTS', 'ALERTS_FOR_STATE'];

const unused = () => Promise.reject(new Error('names only'));

/**
 * Every series name the API's /metrics exposes (test/metrics.e2e.ts checks the real endpoint
 * against the same definitions), histograms as their _bucket, _sum and _count series, plus
 * Prometheus's own.
 */
export function exposedSeriesNames(): Set<string> {
  // Once per test file: prom-client's default collectors start monitors that stay on.
  exposed ??= listExposedSeriesNames();
  return new Set(exposed);
}

let exposed: Set<string> | undefined;

function listExposedSeriesNames(): Set<string> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = [
    ...brainMetrics({ cluster: unused, disk: unused, memory: unused, diskPath: '/' }),
    ...registry.getMetricsAsArray().filter((m) => !MISNAMED_DEFAULTS.includes(m.name)),
  ];
  registry.clear();
  const names = new Set(PROMETHEUS_SERIES);
  for (const { name, type } of metrics as Array<{ name: string; type: unknown }>) {
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
    else names.add(name);
  }
  return names;
}

/** PromQL words that are not metric names. */
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression reads: identifiers outside strings, label matchers, range
 * selectors and grouping clauses, that are neither functions nor keywords. Plain enough for the
 * expressions of our rules and dashboards; an unexpected word shows up as an unknown name.
 */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' '); // Grafana variables such as $__rate_interval
  const names = new Set<string>();
  // Numbers and durations (0.95, 5m) are words too here, so that their letters are not names.
  for (const m of stripped.matchAll(/[a-zA-Z0-9_:.]+(\s*\()?/g)) {
    const [word, call] = [m[0].replace(/\s*\($/, ''), m[1]];
    if (call || KEYWORDS.has(word.toLowerCase()) || /^[\d.]/.test(word)) continue;
    names.add(word);
  }
  return [...names];
}
