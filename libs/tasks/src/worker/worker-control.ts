/** Channel (after the prefix) on which workers take broadcast commands, like Celery's control. */
export const WORKER_CONTROL_CHANNEL = 'worker-control';

export type WorkerControlMessage =
  | {
      command: 'shutdown';
      /** Only this worker; all when absent. */
      hostname?: string;
    }
  | {
      command: 'ping';
      hostname?: string;
      /** Channel (after the prefix) the workers answer on. */
      replyTo: string;
    };

export interface PingReply {
  hostname: string;
  pid: number;
  ok: 'pong';
}
