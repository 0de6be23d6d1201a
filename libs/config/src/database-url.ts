/** Where the application keeps its relational data, parsed from DATABASE_URL. */
export type DatabaseConfig =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string };

const SQLITE_SCHEME = 'sqlite://';

/**
 * Parses `sqlite:///abs/path.db` (path `/abs/path.db`), `sqlite://relative/path.db` (path
 * `relative/path.db`, relative to the working directory), `sqlite://:memory:`, and
 * `postgres://` or `postgresql://` URLs. Returns undefined for anything else.
 */
export function parseDatabaseUrl(raw: string): DatabaseConfig | undefined {
  if (raw.startsWith(SQLITE_SCHEME)) {
    const path = raw.slice(SQLITE_SCHEME.length);
    return path === '' || path === '/' || path.endsWith('/') ? undefined : { kind: 'sqlite', path };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  const isPostgres = url.protocol === 'postgres:' || url.protocol === 'postgresql:';
  // A Unix-socket URL (postgres:///db?host=/run/postgresql) has no hostname but a host parameter.
  const hasHost = url.hostname !== '' || url.searchParams.has('host');
  return isPostgres && hasHost ? { kind: 'postgres', url: raw } : undefined;
}
