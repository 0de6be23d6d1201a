import { CronExpressionParser } from 'cron-parser';

/** Validates a five-field crontab and gives its next firing after `from`, in `tz`. */
export function parseCron(expression: string, tz = 'UTC', from: Date = new Date()): Date {
  if (expression.trim().split(/\s+/).length !== 5) {
    throw new Error(`cron "${expression}" must have five fields (minute hour day month weekday)`);
  }
  return CronExpressionParser.parse(expression, { tz, currentDate: from }).next().toDate();
}
