/** Query parameters that carry a secret in a connection URL (libpq's `password`, and the like). */
const SECRET_PARAMS = /pass|secret|token|key/i;

/** Masks the password of a connection URL (and any secret query parameter) so it can be shown. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    for (const name of [...url.searchParams.keys()]) {
      if (SECRET_PARAMS.test(name)) url.searchParams.set(name, '***');
    }
    return url.toString();
  } catch {
    return '<invalid url>';
  }
}
