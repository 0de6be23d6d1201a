import type { INestApplicationContext } from '@nestjs/common';
import { BrainProcess } from './brain-process';
import { clientApp } from './client-app';
import { uniquePrefix } from './redis';

export interface ClientSuite {
  readonly prefix: string;
  /** The sending side (engine, beat service, system and fixture tasks). */
  readonly app: INestApplicationContext;
}

export interface WorkerSuite extends ClientSuite {
  /** A real `brain worker start` process on the same prefix. */
  readonly worker: BrainProcess;
}

/**
 * A fresh prefix and a client app, made before the suite's tests and closed after them. Read its
 * fields inside tests, not at load.
 */
export function clientSuite(name: string, resultExpires?: number): ClientSuite {
  const state: { prefix?: string; app?: INestApplicationContext } = {};
  beforeAll(async () => {
    state.prefix = uniquePrefix(name);
    state.app = await clientApp(state.prefix, resultExpires);
  });
  afterAll(async () => {
    await state.app?.close();
  });
  return {
    get prefix() {
      return state.prefix!;
    },
    get app() {
      return state.app!;
    },
  };
}

/** The usual cross-process suite: a client suite plus one worker process on its prefix. */
export function workerSuite(name: string, workerArgs: string[] = []): WorkerSuite {
  const client = clientSuite(name);
  let worker: BrainProcess | undefined;
  // Registered after the client's: Jest runs afterAll hooks in reverse, so the worker stops first.
  beforeAll(async () => {
    worker = await BrainProcess.worker(client.prefix, workerArgs);
  });
  afterAll(async () => {
    await worker?.stop();
  });
  return {
    get prefix() {
      return client.prefix;
    },
    get app() {
      return client.app;
    },
    get worker() {
      return worker!;
    },
  };
}
