import { SoftTimeLimitExceeded } from '../errors/task-errors';
import { runWithLimits } from './run-with-limits';
import { TaskStop } from './task-stop';

describe('TaskStop', () => {
  it('aborts the signal made before the stop, with its reason', () => {
    const stop = new TaskStop();
    const signal = stop.signal;
    const reason = new Error('terminated');
    stop.stop(reason);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(reason);
    expect(stop.signal).toBe(signal);
  });

  it('makes an aborted signal when asked for one after the stop', () => {
    const stop = new TaskStop();
    const reason = new Error('revoked');
    stop.stop(reason);
    expect(stop.signal.aborted).toBe(true);
    expect(stop.signal.reason).toBe(reason);
    expect(() => stop.throwIfStopped()).toThrow(reason);
  });

  it('tells each listener once, not those removed, and keeps the first reason', () => {
    const stop = new TaskStop();
    const told: string[] = [];
    stop.onStop((r) => told.push(`a:${r.message}`));
    const remove = stop.onStop((r) => told.push(`b:${r.message}`));
    remove();
    stop.stop(new Error('first'));
    stop.stop(new Error('second'));
    expect(told).toEqual(['a:first']);
    expect(stop.reason?.message).toBe('first');
  });
});

describe('runWithLimits', () => {
  it('rejects a running task with the stop reason, and aborts the signal it took', async () => {
    const stop = new TaskStop();
    let seen: AbortSignal | undefined;
    const run = runWithLimits(
      (signal) => {
        seen = signal();
        return new Promise(() => undefined);
      },
      {},
      stop,
    );
    const reason = new Error('terminated');
    stop.stop(reason);
    await expect(run).rejects.toBe(reason);
    expect(seen?.aborted).toBe(true);
  });

  it('raises SoftTimeLimitExceeded into a task that waits on its signal', async () => {
    const stop = new TaskStop();
    const run = runWithLimits(
      (signal) =>
        new Promise((_, reject) =>
          signal().addEventListener('abort', () => reject(signal().reason as Error)),
        ),
      { softTimeLimit: 0.01 },
      stop,
    );
    await expect(run).rejects.toBeInstanceOf(SoftTimeLimitExceeded);
  });

  it('does not start a task stopped already', async () => {
    const stop = new TaskStop();
    stop.stop(new Error('revoked'));
    const work = jest.fn(() => Promise.resolve(1));
    await expect(runWithLimits(work, {}, stop)).rejects.toThrow('revoked');
    expect(work).not.toHaveBeenCalled();
  });
});
