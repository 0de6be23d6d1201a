/** Formatters for table cells: short, stable, readable. */

/** 3725 -> `1h 2m`, 42 -> `42s`, 90061 -> `1d 1h`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d) return `${d}d ${h}h`;
  if (h) return `${h}h ${m}m`;
  if (m) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

/** 104857600 -> `100.0 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** An ISO time as `2026-11-29 10:30:00` (UTC, to the second); null stays null. */
export function formatTime(iso: string | null | undefined): string | null {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().slice(0, 19).replace('T', ' ');
}

/** A value as compact JSON, cut to `max` characters for a table cell. */
export function formatValue(value: unknown, max = 60): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? 'undefined';
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Arguments as a call reads them: `(1, 2, seconds=5)`, cut to `max` characters. */
export function formatCall(args: unknown[], kwargs: Record<string, unknown>, max = 40): string {
  const parts = [
    ...args.map((a) => formatValue(a, max)),
    ...Object.entries(kwargs).map(([k, v]) => `${k}=${formatValue(v, max)}`),
  ];
  const text = `(${parts.join(', ')})`;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
