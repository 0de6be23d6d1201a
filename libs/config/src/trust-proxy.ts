import ipaddr from 'ipaddr.js';

/** What Express's `trust proxy` setting takes: off/on, a hop count, or addresses to trust. */
export type TrustProxy = boolean | number | string[];

/** proxy-addr's names for address ranges. */
const RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function isAddressEntry(entry: string): boolean {
  if (RANGE_NAMES.includes(entry)) return true;
  if (entry.includes('/')) {
    try {
      ipaddr.parseCIDR(entry);
      return true;
    } catch {
      return false;
    }
  }
  return (
    ipaddr.isValid(entry) && (entry.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(entry))
  );
}

/**
 * TRUST_PROXY as Express reads it; undefined when it is none of the accepted forms. Unset means
 * false: `req.ip` is the peer's address and `req.secure` whether this very connection is TLS,
 * whatever X-Forwarded-* headers a client sends.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy | undefined {
  if (value === undefined) return false;
  const text = value.trim().toLowerCase();
  if (text === 'false') return false;
  if (text === 'true') return true;
  if (/^\d{1,3}$/.test(text)) return Number(text);
  const entries = text.split(',').map((e) => e.trim());
  return entries.length > 0 && entries.every(isAddressEntry) ? entries : undefined;
}

export function isTrustProxy(value: unknown): boolean {
  return typeof value === 'string' && parseTrustProxy(value) !== undefined;
}
