import { Inject, Injectable, Logger } from '@nestjs/common';
import { hostname } from 'node:os';
import { type ResolvedTasksOptions, TASKS_OPTIONS } from '../config/tasks-module-options';
import { RedisConnection } from '../redis/redis-connection.service';
import { BeatService } from './beat.service';

const PRESENCE_TTL_S = 15;

/**
 * A beat process: registers the schedules, announces itself, and obeys `brain beat stop`. The last
 * beat to leave removes the schedules, so stopping beat stops periodic firing, as in Celery, while
 * a replica that restarts does not interrupt the others.
 */
@Injectable()
export class BeatRunner {
  private readonly logger = new Logger('Beat');
  readonly id = `${hostname()}:${process.pid}`;
  private timer?: NodeJS.Timeout;
  private stopRequested?: () => void;
  /** Resolves when `brain beat stop` asks the beats to stop. */
  readonly stopRequest = new Promise<void>((resolve) => (this.stopRequested = resolve));

  constructor(
    private readonly beat: BeatService,
    private readonly redis: RedisConnection,
    @Inject(TASKS_OPTIONS) private readonly options: ResolvedTasksOptions,
  ) {}

  get channel(): string {
    return `${this.options.prefix}:beat-control`;
  }

  private presenceKey(id: string): string {
    return `${this.options.prefix}:beat-alive:${id}`;
  }

  async start(): Promise<void> {
    const sub = this.redis.create('beat-subscriber');
    await sub.subscribe(this.channel);
    sub.on('message', () => this.stopRequested?.());
    await this.announce();
    this.timer = setInterval(() => void this.announce(), 5000);
    const { registered, removed } = await this.beat.sync();
    this.logger.log(
      `beat ${this.id}: ${registered.length} schedule(s) registered, ${removed.length} removed`,
    );
    for (const s of await this.beat.list()) {
      this.logger.log(`  ${s.key} -> ${s.task} on ${s.queue}, next ${s.next_run}`);
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.redis.client.del(this.presenceKey(this.id));
    const others = await this.redis.client.keys(this.presenceKey('*'));
    if (others.length === 0) {
      const removed = await this.beat.removeAll();
      this.logger.log(
        `last beat out: ${removed.length} schedule(s) removed, periodic firing stopped`,
      );
    } else {
      this.logger.log(`beat ${this.id} stopped; ${others.length} other beat(s) keep the schedules`);
    }
  }

  /** Asks every beat process to stop, and stops periodic firing. Answers the schedules removed. */
  async requestStopAll(): Promise<string[]> {
    await this.redis.client.publish(this.channel, 'stop');
    return this.beat.removeAll();
  }

  /** Beat processes alive now (`host:pid`), from their presence keys. */
  async running(): Promise<string[]> {
    const prefix = this.presenceKey('');
    const ids: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.client.scan(
        cursor,
        'MATCH',
        `${prefix}*`,
        'COUNT',
        500,
      );
      cursor = next;
      ids.push(...keys.map((k) => k.slice(prefix.length)));
    } while (cursor !== '0');
    return ids.sort();
  }

  private async announce(): Promise<void> {
    await this.redis.client
      .set(this.presenceKey(this.id), new Date().toISOString(), 'EX', PRESENCE_TTL_S)
      .catch((err: Error) => this.logger.warn(`presence: ${err.message}`));
  }
}
