import type { HealthCheckResult, HealthIndicatorResult } from '@nestjs/terminus';

function statuses(indicators: Partial<HealthIndicatorResult> | undefined): HealthIndicatorResult {
  return Object.fromEntries(
    Object.entries(indicators ?? {}).flatMap(([name, result]) =>
      result ? [[name, { status: result.status }]] : [],
    ),
  );
}

/**
 * A health report with each indicator's up/down and nothing else: raw errors name hosts, ports,
 * users and databases, which anonymous callers (anyone who can reach /health) need not learn.
 */
export function statusOnly(result: HealthCheckResult): HealthCheckResult {
  return {
    status: result.status,
    info: statuses(result.info),
    error: statuses(result.error),
    details: statuses(result.details),
  };
}
