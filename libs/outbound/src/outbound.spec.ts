import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '../../../test/support/wait';
import { OutboundClient } from './outbound-client';
import { OutboundCallError, OutboundRefusedError, OutboundTimeoutError } from './outbound-errors';
import { OutboundPolicy } from './outbound-policy';

interface LocalServer {
  url: string;
  port: number;
  /** Requests received, as `METHOD path`. */
  hits: string[];
  close(): Promise<void>;
}

const servers: LocalServer[] = [];

async function serve(handler: RequestListener, host = '127.0.0.1'): Promise<LocalServer> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const local: LocalServer = {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    hits,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  servers.push(local);
  return local;
}

const hello: RequestListener = (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('hello');
};

/** Long enough that a refusal seen is the address check's, never a timeout. */
const CALL = { timeoutMs: 30_000, maxBytes: 1024 };

async function refusal(client: OutboundClient, url: string): Promise<string> {
  const err = await client.request(url, CALL).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OutboundRefusedError);
  return (err as Error).message;
}

describe('OutboundClient (real sockets)', () => {
  const clients: OutboundClient[] = [];
  const client = (options?: ConstructorParameters<typeof OutboundClient>[0]) => {
    const c = new OutboundClient(options);
    clients.push(c);
    return c;
  };

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.onModuleDestroy()));
    await Promise.all(servers.map((s) => s.close()));
  });

  it('refuses a server on 127.0.0.1 unless allowlisted, without connecting', async () => {
    const server = await serve(hello);
    expect(await refusal(client(), `${server.url}/x`)).toBe(
      'outbound call refused: 127.0.0.1 is a loopback address',
    );
    expect(server.hits).toEqual([]);

    for (const allow of ['127.0.0.1', '127.0.0.0/8', `127.0.0.1:${server.port}`]) {
      const res = await client({ allow }).request(`${server.url}/x`, CALL);
      expect([allow, res.status, res.body.toString(), res.truncated]).toEqual([
        allow,
        200,
        'hello',
        false,
      ]);
    }
    // Allowed on another port only: refused here.
    expect(await refusal(client({ allow: '127.0.0.1:1' }), server.url)).toMatch(/loopback/);
  });

  it('refuses IPv6 loopback and IPv4-mapped loopback; allowlisted ::1 is reached', async () => {
    const server = await serve(hello, '::1');
    expect(await refusal(client(), server.url)).toBe(
      'outbound call refused: ::1 is a loopback address',
    );
    const mapped = `http://[::ffff:127.0.0.1]:${server.port}/`;
    expect(await refusal(client(), mapped)).toBe(
      'outbound call refused: 127.0.0.1 is a loopback address',
    );
    expect(server.hits).toEqual([]);
    const res = await client({ allow: '::1' }).request(server.url, CALL);
    expect(res.body.toString()).toBe('hello');
  });

  it.each([
    ['http://10.0.0.1/', '10.0.0.1 is a private address'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a link-local address'],
    ['http://0.0.0.0/', '0.0.0.0 is an unspecified address'],
    ['http://[fd00::1]/', 'fd00::1 is a unique-local address'],
    ['http://[fe80::1]/', 'fe80::1 is a link-local address'],
    ['http://224.0.0.1/', '224.0.0.1 is a multicast address'],
    ['http://100.64.0.1/', '100.64.0.1 is a carrier-grade NAT address'],
    ['http://[64:ff9b::a00:1]/', '64:ff9b::a00:1 is a NAT64 form of 10.0.0.1, a private address'],
    // The WHATWG URL parser's other spellings of 127.0.0.1.
    ['http://2130706433/', '127.0.0.1 is a loopback address'],
    ['http://0x7f.1/', '127.0.0.1 is a loopback address'],
  ])('refuses %s before any connection', async (url, reason) => {
    const t0 = Date.now();
    expect(await refusal(client(), url)).toBe(`outbound call refused: ${reason}`);
    expect(Date.now() - t0).toBeLessThan(CALL.timeoutMs);
  });

  it('refuses a name that resolves to loopback, checked when connecting', async () => {
    const server = await serve(hello);
    const local = `http://localhost:${server.port}/`;
    // localhost may resolve to either first, by the machine's hosts file.
    expect(await refusal(client(), local)).toMatch(
      /^outbound call refused: localhost resolves to (?:127\.0\.0\.1|::1), a loopback address$/,
    );
    // A name that looks public to a check made earlier, and resolves to loopback when called.
    const rebinding = client({ lookup: async () => [{ address: '127.0.0.1' }] });
    const url = `http://rebind.example:${server.port}/`;
    expect(rebinding.policy.literalRefusal(url)).toBeNull();
    expect(await refusal(rebinding, url)).toBe(
      'outbound call refused: rebind.example resolves to 127.0.0.1, a loopback address',
    );
    // One internal address among public ones is enough.
    const mixed = client({
      lookup: async () => [{ address: '93.184.216.34' }, { address: '::1' }],
    });
    expect(await refusal(mixed, url)).toMatch(/rebind\.example resolves to ::1/);
    expect(server.hits).toEqual([]);

    // A host name allowlisted is reached whatever it resolves to.
    const res = await client({ allow: `localhost:${server.port}` }).request(local, CALL);
    expect(res.body.toString()).toBe('hello');
  });

  it('re-checks every redirect: one to loopback is refused, one to an allowed server followed', async () => {
    const target = await serve(hello);
    const redirect =
      (to: string): RequestListener =>
      (_req, res) => {
        res.writeHead(302, { location: to });
        res.end();
      };
    const toTarget = await serve(redirect(`${target.url}/secret`));
    const allowFirst = client({ allow: `127.0.0.1:${toTarget.port}` });
    const err = await allowFirst
      .request(toTarget.url, { ...CALL, maxRedirects: 5 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutboundRefusedError);
    expect((err as Error).message).toBe('outbound call refused: 127.0.0.1 is a loopback address');
    expect(target.hits).toEqual([]);

    const both = client({ allow: '127.0.0.1' });
    const followed = await both.request(toTarget.url, { ...CALL, maxRedirects: 5 });
    expect([followed.status, followed.url, followed.body.toString()]).toEqual([
      200,
      `${target.url}/secret`,
      'hello',
    ]);
    // Not following: the 3xx is the answer.
    const notFollowed = await both.request(toTarget.url, CALL);
    expect(notFollowed.status).toBe(302);
    // A loop ends.
    const loop = await serve((req, res) => {
      res.writeHead(307, { location: req.url === '/a' ? '/b' : '/a' });
      res.end();
    });
    await expect(both.request(`${loop.url}/a`, { ...CALL, maxRedirects: 3 })).rejects.toThrow(
      /more than 3 redirects/,
    );
  });

  it('stops reading past the size cap and marks the body truncated', async () => {
    let written = 0;
    let closed = false;
    const chunk = Buffer.alloc(16 * 1024, 'x');
    const endless = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.on('close', () => (closed = true));
      // Up to 1 GiB, as fast as the client reads.
      const pump = () => {
        while (!closed && written < 1024 ** 3) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    const res = await client({ allow: '127.0.0.1' }).request(endless.url, {
      timeoutMs: 30_000,
      maxBytes: 100_000,
    });
    expect([res.status, res.body.length, res.truncated]).toEqual([200, 100_000, true]);
    await waitFor(async () => closed || undefined, 'the server to see the connection closed');
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });

  it('gives up after the time limit, and names no credentials in errors', async () => {
    const silent = await serve(() => undefined);
    const allowed = client({ allow: '127.0.0.1' });
    const slow = await allowed
      .request(`${silent.url}/wait?token=t0ps3cret`, { timeoutMs: 200, maxBytes: 10 })
      .catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(OutboundTimeoutError);
    expect((slow as Error).message).toBe('no answer within 200 ms');

    const gone = await serve(hello);
    await gone.close();
    const failed = await allowed
      .request(`http://user:pa55word@127.0.0.1:${gone.port}/x?key=t0ps3cret`, CALL)
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(OutboundCallError);
    expect((failed as Error).message).toMatch(/ECONNREFUSED/);
    expect((failed as Error).message).not.toMatch(/pa55word|t0ps3cret|user/);
  });

  it("rethrows the caller's own abort", async () => {
    const silent = await serve(() => undefined);
    const controller = new AbortController();
    const call = client({ allow: '127.0.0.1' }).request(silent.url, {
      ...CALL,
      signal: controller.signal,
    });
    await waitFor(async () => silent.hits.length > 0 || undefined, 'the request to arrive');
    controller.abort(new Error('terminated'));
    await expect(call).rejects.toThrow('terminated');
  });
});

describe('OutboundPolicy.literalRefusal (what is refused when a URL is given)', () => {
  const policy = new OutboundPolicy('10.1.0.0/16,agents.internal,127.0.0.1:8080');

  it.each([
    ['http://127.0.0.1:9000/', '127.0.0.1 is a loopback address'],
    ['http://[::1]/', '::1 is a loopback address'],
    ['http://10.0.0.1/', '10.0.0.1 is a private address'],
    ['http://169.254.169.254/', '169.254.169.254 is a link-local address'],
    ['http://localhost:3000/', 'localhost is a loopback host name'],
    ['http://api.localhost/', 'api.localhost is a loopback host name'],
    ['http://[::ffff:a9fe:a9fe]/', '169.254.169.254 is a link-local address'],
  ])('refuses %s', (url, reason) => {
    expect(policy.literalRefusal(url)).toBe(reason);
  });

  it.each([
    'https://example.com/hook',
    'http://10.1.2.3/',
    'http://agents.internal:9000/',
    'http://127.0.0.1:8080/health',
    'http://93.184.216.34/',
  ])('lets %s through (public, allowlisted, or resolved later)', (url) => {
    expect(policy.literalRefusal(url)).toBeNull();
  });
});
