/** The process running the task died (crash, out of memory, process.exit): Celery's WorkerLostError. */
export class WorkerLostError extends Error {
  constructor(detail: string) {
    super(`Worker exited prematurely: ${detail}`);
    this.name = 'WorkerLostError';
  }
}
