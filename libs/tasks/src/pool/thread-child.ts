import { TaskStop } from '../execution/task-stop';
import type { TaskRegistry } from '../registry/task-registry';
import { RetryRequest } from '../retry/retry-request';
import type { ChildMessage, ParentMessage, PoolRequest } from './pool-protocol';
import { runHandler } from './run-handler';
import { serializeError, serializeRetry } from './serialize-error';

/** The two ends a child talks through: a forked process's IPC or a worker thread's port. */
export interface ChildChannel {
  /** Resolves once the message is handed to the channel, so that a crash right after loses nothing. */
  send(message: ChildMessage): Promise<void>;
  onMessage(listener: (message: ParentMessage) => void): void;
}

/**
 * The loop of a pool child: it has built its own Nest context (so handlers get full dependency
 * injection) and runs the runs it is given one at a time, in the order given. Hard limits and
 * terminate are the parent's business: it kills the child.
 */
export function serveChild(
  registry: TaskRegistry,
  channel: ChildChannel,
  onShutdown: () => void,
): void {
  const never = new TaskStop();
  const waiting: Array<{ id: number; request: PoolRequest }> = [];
  let running: number | undefined;
  let measure = false;
  const rss = () => (measure ? process.memoryUsage.rss() : undefined);

  const answer = async (id: number, request: PoolRequest): Promise<ChildMessage> => {
    try {
      const value = await runHandler(registry, { ...request, timeLimit: undefined }, never);
      // A value the channel cannot carry (circular, a function...) fails here, in the task; the
      // worker then checks it fits the result store (JSON).
      JSON.stringify(value ?? null);
      return { type: 'done', id, value: value ?? null, rss: rss() };
    } catch (err) {
      const retry = err instanceof RetryRequest ? serializeRetry(err) : undefined;
      const error = serializeError(err);
      return { type: 'failed', id, error, retry, rss: rss() };
    }
  };

  const drain = async (): Promise<void> => {
    for (let run = waiting.shift(); run; run = waiting.shift()) {
      running = run.id;
      const message = await answer(run.id, run.request);
      // The answer is out before the next task starts: a next task that kills this child cannot
      // take the previous one's outcome with it.
      await channel.send(message).catch(() => undefined);
    }
    running = undefined;
  };

  channel.onMessage((message) => {
    switch (message.type) {
      case 'shutdown':
        onShutdown();
        return;
      case 'cancel': {
        const at = waiting.findIndex((r) => r.id === message.id);
        if (at >= 0) waiting.splice(at, 1);
        void channel.send({ type: 'cancelled', id: message.id, started: at < 0 });
        return;
      }
      case 'run':
        measure = message.measure ?? false;
        waiting.push(...message.runs);
        if (running === undefined) void drain();
    }
  });
  void channel.send({ type: 'ready', pid: process.pid });
}
