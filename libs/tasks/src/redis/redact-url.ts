import { redactUrlCredentials } from '../execution/secret-policy';

/** Masks the password of a connection URL (and any secret query parameter) so it can be shown. */
export function redactUrl(raw: string): string {
  // Never echoed when it does not parse: it may be a secret pasted in the wrong place.
  return URL.canParse(raw) ? redactUrlCredentials(raw) : '<invalid url>';
}
