import type { TaskStop } from '../execution/task-stop';
import type { TaskRegistry } from '../registry/task-registry';
import type { ExecutionPool } from './execution-pool';
import type { PoolRequest } from './pool-protocol';
import { runHandler } from './run-handler';

/**
 * Tasks run in the worker's own event loop: cheapest, for I/O-bound work. A task past its hard
 * limit, or terminated, is abandoned (reported at once) but cannot be killed.
 */
export class InlinePool implements ExecutionPool {
  readonly implementation = 'inline';

  constructor(private readonly registry: TaskRegistry) {}

  async start(): Promise<void> {}

  run(request: PoolRequest, stop: TaskStop): Promise<unknown> {
    return runHandler(this.registry, request, stop);
  }

  capacity(): number {
    return Infinity;
  }

  onCapacity(): void {}

  isReserved(): boolean {
    return false;
  }

  release(): void {}

  processes(): number[] {
    return [];
  }

  async close(): Promise<void> {}
}
