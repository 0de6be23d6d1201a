import 'reflect-metadata';
import { availableParallelism } from 'node:os';
import { loadAppConfig } from '@brain/config';
import { runWorker } from './run-worker';
import { expandHostname, parseConcurrency, parseQueues } from './worker-args';

/** Container entry point: a worker configured by WORKER_QUEUES, WORKER_CONCURRENCY, WORKER_HOSTNAME, BRAIN_INCLUDE. */
async function main(): Promise<number> {
  loadAppConfig(process.env);
  return runWorker(
    {
      queues: parseQueues(process.env.WORKER_QUEUES),
      concurrency: parseConcurrency(process.env.WORKER_CONCURRENCY, availableParallelism()),
      hostname: expandHostname(process.env.WORKER_HOSTNAME),
    },
    process.env.BRAIN_INCLUDE,
  );
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`worker: ${err.message}`);
    process.exit(1);
  },
);
