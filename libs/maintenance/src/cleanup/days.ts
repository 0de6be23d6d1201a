/** `days` as a count of whole days >= 0, or a RangeError naming the argument. */
export function wholeDays(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    throw new RangeError(
      `${name} must be a whole number of days >= 0, got ${JSON.stringify(value)}`,
    );
  return value;
}

export function daysAgo(days: number, now = new Date()): Date {
  return new Date(now.getTime() - days * 86_400_000);
}
