/** Channel (after the prefix) on which workers take broadcast commands, like Celery's control. */
export const WORKER_CONTROL_CHANNEL = 'worker-control';

export interface WorkerControlMessage {
  command: 'shutdown';
  /** Only this worker; all when absent. */
  hostname?: string;
}
