import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedRedis } from '../../apps/cli/src';
import { liveProcesses } from '../support/live-processes';
import { RedisCluster } from '../support/topology/redis-cluster';
import { SentinelGroup } from '../support/topology/sentinel-group';
import { startEmbeddedPostgres } from './embedded-postgres';
import { testRun } from './test-run';

const TOPOLOGIES = ['standalone', 'sentinel', 'cluster'] as const;
type Topology = (typeof TOPOLOGIES)[number];

/**
 * Starts one private Redis and one private PostgreSQL cluster for the whole run and exposes them
 * as TEST_REDIS_URL and TEST_POSTGRES_URL (test workers inherit them). When a variable is already
 * set, that server is used instead. TEST_REDIS_TOPOLOGY (standalone by default, sentinel,
 * cluster) chooses what Redis: a redis-server, a Sentinel group (master, replica, three
 * sentinels) or a 3-master, 3-replica Cluster, all real servers.
 */
export default async function globalSetup(): Promise<void> {
  const log = (m: string) => console.log(`\n${m}`);
  const topology = testTopology();
  await Promise.all([startRedis(topology, log), startPostgres(log)]);
}

function testTopology(): Topology {
  const value = process.env.TEST_REDIS_TOPOLOGY || 'standalone';
  if (!(TOPOLOGIES as readonly string[]).includes(value)) {
    throw new Error(`TEST_REDIS_TOPOLOGY must be one of ${TOPOLOGIES.join(', ')}, not "${value}"`);
  }
  return value as Topology;
}

async function startRedis(topology: Topology, log: (message: string) => void): Promise<void> {
  if (process.env.TEST_REDIS_URL) return;
  await startTopology(topology, log);
  // A topology's servers registered as live processes; they serve the whole run and global
  // teardown stops them. Run in band, Jest hands this global's entries to the test environment,
  // which would kill them as a test file's leftovers.
  liveProcesses().clear();
}

async function startTopology(topology: Topology, log: (message: string) => void): Promise<void> {
  if (topology === 'sentinel') {
    const group = new SentinelGroup();
    try {
      await group.start();
    } catch (err) {
      await group.stop();
      throw err;
    }
    log(`Redis Sentinel group for the tests: ${group.sentinelPorts.join(', ')}`);
    process.env.TEST_REDIS_URL = group.url;
    testRun.redis = { stop: () => group.stop() };
    return;
  }
  if (topology === 'cluster') {
    const cluster = await RedisCluster.start();
    log(`Redis Cluster for the tests: ${cluster.seeds.map((s) => s.port).join(', ')}`);
    process.env.TEST_REDIS_URL = cluster.url;
    testRun.redis = { stop: () => cluster.stop() };
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'brain-test-redis-'));
  const redis = await startEmbeddedRedis({ dir, install: true, log });
  process.env.TEST_REDIS_URL = redis.url;
  testRun.redis = { dir, stop: () => redis.stop() };
}

async function startPostgres(log: (message: string) => void): Promise<void> {
  if (process.env.TEST_POSTGRES_URL) return;
  const dir = mkdtempSync(join(tmpdir(), 'brain-test-pg-'));
  try {
    const postgres = await startEmbeddedPostgres({ dir, log });
    process.env.TEST_POSTGRES_URL = postgres.url;
    testRun.postgres = { dir, stop: () => postgres.stop() };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
