import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Agent, buildConnector, fetch, Headers, type Response } from 'undici';
import type { OutboundAllowEntry } from '@brain/config';
import {
  OutboundCallError,
  OutboundRefusedError,
  OutboundTimeoutError,
  urlForMessages,
} from './outbound-errors';
import { OutboundPolicy } from './outbound-policy';

/** Resolves a host name to its addresses (dns.lookup's by default; tests give their own). */
export type OutboundLookup = (host: string) => Promise<ReadonlyArray<{ address: string }>>;

export interface OutboundOptions {
  /** OUTBOUND_ALLOW's entries, or its text; none by default. */
  allow?: readonly OutboundAllowEntry[] | string;
  lookup?: OutboundLookup;
  /** Default 10 s (and never more than the call's own time limit). */
  connectTimeoutMs?: number;
}

export interface OutboundRequest {
  /** Default GET. */
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Time for the whole call, redirects and reading the body included. */
  timeoutMs: number;
  /** The most of the body read: reading stops there and the body is marked truncated. */
  maxBytes: number;
  /** Redirects followed, each target checked as the first; 0 (default): a 3xx is the answer. */
  maxRedirects?: number;
  /** The caller's own abort (a task's terminate or time limit): it is rethrown as is. */
  signal?: AbortSignal;
}

export interface OutboundResponse {
  status: number;
  headers: Headers;
  /** The URL that answered, after redirects. */
  url: string;
  /** At most `maxBytes`. */
  body: Buffer;
  /** The answer had more than `maxBytes`: the rest was not read. */
  truncated: boolean;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Not sent on to another origin by a redirect: they were meant for the first one. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * The one HTTP client for calls to URLs users give (mission steps, agents, webhooks). It refuses
 * internal addresses (loopback, private, link-local, multicast, unspecified... in IPv4, IPv6 and
 * IPv4-mapped form) unless OUTBOUND_ALLOW lets them through. The check is made where the
 * connection is opened, on the address it then connects to, so that a name resolving elsewhere
 * the second time (DNS rebinding) gains nothing; redirects go through it again. Time and the
 * bytes read are capped.
 */
@Injectable()
export class OutboundClient implements OnModuleDestroy {
  readonly policy: OutboundPolicy;
  private readonly lookup: OutboundLookup;
  private readonly agent: Agent;

  constructor(options: OutboundOptions = {}) {
    this.policy = new OutboundPolicy(options.allow);
    this.lookup = options.lookup ?? ((host) => dnsLookup(host, { all: true, verbatim: true }));
    const base = buildConnector({
      timeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    });
    this.agent = new Agent({
      connect: (opts, callback) => {
        const port = Number(opts.port) || (opts.protocol === 'https:' ? 443 : 80);
        this.address(opts.hostname, port).then(
          // Connects to the address checked; `host` still names the server for TLS (SNI, cert).
          (address) => base(address === null ? opts : { ...opts, hostname: address }, callback),
          (err: Error) => callback(err, null),
        );
      },
    });
  }

  /**
   * The address to connect to for `host`, checked; null for a host allowlisted by name (then
   * whatever it resolves to is fine). Throws an OutboundRefusedError.
   */
  private async address(host: string, port: number): Promise<string | null> {
    if (this.policy.hostAllowed(host, port)) return null;
    const addresses = isIP(host) ? [host] : (await this.lookup(host)).map((a) => a.address);
    if (addresses.length === 0) throw new OutboundCallError(`${host} resolves to no address`);
    // Every address must pass: a name mixing public and internal ones is refused.
    for (const address of addresses) {
      const refusal = this.policy.addressRefusal(host, address, port);
      if (refusal !== null) throw new OutboundRefusedError(refusal);
    }
    return addresses[0];
  }

  /**
   * Makes the call and reads at most `maxBytes` of the answer. Throws OutboundRefusedError,
   * OutboundTimeoutError, OutboundCallError, or the caller's own abort reason.
   */
  async request(url: string, req: OutboundRequest): Promise<OutboundResponse> {
    const timeout = AbortSignal.timeout(req.timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    try {
      const res = await this.follow(new URL(url), req, signal);
      const { body, truncated } = await readCapped(res, req.maxBytes);
      return { status: res.status, headers: res.headers, url: res.url, body, truncated };
    } catch (err) {
      if (req.signal?.aborted) throw req.signal.reason ?? err;
      if (timeout.aborted) throw new OutboundTimeoutError(req.timeoutMs);
      throw explain(err, url);
    }
  }

  private async follow(first: URL, req: OutboundRequest, signal: AbortSignal): Promise<Response> {
    let url = new URL(first);
    let method = (req.method ?? 'GET').toUpperCase();
    let body = req.body;
    const headers = new Headers(req.headers);
    // fetch takes no credentials in the URL: they become Basic authentication, as curl does.
    if ((url.username || url.password) && !headers.has('authorization')) {
      const userinfo = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
      headers.set('authorization', `Basic ${Buffer.from(userinfo).toString('base64')}`);
    }
    url.username = '';
    url.password = '';
    const maxRedirects = req.maxRedirects ?? 0;
    for (let hop = 0; ; hop++) {
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new OutboundCallError(`redirected to ${urlForMessages(url)}, not an http(s) URL`);
      const res = await fetch(url, {
        method,
        headers,
        body,
        redirect: 'manual',
        signal,
        dispatcher: this.agent,
      });
      const location = res.headers.get('location');
      if (maxRedirects === 0 || !REDIRECT_STATUSES.has(res.status) || location === null) return res;
      await res.body?.cancel().catch(() => undefined);
      if (hop >= maxRedirects) throw new OutboundCallError(`more than ${maxRedirects} redirects`);
      const next = new URL(location, url);
      next.username = '';
      next.password = '';
      // As browsers do: 303, and 301/302 after a POST, go on as a GET without the body.
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        if (method !== 'HEAD') method = 'GET';
        body = undefined;
        headers.delete('content-type');
      }
      if (next.origin !== url.origin) for (const name of CREDENTIAL_HEADERS) headers.delete(name);
      url = next;
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.agent.destroy();
  }
}

/** Reads the body up to `maxBytes`, then stops: cancelling it closes the connection. */
async function readCapped(
  res: Response,
  maxBytes: number,
): Promise<{ body: Buffer; truncated: boolean }> {
  if (!res.body) return { body: Buffer.alloc(0), truncated: false };
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { body: Buffer.concat(chunks), truncated: false };
    const room = maxBytes - size;
    if (value.byteLength > room) {
      chunks.push(value.subarray(0, room));
      await reader.cancel().catch(() => undefined);
      return { body: Buffer.concat(chunks), truncated: true };
    }
    chunks.push(value);
    size += value.byteLength;
  }
}

/** fetch's "fetch failed" hides the reason (a refusal, ECONNREFUSED...) in its cause. */
function explain(err: unknown, url: string): Error {
  const cause = (err as { cause?: unknown } | null)?.cause;
  for (const e of [err, cause])
    if (e instanceof OutboundRefusedError || e instanceof OutboundCallError) return e;
  const because = messageOf(cause);
  const reason = because ? `${messageOf(err)} (${because})` : messageOf(err);
  // Messages may quote the URL: never with what urlForMessages leaves out.
  return new OutboundCallError(reason.split(url).join(urlForMessages(url)));
}

/** An error's message; duck-typed, since errors may come from another realm (Node's, Jest's). */
function messageOf(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'message' in err) return String(err.message);
  return typeof err === 'string' ? err : '';
}
