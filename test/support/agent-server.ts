import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  body: unknown;
}

/**
 * A fake agent fleet on one local port, one agent per path prefix:
 * - `/ok`: healthy; its actions echo the body back as JSON;
 * - `/broken`: answers 500 to everything;
 * - `/slow`: answers after `slowMs` (to outlast a short timeout);
 * - `/big`: its actions answer 100 KB of text.
 */
export class FakeAgentServer {
  private constructor(
    private readonly server: Server,
    readonly url: string,
    /** Every request, in arrival order. */
    readonly received: ReceivedRequest[],
  ) {}

  static async start(slowMs = 3_000): Promise<FakeAgentServer> {
    const received: ReceivedRequest[] = [];
    const server = createServer((req, res) => {
      void readBody(req).then((raw) => {
        const path = req.url ?? '/';
        const body = parseBody(raw);
        received.push({ method: req.method ?? 'GET', path, body });
        const json = (status: number, value: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(value));
        };
        if (path.startsWith('/broken')) return json(500, { error: 'agent exploded' });
        if (path.startsWith('/slow')) {
          const timer = setTimeout(() => json(200, { status: 'late' }), slowMs);
          res.on('close', () => clearTimeout(timer));
          return;
        }
        if (path === '/big/actions') {
          res.writeHead(200, { 'content-type': 'text/plain' });
          return res.end('x'.repeat(100_000));
        }
        if (path.endsWith('/health')) return json(200, { status: 'ok' });
        if (path.endsWith('/actions') && req.method === 'POST')
          return json(200, { accepted: true, received: body });
        return json(404, { error: 'no such route' });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new FakeAgentServer(server, `http://127.0.0.1:${port}`, received);
  }

  /** The base URL of one fake agent: `ok`, `broken`, `slow` or `big`. */
  endpoint(agent: 'ok' | 'broken' | 'slow' | 'big'): string {
    return `${this.url}/${agent}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (data += chunk));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

function parseBody(raw: string): unknown {
  if (!raw) return null;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}
