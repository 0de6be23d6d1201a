/**
 * Tells one run to stop (revoke with terminate, a reserved task revoked, a pool closing). Node's
 * AbortSignal costs about 5 µs to create and each listener as much again, more than the rest of a
 * short task's bookkeeping: the engine listens here, and the AbortSignal a handler sees
 * (`ctx.signal`) is made only when the handler asks for it.
 */
export class TaskStop {
  private why?: Error;
  private controller?: AbortController;
  private listeners: Array<(reason: Error) => void> = [];

  get stopped(): boolean {
    return this.why !== undefined;
  }

  /** Why it was stopped, once it was. */
  get reason(): Error | undefined {
    return this.why;
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.why) this.controller.abort(this.why);
    }
    return this.controller.signal;
  }

  stop(reason: Error): void {
    if (this.why) return;
    this.why = reason;
    this.controller?.abort(reason);
    for (const listener of this.listeners.splice(0)) listener(reason);
  }

  throwIfStopped(): void {
    if (this.why) throw this.why;
  }

  /** Called once, on stop (not if stopped already: check `stopped` first); answers its removal. */
  onStop(listener: (reason: Error) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const at = this.listeners.indexOf(listener);
      if (at >= 0) this.listeners.splice(at, 1);
    };
  }
}
