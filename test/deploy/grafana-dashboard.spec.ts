import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { exposedSeriesNames, metricNamesIn } from '../support/exposed-metrics';

const GRAFANA = join(__dirname, '..', '..', 'deploy', 'grafana');
const DASHBOARDS = join(GRAFANA, 'dashboards');

interface DataSourceRef {
  type?: string;
  uid?: string;
}

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: DataSourceRef;
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: Array<{ expr?: string; refId?: string; datasource?: DataSourceRef }>;
  panels?: Panel[];
}

interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating?: {
    list: Array<{ name: string; type: string; datasource?: DataSourceRef; definition?: string }>;
  };
}

const provisioned = parse(
  readFileSync(join(GRAFANA, 'provisioning', 'datasources', 'prometheus.yml'), 'utf8'),
) as { datasources: Array<{ uid: string; type: string; url: string }> };

const files = readdirSync(DASHBOARDS).filter((f) => f.endsWith('.json'));

/** Panels, those inside collapsed rows included. */
const allPanels = (panels: Panel[]): Panel[] =>
  panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);

describe('deploy/grafana', () => {
  const [source] = provisioned.datasources;
  const exposed = exposedSeriesNames();

  it('provisions one Prometheus data source, with a uid for dashboards to name', () => {
    expect(provisioned.datasources).toHaveLength(1);
    expect(source).toMatchObject({ type: 'prometheus', uid: expect.any(String) });
    expect(source.url).toBe('http://prometheus:9090');
  });

  it('has dashboards', () => {
    expect(files).toEqual(['brain-tasks.json']);
  });

  describe.each(files)('%s', (file) => {
    const dashboard = JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) as Dashboard;
    const panels = allPanels(dashboard.panels);
    const queryPanels = panels.filter((p) => p.type !== 'row');

    it('has a uid, a title and panels with unique ids', () => {
      expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
      expect(dashboard.title).toBeTruthy();
      expect(queryPanels.length).toBeGreaterThan(5);
      const ids = panels.map((p) => p.id);
      expect(ids.every((id) => Number.isInteger(id) && id > 0)).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('lays its panels out on the 24-column grid without overlaps', () => {
      const cells = new Set<string>();
      for (const { title, gridPos: g } of dashboard.panels) {
        expect({ title, fits: g.x >= 0 && g.w > 0 && g.h > 0 && g.x + g.w <= 24 }).toEqual({
          title,
          fits: true,
        });
        for (let x = g.x; x < g.x + g.w; x++) {
          for (let y = g.y; y < g.y + g.h; y++) {
            expect({ title, overlaps: cells.has(`${x},${y}`) }).toEqual({ title, overlaps: false });
            cells.add(`${x},${y}`);
          }
        }
      }
    });

    it('queries the provisioned data source, in every panel and target', () => {
      for (const panel of queryPanels) {
        expect({ panel: panel.title, ds: panel.datasource }).toEqual({
          panel: panel.title,
          ds: { type: 'prometheus', uid: source.uid },
        });
        for (const target of panel.targets ?? []) {
          expect({
            panel: panel.title,
            ds: target.datasource?.uid ?? panel.datasource?.uid,
          }).toEqual({ panel: panel.title, ds: source.uid });
        }
      }
      for (const variable of dashboard.templating?.list ?? []) {
        if (variable.type === 'query') expect(variable.datasource?.uid).toBe(source.uid);
      }
    });

    it('gives every panel queries, on metric names the API really exposes', () => {
      for (const panel of queryPanels) {
        const targets = panel.targets ?? [];
        expect({ panel: panel.title, targets: targets.length > 0 }).toEqual({
          panel: panel.title,
          targets: true,
        });
        const refIds = targets.map((t) => t.refId);
        expect(new Set(refIds).size).toBe(refIds.length);
        for (const { expr } of targets) {
          const names = metricNamesIn(expr ?? '');
          expect({ panel: panel.title, expr, reads: names.length > 0 }).toEqual({
            panel: panel.title,
            expr,
            reads: true,
          });
          expect({ expr, unknown: names.filter((n) => !exposed.has(n)) }).toEqual({
            expr,
            unknown: [],
          });
        }
      }
    });

    it('fills its variables from exposed metrics', () => {
      for (const variable of dashboard.templating?.list ?? []) {
        const metric = /^label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,/.exec(
          variable.definition ?? '',
        )?.[1];
        expect({ variable: variable.name, metric }).toEqual({
          variable: variable.name,
          metric: expect.any(String),
        });
        expect(exposed.has(metric!)).toBe(true);
      }
    });

    it('shows what the spec asks: throughput, failures, duration percentiles, queues, workers, alerts', () => {
      const exprs = queryPanels.flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ''));
      const some = (pattern: RegExp) => exprs.some((e) => pattern.test(e));
      expect(some(/rate\(task_total\{status="success"/)).toBe(true);
      expect(some(/rate\(task_total\{status="failure"/)).toBe(true);
      expect(some(/histogram_quantile\(0\.95, .*task_execution_seconds_bucket/)).toBe(true);
      expect(some(/queue_depth/)).toBe(true);
      expect(some(/workers_online/)).toBe(true);
      expect(some(/ALERTS\{alertstate="firing"\}/)).toBe(true);
    });
  });
});
