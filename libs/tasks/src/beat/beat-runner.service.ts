import { Inject, Injectable, Logger } from '@nestjs/common';
import { engineKeys } from '../redis/engine-keys';
import { hostname } from 'node:os';
import { type ResolvedTasksOptions, TASKS_OPTIONS } from '../config/tasks-module-options';
import { evalScript } from '../redis/eval-script';
import { RedisConnection } from '../redis/redis-connection.service';
import { BeatService } from './beat.service';

/** Beats say they are alive this often, and count as alive this long after they last did. */
const ANNOUNCE_MS = 5_000;
const ALIVE_MS = 15_000;

/**
 * Leaves the set of live beats and answers how many others are alive, in one step: two beats
 * stopping at once cannot both believe the other stays (and leave the schedules to no one).
 */
const LEAVE_SCRIPT = `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
return redis.call('ZCARD', KEYS[1])`;

/**
 * A beat process: registers the schedules, announces itself, and obeys `brain beat stop`. The last
 * beat to leave removes the schedules, so stopping beat stops periodic firing, as in Celery, while
 * a replica that restarts does not interrupt the others. A beat that finds its schedules gone while
 * it runs (another took it for dead: a stalled event loop, a lost connection) registers them again.
 */
@Injectable()
export class BeatRunner {
  private readonly logger = new Logger('Beat');
  readonly id = `${hostname()}:${process.pid}`;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  /** The tick under way: a stop waits for it, so that no check re-registers after the stop. */
  private ticking?: Promise<void>;
  private stopRequested?: () => void;
  /** Resolves when `brain beat stop` asks the beats to stop. */
  readonly stopRequest = new Promise<void>((resolve) => (this.stopRequested = resolve));

  constructor(
    private readonly beat: BeatService,
    private readonly redis: RedisConnection,
    @Inject(TASKS_OPTIONS) private readonly options: ResolvedTasksOptions,
  ) {}

  get channel(): string {
    return engineKeys(this.options.prefix).beatControl;
  }

  /** Live beats, scored by when each last announced itself. */
  private get aliveKey(): string {
    return engineKeys(this.options.prefix).beats;
  }

  async start(): Promise<void> {
    const sub = this.redis.create('beat-subscriber');
    await sub.subscribe(this.channel);
    sub.on('message', () => {
      this.stopped = true;
      this.stopRequested?.();
    });
    await this.announce();
    const { registered, removed } = await this.beat.sync();
    this.timer = setInterval(() => {
      this.ticking ??= this.tick().finally(() => (this.ticking = undefined));
    }, ANNOUNCE_MS);
    this.logger.log(
      `beat ${this.id}: ${registered.length} schedule(s) registered, ${removed.length} removed`,
    );
    for (const s of await this.beat.list()) {
      this.logger.log(`  ${s.key} -> ${s.task} on ${s.queue}, next ${s.next_run}`);
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.stopped = true;
    await this.ticking;
    const others = Number(
      await evalScript(
        this.redis.client,
        LEAVE_SCRIPT,
        [this.aliveKey],
        [this.id, Date.now() - ALIVE_MS],
      ),
    );
    if (others === 0) {
      const removed = await this.beat.removeAll();
      this.logger.log(
        `last beat out: ${removed.length} schedule(s) removed, periodic firing stopped`,
      );
    } else {
      this.logger.log(`beat ${this.id} stopped; ${others} other beat(s) keep the schedules`);
    }
  }

  /** Asks every beat process to stop, and stops periodic firing. Answers the schedules removed. */
  async requestStopAll(): Promise<string[]> {
    await this.redis.client.publish(this.channel, 'stop');
    return this.beat.removeAll();
  }

  /** Beat processes alive now (`host:pid`). */
  async running(): Promise<string[]> {
    const ids = await this.redis.client.zrangebyscore(this.aliveKey, Date.now() - ALIVE_MS, '+inf');
    return ids.sort();
  }

  private async announce(): Promise<void> {
    await this.redis.client.zadd(this.aliveKey, Date.now(), this.id);
  }

  /** Says it is alive; puts back its schedules if a beat that took it for dead removed them. */
  private async tick(): Promise<void> {
    try {
      await this.announce();
      if (this.stopped) return;
      const present = new Set((await this.beat.list()).map((s) => `${s.queue}/${s.key}`));
      const missing = this.beat.declared().filter((e) => !present.has(`${e.queue}/${e.key}`));
      if (missing.length && !this.stopped) {
        await this.beat.sync();
        this.logger.warn(
          `schedule(s) ${missing.map((e) => e.key).join(', ')} were gone while this beat runs: registered again`,
        );
      }
    } catch (err) {
      this.logger.warn(`beat tick: ${(err as Error).message}`);
    }
  }
}
