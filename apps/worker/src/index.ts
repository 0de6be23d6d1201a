/** What other apps may use of the worker app: running a worker or a beat process. */
export { runBeat } from './run-beat';
export { runWorker } from './run-worker';
