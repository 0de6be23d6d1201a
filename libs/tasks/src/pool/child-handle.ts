import { fork } from 'node:child_process';
import { Worker as Thread } from 'node:worker_threads';
import type { ChildMessage, ParentMessage } from './pool-protocol';

/** One child, process or thread, as the pool drives it. */
export interface ChildHandle<Out = ParentMessage, In = ChildMessage> {
  /** A pid for a process, a thread id for a thread. */
  readonly id: number;
  send(message: Out): void;
  kill(): void;
  onMessage(listener: (message: In) => void): void;
  /** Fires once the child is gone and every message it sent has been delivered. */
  onExit(listener: (detail: string) => void): void;
}

export function forkProcess<Out extends object = ParentMessage, In = ChildMessage>(
  entry: string,
  env: NodeJS.ProcessEnv,
): ChildHandle<Out, In> {
  const proc = fork(entry, [], {
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'json',
  });
  // A send to a child that just died fails asynchronously: its exit handler settles what it ran.
  proc.on('error', () => undefined);
  return {
    id: proc.pid ?? -1,
    send: (m) => proc.send(m, (err) => void err),
    kill: () => proc.kill('SIGKILL'),
    onMessage: (l) => proc.on('message', l),
    // 'close', not 'exit': it comes after the IPC channel has delivered all it read.
    onExit: (l) => proc.on('close', (code, signal) => l(signal ?? `code ${code}`)),
  };
}

export function startThread(entry: string, env: NodeJS.ProcessEnv): ChildHandle {
  const thread = new Thread(entry, { env, stdout: false, stderr: false });
  return {
    id: thread.threadId,
    send: (m) => thread.postMessage(m),
    kill: () => void thread.terminate(),
    onMessage: (l) => thread.on('message', l),
    onExit: (l) => thread.on('exit', (code) => l(`code ${code}`)),
  };
}
