import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseConfig } from '@brain/config';
import { ApiLoad, countRuns, duplicateCount, recordedRuns } from './api-load';
import { ApiProcess } from './api-process';
import { BrainProcess, FIXTURE_TASKS } from './brain-process';
import { dropTestDatabase, testSqliteConfig } from './databases';
import { uniquePrefix } from './redis';
import { MAX_CALL_MS, RESUME_MS } from './failover-check';
import { waitFor } from './wait';

/** Tasks sent through the API, by several callers at once (issue 14). */
const TOTAL = 2000;
const CALLERS = 4;
const WORKERS = 3;
/** How long after the last send every acknowledged task may take to have run. */
const DRAIN_MS = 60_000;

/** A Redis topology under test, started by the chaos suite and killed in its middle. */
export interface ChaosTopology {
  /** REDIS_URL and what else its processes need. */
  readonly env: Record<string, string>;
  /**
   * SIGKILLs the master holding the engine's keys (whose keys are under `prefix`) and waits until
   * a replica serves them; answers when each happened (ms since epoch).
   */
  killMaster(prefix: string): Promise<{ killedAt: number; promotedAt: number }>;
  /** After the promotion: what the new master needs to have a replica again, if anything. */
  restoreReplica?(): Promise<void>;
  stop(): Promise<void>;
}

/** What one chaos run measured. */
export interface ChaosReport {
  acknowledged: number;
  statuses: string;
  slowestMs: number;
  promotedAfterMs: number;
  /** Per worker alive after the kills: ms from the promotion (or its start) to its first run. */
  resumedAfterMs: Record<string, number>;
  lost: string[];
  duplicates: number;
  /** Runs of tasks whose send was refused (the API answered 503, the task ran anyway). */
  refusedButRan: number;
}

/**
 * The chaos test of issue 14 on one topology, with durable sending (REDIS_MIN_REPLICAS_ACK=1):
 * while callers send 2,000 `tests.record_run` tasks through a real API to three real workers, one
 * worker is SIGKILLed (its process group: a crash) and the master holding the engine's keys is
 * SIGKILLed; a new worker replaces the dead one. Then every acknowledged task runs (0 lost:
 * each reaches SUCCESS), every worker alive consumes after the promotion, every call answers
 * within 2 s and a refusal is a 503. Runs are written down outside Redis (a file), so that
 * duplicates, which at-least-once allows, are counted and printed.
 */
export function describeChaos(name: string, start: () => Promise<ChaosTopology>): void {
  describe(`chaos on ${name}: 2,000 tasks through the API, a worker and a master SIGKILLed, durable sending`, () => {
    const prefix = uniquePrefix(`chaos-${name}`);
    /** Where `tests.record_run` writes its runs down (made in beforeAll). */
    let dir = '';
    let runsFile = '';
    let topology: ChaosTopology;
    let database: DatabaseConfig;
    let env: Record<string, string>;
    let api: ApiProcess;
    /** The workers started, as they became ready, with their hostnames (`chaos-N@host`). */
    const workers: Array<{ hostname: string; process: BrainProcess; readyAt: number }> = [];

    /** A worker in a process group of its own (killed whole), with a short lock: recovery in s. */
    const startWorker = async (n: number) => {
      const hostname = `chaos-${n}`;
      const args = ['--concurrency', '2', '--lock-timeout', '5', '--hostname', `${hostname}@%h`];
      const worker = await BrainProcess.worker(prefix, args, true, env);
      const started = { hostname, process: worker, readyAt: Date.now() };
      workers.push(started);
      return started;
    };

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'brain-chaos-'));
      runsFile = join(dir, 'runs.log');
      topology = await start();
      env = {
        ...topology.env,
        REDIS_MIN_REPLICAS_ACK: '1',
        BRAIN_INCLUDE: FIXTURE_TASKS,
      };
      database = await testSqliteConfig(`chaos-${name}`);
      // The workers one after another: each boots a prefork pool (a Nest app per child, each
      // with its cluster connections); all at once, on two loaded cores, one took over 30 s.
      const apiStarted = ApiProcess.start(prefix, database, env);
      apiStarted.catch(() => undefined); // awaited below: its failure is reported there
      for (let i = 1; i <= WORKERS; i++) await startWorker(i);
      api = await apiStarted;
    }, 150_000);

    afterAll(async () => {
      await Promise.all([api?.stop(), ...workers.map((w) => w.process.stop())]);
      await topology?.stop();
      if (database) await dropTestDatabase(database);
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('loses no acknowledged task, resumes every worker, answers every call within 2 s (503 when refused)', async () => {
      // Sends until TOTAL are acknowledged and every worker alive has shown it consumes again.
      const load = ApiLoad.start(api, {
        body: { task_name: 'tests.record_run', kwargs: { path: runsFile } },
        callers: CALLERS,
      });
      try {
        await load.waitForAcknowledged(TOTAL / 10);
        const [doomed, ...survivors] = workers;
        process.kill(-doomed.process.child.pid!, 'SIGKILL');
        // The master dies too, while a new worker replaces the dead one (as a supervisor would).
        const [{ killedAt, promotedAt }, replacement] = await Promise.all([
          (async () => {
            const times = await topology.killMaster(prefix);
            await topology.restoreReplica?.();
            return times;
          })(),
          startWorker(WORKERS + 1),
        ]);
        await doomed.process.exit();

        // Every worker alive runs tasks after the promotion (the new one, after it is ready).
        const alive = [...survivors, replacement].map(({ hostname, readyAt }) => ({
          hostname,
          since: Math.max(readyAt, promotedAt),
        }));
        const resumed = await Promise.all(
          alive.map(({ hostname, since }) =>
            waitFor(
              async () => {
                const run = recordedRuns(runsFile).find(
                  (r) => r.worker.startsWith(`${hostname}@`) && r.at > since,
                );
                return run ? ([hostname, run.at - since] as const) : undefined;
              },
              `${hostname} to run a task after the promotion`,
              RESUME_MS,
            ),
          ),
        );
        await load.waitForAcknowledged(TOTAL, 0, DRAIN_MS);
        await load.stop();
        const acknowledged = load.acknowledged().map((c) => c.taskId!);
        const lost = await notSucceeded(api, acknowledged, DRAIN_MS);
        const counts = countRuns(recordedRuns(runsFile));
        const sent = new Set(acknowledged);
        const report: ChaosReport = {
          acknowledged: acknowledged.length,
          statuses: load.statuses(),
          slowestMs: load.slowest(),
          promotedAfterMs: promotedAt - killedAt,
          resumedAfterMs: Object.fromEntries(resumed),
          lost,
          duplicates: duplicateCount(counts),
          refusedButRan: [...counts.keys()].filter((id) => !sent.has(id)).length,
        };
        console.log(`chaos on ${name}: ${JSON.stringify(report)}`);

        expect(lost).toEqual([]);
        expect(load.refused().filter((c) => c.status !== 503)).toEqual([]);
        expect(load.slowest()).toBeLessThanOrEqual(MAX_CALL_MS);
        expect(acknowledged.length).toBeGreaterThanOrEqual(TOTAL);
      } catch (err) {
        // What the processes said last: a failure under chaos is hard to reproduce.
        const tails = [...workers, { hostname: 'api', process: api.process }].map(
          ({ hostname, process: p }) => `--- ${hostname}\n${p.log.slice(-2000)}`,
        );
        console.log(`chaos on ${name} failed; calls: ${load.statuses()}\n${tails.join('\n')}`);
        throw err;
      } finally {
        await load.stop();
      }
    }, 180_000);
  });
}

/**
 * The ids among `ids` that do not read SUCCESS through the API within `timeoutMs` (each asked
 * until it does, a batch of calls at a time).
 */
async function notSucceeded(api: ApiProcess, ids: string[], timeoutMs: number): Promise<string[]> {
  let pending = ids;
  const stillPending = async () => {
    const still: string[] = [];
    for (let i = 0; i < pending.length; i += 25) {
      const batch = pending.slice(i, i + 25);
      const states = await Promise.all(
        batch.map(async (id) => {
          const res = await api.as().get(`/api/tasks/${id}`);
          return (res.body as { status?: string }).status;
        }),
      );
      still.push(...batch.filter((_, j) => states[j] !== 'SUCCESS'));
    }
    return still;
  };
  try {
    await waitFor(
      async () => {
        pending = await stillPending();
        return pending.length ? undefined : true;
      },
      'every acknowledged task to succeed',
      timeoutMs,
      500,
    );
  } catch {
    // What is still pending is the answer: the caller asserts it is empty, naming the ids.
  }
  return pending;
}
