// Formatting for display. Everything here returns plain strings: the page renders them as text.

export function shortId(id) {
  return id.length > 13 ? `${id.slice(0, 8)}…` : id;
}

export function dateTime(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { hour12: false });
}

export function clock(iso) {
  if (!iso) return '–';
  return new Date(iso).toLocaleTimeString(undefined, { hour12: false });
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '–';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ${Math.round(seconds % 60)} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

export function ago(iso, now = Date.now()) {
  if (!iso) return '–';
  return `${duration(Math.max(0, (now - Date.parse(iso)) / 1000))} ago`;
}

/** Run time of a task: from start to end, or to now while it runs. */
export function runtime(record, now = Date.now()) {
  if (!record.date_started) return null;
  const end = record.date_done ? Date.parse(record.date_done) : now;
  return (end - Date.parse(record.date_started)) / 1000;
}

export function bytes(n) {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

export function percent(n) {
  return n === null || n === undefined ? '–' : `${n.toFixed(1)} %`;
}

/** A value as indented JSON (text, never markup). */
export function json(value) {
  if (value === undefined) return '';
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    return String(value);
  }
}
