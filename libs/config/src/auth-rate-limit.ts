/** Failed authentications a client IP may make within a window before it gets 429s. */
export interface AuthRateLimit {
  failures: number;
  windowSeconds: number;
}

export const DEFAULT_AUTH_RATE_LIMIT = '10/60';

/** `N/SECONDS` (N >= 1, SECONDS 1 to a day) as a limit, `off` as none; undefined when neither. */
export function parseAuthRateLimit(value: string): AuthRateLimit | null | undefined {
  const text = value.trim().toLowerCase();
  if (text === 'off') return null;
  const match = /^(\d{1,6})\/(\d{1,5})$/.exec(text);
  if (!match) return undefined;
  const [failures, windowSeconds] = [Number(match[1]), Number(match[2])];
  return failures >= 1 && windowSeconds >= 1 && windowSeconds <= 86_400
    ? { failures, windowSeconds }
    : undefined;
}

export function isAuthRateLimit(value: unknown): boolean {
  return typeof value === 'string' && parseAuthRateLimit(value) !== undefined;
}
