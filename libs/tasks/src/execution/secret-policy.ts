/**
 * The one rule for what is a secret, wherever a payload, URL, header or error leaves a process
 * (API answers, UI, logs, task records, notifications). The run itself keeps the real values.
 */
export const REDACTED = '***';

/** Anywhere in a name (lowercased, separators removed): `X-Api-Key`, `set_cookie`, `dbPassword`. */
const SECRET_FRAGMENTS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'privatekey',
  'credential',
  'authorization',
  'cookie',
  'session',
  'bearer',
];

/** Only as a whole word of a name: `auth` (not `author`), `dsn`, `pass` (not `passenger`). */
const SECRET_WORDS = new Set(['auth', 'dsn', 'pass', 'pwd', 'jwt']);

/** In a URL's query, these carry keys too (`?key=` of map APIs, `&sig=` of signed URLs). */
const URL_SECRET_PARAMS = new Set(['key', 'sig', 'signature']);

/** The words of a name: split at separators and camelCase humps, lowercased. */
function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * Whether a key, parameter or header name says its value is a secret. Case-insensitive; `_`,
 * `-`, `.`, spaces or no separator at all: `api_key`, `API-KEY`, `apiKey` and `apikey` alike.
 */
export function isSecretName(name: string): boolean {
  const words = wordsOf(name);
  const joined = words.join('');
  return SECRET_FRAGMENTS.some((f) => joined.includes(f)) || words.some((w) => SECRET_WORDS.has(w));
}

/** `scheme://` then everything up to a space or a quote: a URL inside a text. */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;
/** The userinfo of a URL: `user:password@` or `token@`, before the host. */
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#\s]*)@/i;
/** A `name=value` of a query or fragment. */
const PARAM = /([?&#;])([^=&#;\s]+)=([^&#;\s]*)/g;
/** An Authorization header's value quoted in a text (`Basic authentication` is no value). */
const AUTH_SCHEME = /\b(Bearer|Basic)\s+([A-Za-z0-9._~+/=-]{8,})/g;

/**
 * A URL with its credentials masked: the password of `user:password@` (a lone `token@` whole),
 * and every query or fragment parameter named like a secret. The rest is kept as written.
 */
export function redactUrlCredentials(url: string): string {
  const masked = url.replace(USERINFO, (_all, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    if (colon >= 0) return `${scheme}${userinfo.slice(0, colon)}:${REDACTED}@`;
    return `${scheme}${REDACTED}@`;
  });
  return masked.replace(PARAM, (all, sep: string, name: string) =>
    isSecretParam(safeDecode(name)) ? `${sep}${name}=${REDACTED}` : all,
  );
}

/**
 * A text (an error message, a stack, a log line, a string value) with the credentials of every
 * URL in it masked, and `Bearer <token>`-style values too.
 */
export function redactText(text: string): string {
  // Most strings hold neither: spare them the regular expressions.
  if (!text.includes('://') && !text.includes('Bearer') && !text.includes('Basic')) return text;
  return text
    .replace(URL_IN_TEXT, (url) => redactUrlCredentials(url))
    .replace(AUTH_SCHEME, (all, scheme: string, value: string) =>
      scheme === 'Basic' && /^[a-z]+$/.test(value) ? all : `${scheme} ${REDACTED}`,
    );
}

function isSecretParam(name: string): boolean {
  return isSecretName(name) || URL_SECRET_PARAMS.has(name.toLowerCase());
}

function safeDecode(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}
