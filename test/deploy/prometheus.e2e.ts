import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { exposedSeriesNames, metricNamesIn } from '../support/exposed-metrics';
import { promtool } from '../support/prometheus';

const ROOT = join(__dirname, '..', '..');
const PROMETHEUS = join(ROOT, 'deploy', 'prometheus');
const RULES = join(PROMETHEUS, 'rules', 'brain-alerts.yml');

interface RuleFile {
  groups: Array<{ name: string; rules: Array<{ alert?: string; expr: string; for?: string }> }>;
}

interface PrometheusConfig {
  rule_files: string[];
  scrape_configs: Array<{
    job_name: string;
    metrics_path?: string;
    authorization?: { type: string; credentials_file: string };
    static_configs: Array<{ targets: string[] }>;
  }>;
}

const rules = () => parse(readFileSync(RULES, 'utf8')) as RuleFile;
const config = () =>
  parse(readFileSync(join(PROMETHEUS, 'prometheus.yml'), 'utf8')) as PrometheusConfig;

describe('deploy/prometheus (checked with promtool)', () => {
  it('has valid alert rules: promtool check rules', () => {
    const check = promtool(['check', 'rules', RULES]);
    expect(check.output).toMatch(/SUCCESS: 7 rules found/);
    expect(check.status).toBe(0);
  });

  it("fires each alert on the API's series, and not below its threshold: promtool test rules", () => {
    const run = promtool(['test', 'rules', join(PROMETHEUS, 'tests', 'brain-alerts.test.yml')]);
    expect(run.output).toMatch(/SUCCESS/);
    expect(run.status).toBe(0);
  });

  it('reads the metric names of a PromQL expression (the check below relies on it)', () => {
    expect(
      metricNamesIn(
        'histogram_quantile(0.95, sum by (le, task) (rate(task_execution_seconds_bucket{task=~"$task"}[$__rate_interval]))) ' +
          '/ ignoring(queue) group_left up offset 5m and on(x) no_such_metric > bool 3',
      ),
    ).toEqual(['task_execution_seconds_bucket', 'up', 'no_such_metric']);
    const exposed = exposedSeriesNames();
    expect(
      ['task_execution_seconds_bucket', 'task_total', 'up', 'process_cpu_seconds_total'].filter(
        (n) => !exposed.has(n),
      ),
    ).toEqual([]);
    expect(exposed.has('no_such_metric')).toBe(false);
    expect(exposed.has('task_execution_seconds')).toBe(false); // only its series
    expect(exposed.has('nodejs_active_handles_total')).toBe(false); // removed from /metrics
  });

  it("has the spec's alerts, on metrics the API exposes", () => {
    const alerts = rules().groups.flatMap((g) => g.rules);
    expect(alerts.map((a) => a.alert)).toEqual([
      'QueueDepthHigh',
      'TaskStuck',
      'NoActiveWorkers',
      'DiskSpaceLow',
      'MemoryUsageHigh',
      'MetricsRedisUnreachable',
      'MetricsTargetDown',
    ]);
    const exposed = exposedSeriesNames();
    for (const { alert, expr } of alerts) {
      const names = metricNamesIn(expr);
      expect({ alert, reads: names.length > 0 }).toEqual({ alert, reads: true });
      expect({ alert, unknown: names.filter((n) => !exposed.has(n)) }).toEqual({
        alert,
        unknown: [],
      });
    }
  });

  it('scrapes the API with a bearer key file, and loads the rules: promtool check config', () => {
    const scrape = config().scrape_configs.find((s) => s.job_name === 'brain-api')!;
    expect(scrape).toMatchObject({
      metrics_path: '/metrics',
      authorization: { type: 'Bearer', credentials_file: '/run/secrets/metrics_api_key' },
      static_configs: [{ targets: ['api:8000'] }],
    });
    // The key file exists only in the container (a compose secret): check a copy whose key file
    // is a local one, everything else as it is.
    const dir = mkdtempSync(join(tmpdir(), 'brain-prometheus-'));
    try {
      cpSync(join(PROMETHEUS, 'rules'), join(dir, 'rules'), { recursive: true });
      copyFileSync(join(PROMETHEUS, 'prometheus.yml'), join(dir, 'original.yml'));
      writeFileSync(join(dir, 'metrics_api_key'), 'a-viewer-key-0123456789\n');
      writeFileSync(
        join(dir, 'prometheus.yml'),
        readFileSync(join(dir, 'original.yml'), 'utf8').replace(
          '/run/secrets/metrics_api_key',
          join(dir, 'metrics_api_key'),
        ),
      );
      const check = promtool(['check', 'config', join(dir, 'prometheus.yml')]);
      expect(check.output).toMatch(
        /SUCCESS: .*prometheus\.yml is valid prometheus config file syntax/,
      );
      expect(check.output).toMatch(/SUCCESS: 7 rules found/);
      expect(check.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
