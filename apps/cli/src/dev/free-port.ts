import { createServer } from 'node:net';

/** A TCP port free on 127.0.0.1 right now (another process may still take it before you do). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? done(port) : fail(new Error('no free port on 127.0.0.1'))));
    });
  });
}
