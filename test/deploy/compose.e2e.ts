import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { parse } from 'yaml';
import { loadAppConfig } from '@brain/config';
import { QUEUE_NAMES } from '@brain/tasks';
import { BRAIN_BIN } from '../support/brain-process';
import {
  brainServicesOf,
  environmentOf,
  readCompose,
  ROOT,
  type Service,
  substitute,
} from './compose-files';

/** Commands other branches bring (issue 6's CLI and dashboard): checked once they exist. */
const COMING_FROM_OTHER_BRANCHES = ['flower start'];

const compose = readCompose('docker-compose.yml');
const services = Object.entries(compose.services);
const brainServices = brainServicesOf(compose);
const workers = brainServices.filter(
  ([, s]) => s.command?.slice(0, 2).join(' ') === 'worker start',
);

/** The words of a brain command before its options: `worker start --queue=x` -> `worker start`. */
const commandWords = (command: string[]) => command.filter((w) => !w.startsWith('-')).join(' ');

/** `--queue=x` / `--queue x` -> `--queue`. */
const optionNames = (command: string[]) =>
  command.filter((w) => w.startsWith('--')).map((w) => w.split('=')[0]);

const optionValue = (command: string[], name: string) =>
  command.find((w) => w.startsWith(`${name}=`))?.slice(name.length + 1);

/** Where a container path comes from on the host, through the service's bind mounts. */
function hostPathOf(service: Service, containerPath: string): string | undefined {
  const binds = (service.volumes ?? [])
    .map((v) => v.split(':'))
    .filter(([source]) => source.startsWith('./'))
    .sort((a, b) => b[1].length - a[1].length);
  for (const [source, target] of binds) {
    if (containerPath === target || containerPath.startsWith(`${target}/`)) {
      return join(ROOT, source, posix.relative(target, containerPath));
    }
  }
  return undefined;
}

const redisPassword = substitute('${REDIS_PASSWORD:?}');
const postgresPassword = substitute('${POSTGRES_PASSWORD:?}');

describe('docker-compose.yml and Dockerfile (structure; Docker does not run here)', () => {
  it('has the stack of the spec: stores, API, a worker per queue group, beat, dashboard, monitoring', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      [
        'redis',
        'postgres',
        'api',
        'worker-system',
        'worker-missions',
        'worker-default',
        'beat',
        'dashboard',
        'prometheus',
        'grafana',
      ].sort(),
    );
  });

  it('restarts every service', () => {
    for (const [name, service] of services) {
      expect({ name, restart: service.restart }).toEqual({ name, restart: 'unless-stopped' });
    }
  });

  it('health-checks every service that listens (workers and beat listen on nothing)', () => {
    const without = services.filter(([, s]) => !s.healthcheck).map(([name]) => name);
    expect(without.sort()).toEqual(['beat', 'worker-default', 'worker-missions', 'worker-system']);
    for (const [name, service] of services) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(Object.keys(compose.services)).toContain(dependency);
        if (condition === 'service_healthy') {
          expect({
            name,
            dependency,
            healthcheck: !!compose.services[dependency]?.healthcheck,
          }).toEqual({
            name,
            dependency,
            healthcheck: true,
          });
        }
      }
    }
  });

  it('keeps its data in declared volumes', () => {
    const named = services.flatMap(([, s]) =>
      (s.volumes ?? []).map((v) => v.split(':')[0]).filter((source) => !source.startsWith('./')),
    );
    expect(named.length).toBeGreaterThan(0);
    for (const volume of named) expect(Object.keys(compose.volumes)).toContain(volume);
    for (const [name, service] of services) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0];
        if (source.startsWith('./'))
          expect({ name, source, exists: existsSync(join(ROOT, source)) }).toEqual({
            name,
            source,
            exists: true,
          });
      }
    }
  });

  it.each(brainServices.map(([name, s]) => [name, s.command ?? []] as const))(
    '%s runs a real brain command, with options it knows',
    (name, command) => {
      const words = commandWords(command);
      const help = spawnSync(process.execPath, [BRAIN_BIN, ...command, '--help'], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(help.status).toBe(0);
      if (!help.stdout.startsWith(`Usage: brain ${words} `)) {
        // Not on this branch yet: only the commands listed as coming may be missing.
        expect({
          name,
          missing: words,
          coming: COMING_FROM_OTHER_BRANCHES.includes(words),
        }).toEqual({ name, missing: words, coming: true });
        return;
      }
      for (const option of optionNames(command)) {
        expect({ name, option, known: help.stdout.includes(option) }).toEqual({
          name,
          option,
          known: true,
        });
      }
    },
  );

  it('starts Redis with AUTH and PostgreSQL with a password of the deployment, not a fixed one', () => {
    const redis = compose.services.redis;
    expect(redis.command?.join(' ')).toContain('--requirepass "$$REDIS_PASSWORD"');
    expect(substitute(String(redis.environment?.REDIS_PASSWORD))).toBe(redisPassword);
    const postgres = compose.services.postgres;
    expect(substitute(String(postgres.environment?.POSTGRES_PASSWORD))).toBe(postgresPassword);
  });

  it('gives brain processes an environment they accept', () => {
    for (const [name, service] of brainServices) {
      const env = environmentOf(service);
      expect(() => loadAppConfig(env)).not.toThrow();
      // With the passwords Redis and PostgreSQL are started with.
      expect({ name, redis: env.REDIS_URL, db: env.DATABASE_URL }).toEqual({
        name,
        redis: `redis://:${redisPassword}@redis:6379/0`,
        db: `postgres://brain:${postgresPassword}@postgres:5432/brain`,
      });
    }
  });

  it('serves every queue with exactly one worker group', () => {
    const served = workers.flatMap(([, s]) => optionValue(s.command!, '--queue')!.split(','));
    expect([...served].sort()).toEqual([...QUEUE_NAMES].sort());
    const hostnames = workers.map(([, s]) => optionValue(s.command!, '--hostname'));
    expect(new Set(hostnames).size).toBe(workers.length);
  });

  it('has Prometheus scrape the API with the metrics key, and load the rule file promtool checks', () => {
    const prometheus = compose.services.prometheus;
    const api = compose.services.api;
    const configFile = optionValue(prometheus.command!, '--config.file')!;
    const hostConfig = hostPathOf(prometheus, configFile)!;
    expect(relative(ROOT, hostConfig)).toBe('deploy/prometheus/prometheus.yml');
    const config = parse(readFileSync(hostConfig, 'utf8')) as {
      rule_files: string[];
      scrape_configs: Array<{
        job_name: string;
        authorization?: { credentials_file: string };
        static_configs: Array<{ targets: string[] }>;
      }>;
    };

    // rule_files resolve against the config's folder, in the container, then to the host.
    const ruleGlobs = config.rule_files.map((f) => posix.join(posix.dirname(configFile), f));
    const hostRules = ruleGlobs.map((g) => relative(ROOT, hostPathOf(prometheus, g) ?? ''));
    expect(hostRules).toEqual(['deploy/prometheus/rules/*.yml']);
    expect(existsSync(join(ROOT, 'deploy/prometheus/rules/brain-alerts.yml'))).toBe(true);

    const scrape = config.scrape_configs.find((s) => s.job_name === 'brain-api')!;
    const [target] = scrape.static_configs[0].targets;
    expect(target).toBe(`api:${optionValue(api.command!, '--port')}`);
    expect(api.ports).toContain(`8000:${optionValue(api.command!, '--port')}`);

    // The key Prometheus sends is the one the API seeds as a viewer key.
    const secret = prometheus.secrets?.find(
      (s) => `/run/secrets/${s}` === scrape.authorization?.credentials_file,
    );
    expect(secret).toBe('metrics_api_key');
    const source = compose.secrets[secret!].environment!;
    expect(api.environment?.METRICS_API_KEY).toBe(`\${${source}:?set ${source} (32+ characters)}`);
  });

  it('has Grafana load the provisioned data source and the dashboards folder', () => {
    const grafana = compose.services.grafana;
    expect(relative(ROOT, hostPathOf(grafana, '/etc/grafana/provisioning')!)).toBe(
      'deploy/grafana/provisioning',
    );
    const providers = parse(
      readFileSync(join(ROOT, 'deploy/grafana/provisioning/dashboards/brain-tasks.yml'), 'utf8'),
    ) as { providers: Array<{ options: { path: string } }> };
    for (const { options } of providers.providers) {
      expect(relative(ROOT, hostPathOf(grafana, options.path)!)).toBe('deploy/grafana/dashboards');
    }
    expect(grafana.depends_on).toHaveProperty('prometheus');
  });

  it('builds in stages and runs as a non-root user', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const stages = dockerfile.split(/^FROM /m).slice(1);
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const final = stages.at(-1)!;
    expect(final).toMatch(/--from=build /);
    const user = [...final.matchAll(/^USER\s+(\S+)/gm)].at(-1)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user);
    expect(final).toMatch(/^ENTRYPOINT \["node", "bin\/brain\.js"\]/m);
    expect(dockerfile).not.toMatch(/^COPY \. /m); // only what the build needs (and .dockerignore)
  });
});
