import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { RedisConnection } from '@brain/tasks';

@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly redis: RedisConnection,
  ) {}

  async check(key: string) {
    const session = this.health.check(key);
    if (!(await this.redis.whenAvailable(1000))) return session.down({ message: 'not connected' });
    try {
      await withTimeout(this.redis.client.ping(), 3000);
      return session.up();
    } catch (err) {
      return session.down({ message: (err as Error).message });
    }
  }
}

export function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
