import ipaddr from 'ipaddr.js';

/**
 * One OUTBOUND_ALLOW entry: addresses (a CIDR, or one IP as /32 or /128) that outbound calls may
 * reach once resolved, or a host name that they may reach whatever it resolves to; either with
 * an optional port that the call's URL must use.
 */
export type OutboundAllowEntry =
  | {
      kind: 'addresses';
      /** As written, for messages. */
      text: string;
      range: [ipaddr.IPv4 | ipaddr.IPv6, number];
      port?: number;
    }
  | { kind: 'host'; text: string; host: string; port?: number };

/** A DNS name: dot-separated labels of letters, digits, `-` and `_`. */
const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

function port(text: string): number | undefined {
  const n = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  return n >= 1 && n <= 65535 ? n : undefined;
}

/** One entry, or undefined when it is none of the accepted forms. */
function parseEntry(raw: string): OutboundAllowEntry | undefined {
  const text = raw.trim();
  if (text.includes('/')) {
    try {
      const [address, bits] = ipaddr.parseCIDR(text);
      return { kind: 'addresses', text, range: [unmapped(address), bits] };
    } catch {
      return undefined;
    }
  }
  if (ipaddr.isValid(text) && (ipaddr.IPv4.isValidFourPartDecimal(text) || text.includes(':'))) {
    const address = unmapped(ipaddr.parse(text));
    return { kind: 'addresses', text, range: [address, address.kind() === 'ipv4' ? 32 : 128] };
  }
  // [v6]:port, v4:port or host:port.
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(text);
  const withPort = bracketed ?? /^([^:]+):(\d+)$/.exec(text);
  const host = withPort ? withPort[1] : text;
  const p = withPort ? port(withPort[2]) : undefined;
  if (withPort && p === undefined) return undefined;
  if (ipaddr.isValid(host)) {
    if (!bracketed && host.includes(':')) return undefined;
    if (!host.includes(':') && !ipaddr.IPv4.isValidFourPartDecimal(host)) return undefined;
    const address = unmapped(ipaddr.parse(host));
    const bits = address.kind() === 'ipv4' ? 32 : 128;
    return { kind: 'addresses', text, range: [address, bits], port: p };
  }
  const name = host.toLowerCase().replace(/\.$/, '');
  if (bracketed || !HOST_NAME.test(name) || /^[\d.]+$/.test(name)) return undefined;
  return { kind: 'host', text, host: name, port: p };
}

/** An IPv4-mapped IPv6 address (::ffff:a.b.c.d) as the IPv4 address it stands for. */
export function unmapped(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? (address as ipaddr.IPv6).toIPv4Address()
    : address;
}

/**
 * OUTBOUND_ALLOW (comma-separated CIDRs, IPs or host names, each optionally `:port`, IPv6 with a
 * port as `[::1]:8080`) as entries; throws an Error naming the first entry it cannot read.
 */
export function parseOutboundAllow(value: string | undefined): OutboundAllowEntry[] {
  if (value === undefined) return [];
  const entries: OutboundAllowEntry[] = [];
  for (const raw of value.split(',')) {
    if (raw.trim() === '') continue;
    const entry = parseEntry(raw);
    if (!entry) throw new Error(`"${raw.trim()}" is not a CIDR, IP, host name or host:port`);
    entries.push(entry);
  }
  return entries;
}

/** Whether OUTBOUND_ALLOW reads; for the environment's validation. */
export function isOutboundAllow(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    parseOutboundAllow(value);
    return true;
  } catch {
    return false;
  }
}
