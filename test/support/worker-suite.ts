import type { INestApplicationContext } from '@nestjs/common';
import { BrainProcess } from './brain-process';
import { clientApp } from './client-app';
import { uniquePrefix } from './redis';

export interface WorkerSuite {
  readonly prefix: string;
  /** The sending side (engine, beat service, system and fixture tasks). */
  readonly app: INestApplicationContext;
  /** A real `brain worker start` process on the same prefix. */
  readonly worker: BrainProcess;
}

/**
 * The usual cross-process suite: a fresh prefix, a client app and one worker process started
 * before the suite's tests and stopped after them. Read its fields inside tests, not at load.
 */
export function workerSuite(name: string, workerArgs: string[] = []): WorkerSuite {
  const state: Partial<{ prefix: string; app: INestApplicationContext; worker: BrainProcess }> = {};
  beforeAll(async () => {
    state.prefix = uniquePrefix(name);
    state.app = await clientApp(state.prefix);
    state.worker = await BrainProcess.worker(state.prefix, workerArgs);
  });
  afterAll(async () => {
    await state.worker?.stop();
    await state.app?.close();
  });
  return {
    get prefix() {
      return state.prefix!;
    },
    get app() {
      return state.app!;
    },
    get worker() {
      return state.worker!;
    },
  };
}
