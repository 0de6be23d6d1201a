import { loadAppConfig } from '@brain/config';
import { parseRedisUrl } from '@brain/tasks';
import {
  brainServicesOf,
  type Compose,
  environmentOf,
  readCompose,
  substitute,
  withOverride,
} from './compose-files';

/**
 * deploy/compose/{sentinel,cluster}.yml: overrides of docker-compose.yml that put Redis in a
 * Sentinel group or a Cluster. Docker does not run here; what the files say is checked against
 * what the processes and redis-server 7 need.
 */
const base = readCompose('docker-compose.yml');
const variant = (file: string) => withOverride(base, readCompose(file));
const password = substitute('${REDIS_PASSWORD:?}');

/** The shell line a service runs (`sh -c '...'`), as the container sees it. */
const script = (compose: Compose, name: string) =>
  (compose.services[name].command ?? []).join(' ').replaceAll('$$', '$');

function expectWellFormed(compose: Compose, oneShot: string[] = []) {
  for (const [name, service] of Object.entries(compose.services)) {
    const restart = oneShot.includes(name) ? 'no' : 'unless-stopped';
    expect({ name, restart: service.restart }).toEqual({ name, restart });
    for (const dependency of Object.keys(service.depends_on ?? {})) {
      expect({ name, dependency, known: dependency in compose.services }).toEqual({
        name,
        dependency,
        known: true,
      });
    }
    for (const volume of service.volumes ?? []) {
      const source = volume.split(':')[0];
      if (!source.startsWith('./')) expect(Object.keys(compose.volumes)).toContain(source);
    }
  }
}

/** Every brain process gets a REDIS_URL it accepts, of `kind`, naming services of the file. */
function expectBrainOn(compose: Compose, kind: 'sentinel' | 'cluster') {
  const urls = new Set<string>();
  for (const [name, service] of brainServicesOf(compose)) {
    const env = environmentOf(service);
    expect(() => loadAppConfig(env)).not.toThrow();
    const url = parseRedisUrl(env.REDIS_URL);
    expect({ name, kind: url.kind, password: url.password }).toEqual({ name, kind, password });
    urls.add(env.REDIS_URL);
  }
  expect(urls.size).toBe(1);
  const url = parseRedisUrl([...urls][0]);
  const hosts = url.kind === 'sentinel' ? url.sentinels : url.kind === 'cluster' ? url.nodes : [];
  for (const { host } of hosts) expect(Object.keys(compose.services)).toContain(host);
  return url;
}

describe('deploy/compose/sentinel.yml (Redis Sentinel; structure, Docker does not run here)', () => {
  const compose = variant('deploy/compose/sentinel.yml');
  const sentinels = Object.keys(compose.services).filter((n) => n.startsWith('sentinel-'));

  it('adds a replica of the master and three sentinels, each health-checked and kept', () => {
    expect(sentinels).toHaveLength(3);
    expectWellFormed(compose);
    for (const name of [...sentinels, 'redis-replica']) {
      expect(compose.services[name].healthcheck).toBeDefined();
    }
    expect(script(compose, 'redis-replica')).toContain('--replicaof redis 6379');
  });

  it('has every sentinel watch the master under the name the processes ask for, with a quorum', () => {
    const url = expectBrainOn(compose, 'sentinel');
    if (url.kind !== 'sentinel') throw new Error('not a sentinel URL');
    expect(url.sentinels.map((s) => `${s.host}:${s.port}`).sort()).toEqual(
      sentinels.map((s) => `${s}:26379`).sort(),
    );
    for (const name of sentinels) {
      const conf = script(compose, name);
      const monitor = /sentinel monitor (\S+) (\S+) (\d+) (\d+)/.exec(conf);
      expect(monitor?.slice(1, 3)).toEqual([url.masterName, 'redis']);
      expect(Number(monitor?.[4])).toBeLessThanOrEqual(sentinels.length);
      expect(Number(monitor?.[4])).toBeGreaterThan(sentinels.length / 2);
      expect(conf).toContain('port 26379');
      // The master and the sentinels ask for the password the URL carries.
      expect(conf).toContain(`sentinel auth-pass ${url.masterName} $REDIS_PASSWORD`);
      expect(conf).toContain('requirepass $REDIS_PASSWORD');
      // Hosts, not container addresses, reach the processes (they change on a restart).
      expect(conf).toContain('sentinel resolve-hostnames yes');
      expect(conf).toContain('sentinel announce-hostnames yes');
    }
    // A master that comes back after a failover must be able to follow the new one.
    for (const node of ['redis', 'redis-replica']) {
      expect(script(compose, node)).toContain('--masterauth "$REDIS_PASSWORD"');
      expect(script(compose, node)).toContain(`--replica-announce-ip ${node}`);
    }
  });
});

describe('deploy/compose/cluster.yml (Redis Cluster; structure, Docker does not run here)', () => {
  const compose = variant('deploy/compose/cluster.yml');
  const nodes = Object.keys(compose.services).filter((n) => /^redis(-\d)?$/.test(n));

  it('runs six cluster nodes, each health-checked and kept, joined once by a one-shot service', () => {
    expect(nodes).toHaveLength(6);
    expectWellFormed(compose, ['redis-cluster-init']);
    for (const name of nodes) {
      const node = compose.services[name];
      expect(node.healthcheck).toBeDefined();
      expect(node.hostname).toBe(name);
      const line = script(compose, name);
      expect(line).toContain('--cluster-enabled yes');
      // Clients are sent to host names (stable across restarts), which Compose resolves.
      expect(line).toContain('--cluster-announce-hostname "$(hostname)"');
      expect(line).toContain('--cluster-preferred-endpoint-type hostname');
      expect(line).toContain('--requirepass "$REDIS_PASSWORD" --masterauth "$REDIS_PASSWORD"');
    }
    const init = script(compose, 'redis-cluster-init');
    expect(init).toContain('--cluster-replicas 1');
    expect(
      init
        .match(/for n in ([^;]+);/)?.[1]
        .split(' ')
        .sort(),
    ).toEqual([...nodes].sort());
    expect(Object.keys(compose.services['redis-cluster-init'].depends_on ?? {}).sort()).toEqual(
      [...nodes].sort(),
    );
  });

  it('starts brain processes on the cluster once it is formed', () => {
    expectBrainOn(compose, 'cluster');
    for (const [name, service] of brainServicesOf(compose)) {
      expect({ name, init: service.depends_on?.['redis-cluster-init']?.condition }).toEqual({
        name,
        init: 'service_completed_successfully',
      });
    }
  });
});
