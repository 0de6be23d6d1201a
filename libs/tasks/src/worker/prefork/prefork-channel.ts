import type { PreforkChildMessage, SupervisorMessage } from './prefork-protocol';

/** A prefork child's end of its channel to the supervisor (the forked process's IPC). */
export interface PreforkChannel {
  /** Resolves once the message is handed to the channel. */
  send(message: PreforkChildMessage): Promise<void>;
  onMessage(listener: (message: SupervisorMessage) => void): void;
}
