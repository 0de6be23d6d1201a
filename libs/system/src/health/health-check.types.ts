export type CheckStatus = 'healthy' | 'unhealthy';

export interface HealthCheckResult {
  timestamp: string;
  checks: {
    redis: { status: CheckStatus; latency_ms?: number; error?: string };
    disk: { status: CheckStatus; free_gb?: number; percent_free?: number; error?: string };
    memory: { status: CheckStatus; used_gb?: number; percent_used?: number; error?: string };
  };
  healthy: boolean;
}

/** The spec's alert thresholds. */
export const DISK_MIN_PERCENT_FREE = 10;
export const MEMORY_MAX_PERCENT_USED = 90;
