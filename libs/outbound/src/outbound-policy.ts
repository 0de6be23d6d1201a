import ipaddr from 'ipaddr.js';
import { type OutboundAllowEntry, parseOutboundAllow, unmapped } from '@brain/config';

/** Address ranges (ipaddr.js `range()` names) reachable from the internet: all others are not. */
const PUBLIC_RANGES = new Set(['unicast', 'as112', 'as112v6', 'amt']);

/** Ranges whose address embeds an IPv4 one in its last 32 bits (NAT64, SIIT): judged by it. */
const EMBEDDING_V4 = new Set(['rfc6145', 'rfc6052']);

const RANGE_NAMES: Record<string, string> = {
  unspecified: 'an unspecified',
  broadcast: 'a broadcast',
  multicast: 'a multicast',
  linkLocal: 'a link-local',
  loopback: 'a loopback',
  carrierGradeNat: 'a carrier-grade NAT',
  private: 'a private',
  uniqueLocal: 'a unique-local',
  reserved: 'a reserved',
  benchmarking: 'a benchmarking',
  deprecatedSiteLocal: 'a site-local',
  discard: 'a discard-only',
  teredo: 'a Teredo',
  '6to4': 'a 6to4',
  rfc6052: 'a NAT64 local-use',
};

/**
 * Why an address is internal (`a loopback address`), or null for a public one. IPv4-mapped and
 * NAT64 IPv6 addresses are judged by the IPv4 address they carry.
 */
export function internalKind(address: ipaddr.IPv4 | ipaddr.IPv6): string | null {
  const ip = unmapped(address);
  const range = ip.range();
  if (PUBLIC_RANGES.has(range)) return null;
  if (EMBEDDING_V4.has(range)) {
    const parts = (ip as ipaddr.IPv6).parts;
    // 64:ff9b:1::/48 (local-use NAT64) places the IPv4 address elsewhere: refused outright.
    if (!(range === 'rfc6052' && parts[2] !== 0)) {
      const v4 = ipaddr.fromByteArray(ip.toByteArray().slice(12));
      const inner = internalKind(v4);
      return inner === null ? null : `a NAT64 form of ${v4.toString()}, ${inner}`;
    }
  }
  return `${RANGE_NAMES[range] ?? `a ${range}`} address`;
}

/** A URL host without IPv6 brackets and trailing dot, lower case. */
function bareHost(host: string): string {
  return host
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();
}

/** What outbound calls may reach: public addresses, plus what OUTBOUND_ALLOW lets through. */
export class OutboundPolicy {
  readonly allow: readonly OutboundAllowEntry[];

  /** `allow`: OUTBOUND_ALLOW's entries, or its text. */
  constructor(allow: readonly OutboundAllowEntry[] | string = []) {
    this.allow = typeof allow === 'string' ? parseOutboundAllow(allow) : allow;
  }

  /** Whether the host name itself is allowlisted for this port (whatever it resolves to). */
  hostAllowed(host: string, port: number): boolean {
    const name = bareHost(host);
    return this.allow.some(
      (e) => e.kind === 'host' && e.host === name && (e.port === undefined || e.port === port),
    );
  }

  /**
   * Why connecting to `address` (what `host` resolved to) on `port` is refused, or null when
   * it is public or allowlisted.
   */
  addressRefusal(host: string, address: string, port: number): string | null {
    const ip = unmapped(ipaddr.parse(bareHost(address)));
    const kind = internalKind(ip);
    if (kind === null) return null;
    const allowed = this.allow.some(
      (e) =>
        e.kind === 'addresses' &&
        (e.port === undefined || e.port === port) &&
        ip.kind() === e.range[0].kind() &&
        ip.match(e.range),
    );
    if (allowed) return null;
    const name = bareHost(host);
    const shown = ip.toString();
    return name === shown || name === bareHost(address)
      ? `${shown} is ${kind}`
      : `${name} resolves to ${shown}, ${kind}`;
  }

  /**
   * Why a URL given when something is created is refused without trying it: its host is an
   * internal IP literal or `localhost`, not allowlisted. Null otherwise (what a name resolves to
   * is checked when the call is made). Not a URL: null too (the caller's own check says so).
   */
  literalRefusal(url: string): string | null {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return null;
    }
    const port = Number(u.port) || (u.protocol === 'https:' ? 443 : 80);
    const host = bareHost(u.hostname);
    if (this.hostAllowed(host, port)) return null;
    if (ipaddr.isValid(host)) return this.addressRefusal(host, host, port);
    if (host === 'localhost' || host.endsWith('.localhost'))
      return `${host} is a loopback host name`;
    return null;
  }
}
