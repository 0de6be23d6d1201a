import { Injectable } from '@nestjs/common';
import { RedisConnection, Schedule, Task } from '@brain/tasks';
import { diskUsage, memoryUsage } from './host-probes';
import {
  DISK_MIN_PERCENT_FREE,
  type HealthCheckResult,
  MEMORY_MAX_PERCENT_USED,
} from './health-check.types';

const REDIS_TIMEOUT_MS = 2000;

@Injectable()
export class HealthTasks {
  constructor(private readonly redis: RedisConnection) {}

  /** Redis, disk and memory of the host that runs it, each judged by the spec's thresholds. */
  @Task({ name: 'backend.app.tasks.system_tasks.health_check', params: [], timeLimit: 60 })
  @Schedule({ id: 'health-check', every: 300, description: 'System health monitoring' })
  async healthCheck(): Promise<HealthCheckResult> {
    const [redis, disk, memory] = await Promise.all([this.pingRedis(), this.disk(), this.memory()]);
    const checks = { redis, disk, memory };
    return {
      timestamp: new Date().toISOString(),
      checks,
      healthy: Object.values(checks).every((c) => c.status === 'healthy'),
    };
  }

  private async pingRedis(): Promise<HealthCheckResult['checks']['redis']> {
    const started = performance.now();
    try {
      await Promise.race([
        this.redis.client.ping(),
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('ping timed out')), REDIS_TIMEOUT_MS),
        ),
      ]);
      return {
        status: 'healthy',
        latency_ms: Math.round((performance.now() - started) * 100) / 100,
      };
    } catch (err) {
      return { status: 'unhealthy', error: (err as Error).message };
    }
  }

  private async disk(): Promise<HealthCheckResult['checks']['disk']> {
    try {
      const d = await diskUsage(process.cwd());
      return {
        status: d.percent_free < DISK_MIN_PERCENT_FREE ? 'unhealthy' : 'healthy',
        free_gb: d.free_gb,
        percent_free: d.percent_free,
      };
    } catch (err) {
      return { status: 'unhealthy', error: (err as Error).message };
    }
  }

  private async memory(): Promise<HealthCheckResult['checks']['memory']> {
    try {
      const m = await memoryUsage();
      return {
        status: m.percent_used > MEMORY_MAX_PERCENT_USED ? 'unhealthy' : 'healthy',
        used_gb: m.used_gb,
        percent_used: m.percent_used,
      };
    } catch (err) {
      return { status: 'unhealthy', error: (err as Error).message };
    }
  }
}
