import { CliError } from '../cli-error';

/**
 * A JSON option (`--args '[1, 2]'`). A parse error is bad usage naming the option and where it
 * went wrong, never echoing the text (it may hold a secret).
 */
export function parseJsonOption(raw: string | undefined, flag: string): unknown {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch (err) {
    const at = /position (\d+)/.exec((err as Error).message)?.[1];
    throw new CliError(`${flag} is not valid JSON${at ? ` (at character ${at})` : ''}`, 2);
  }
}

/** A number, its range checked further on (by the API's rules). */
export function parseNumberOption(raw: string | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(n)) throw new CliError(`${flag} must be a number`, 2);
  return n;
}

/** A number of seconds > 0 (`--timeout`). */
export function parseSecondsOption(raw: string | undefined, flag: string): number | undefined {
  const n = parseNumberOption(raw, flag);
  if (n === undefined) return undefined;
  if (n <= 0) throw new CliError(`${flag} must be a number of seconds > 0`, 2);
  return n;
}

/** A whole number >= min (`--page`). */
export function parseWholeOption(
  raw: string | undefined,
  flag: string,
  min: number,
): number | undefined {
  const n = parseNumberOption(raw, flag);
  if (n === undefined) return undefined;
  if (!Number.isInteger(n) || n < min)
    throw new CliError(`${flag} must be a whole number >= ${min}`, 2);
  return n;
}
