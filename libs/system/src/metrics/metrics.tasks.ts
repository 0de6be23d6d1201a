import { Injectable } from '@nestjs/common';
import { Schedule, Task, TaskInputError } from '@brain/tasks';
import { RequestStats, type DailyRequestStats } from '@brain/storage';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export interface DailyMetrics {
  /** The UTC day reported on. */
  date: string;
  generated_at: string;
  metrics: DailyRequestStats;
}

function isDay(value: unknown): value is string {
  return (
    typeof value === 'string' && DAY.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))
  );
}

/** The UTC day before `now`, as YYYY-MM-DD: at midnight, the day that just ended. */
export function previousDay(now = new Date()): string {
  return new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
}

@Injectable()
export class MetricsTasks {
  constructor(private readonly stats: RequestStats) {}

  /**
   * The API's traffic of one day (yesterday, UTC, by default), from the requests it recorded:
   * count and mean response time, server errors (5xx) and their rate, distinct callers (API keys)
   * and the busiest routes.
   */
  @Task({
    name: 'backend.app.tasks.system_tasks.generate_daily_metrics',
    params: ['date'],
    timeLimit: 300,
    checkArgs: ({ date }) => {
      if (date !== undefined && !isDay(date))
        throw new TaskInputError(
          `date must be a day as YYYY-MM-DD, got ${JSON.stringify(date)}`,
          'date',
        );
    },
  })
  @Schedule({
    id: 'generate-daily-metrics',
    cron: '0 0 * * *',
    description: 'Daily metrics report',
  })
  async generate({ date }: { date?: string }): Promise<DailyMetrics> {
    const day = date ?? previousDay();
    if (!isDay(day))
      throw new RangeError(`date must be a day as YYYY-MM-DD, got ${JSON.stringify(date)}`);
    return {
      date: day,
      generated_at: new Date().toISOString(),
      metrics: await this.stats.daily(day),
    };
  }
}
