import type { TaskRegistry } from '../registry/task-registry';
import { RetryRequest } from '../retry/retry-request';
import type { ChildMessage, ParentMessage } from './pool-protocol';
import { runHandler } from './run-handler';
import { serializeError, serializeRetry } from './serialize-error';

/** The two ends a child talks through: a forked process's IPC or a worker thread's port. */
export interface ChildChannel {
  send(message: ChildMessage): void;
  onMessage(listener: (message: ParentMessage) => void): void;
}

/**
 * The loop of a pool child: it has built its own Nest context (so handlers get full dependency
 * injection) and runs one task at a time as the parent asks. Hard limits and terminate are the
 * parent's business: it kills the child.
 */
export function serveChild(
  registry: TaskRegistry,
  channel: ChildChannel,
  onShutdown: () => void,
): void {
  const never = new AbortController().signal;
  channel.onMessage((message) => {
    if (message.type === 'shutdown') {
      onShutdown();
      return;
    }
    const { id, request } = message;
    runHandler(registry, { ...request, timeLimit: undefined }, never).then(
      (value) => {
        try {
          // A value the channel cannot carry (circular, a function...) fails here, in the task; the
          // worker then checks it fits the result store (JSON).
          channel.send({ type: 'done', id, value: value ?? null, rss: process.memoryUsage.rss() });
        } catch (err) {
          channel.send({
            type: 'failed',
            id,
            error: serializeError(err),
            rss: process.memoryUsage.rss(),
          });
        }
      },
      (err: unknown) =>
        channel.send({
          type: 'failed',
          id,
          error: serializeError(err),
          retry: err instanceof RetryRequest ? serializeRetry(err) : undefined,
          rss: process.memoryUsage.rss(),
        }),
    );
  });
  channel.send({ type: 'ready', pid: process.pid });
}
