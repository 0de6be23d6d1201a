import { redactUrlCredentials } from '../execution/secret-policy';
import { looksLikeRedisUrl } from './redis-url';

/** Masks the password of a connection URL (and any secret query parameter) so it can be shown. */
export function redactUrl(raw: string): string {
  // Never echoed when it does not parse: it may be a secret pasted in the wrong place. Sentinel
  // and Cluster host lists (h1:26379,h2:26379) are no WHATWG URL, but are masked all the same.
  return URL.canParse(raw) || looksLikeRedisUrl(raw) ? redactUrlCredentials(raw) : '<invalid url>';
}
