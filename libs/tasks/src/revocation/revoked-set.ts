import type { RevocationService } from './revocation.service';

/**
 * The revoked task ids a worker knows of, with when: loaded from Redis at start (so revocations
 * survive a restart), then fed by the broadcast, and forgotten after the result expiry.
 */
export class RevokedSet {
  private ids = new Map<string, number>();

  async load(revocations: RevocationService): Promise<void> {
    this.ids = await revocations.revokedSince();
  }

  add(taskId: string, at = Date.now()): void {
    this.ids.set(taskId, at);
  }

  has(taskId: string): boolean {
    return this.ids.has(taskId);
  }

  forgetBefore(at: number): void {
    for (const [id, when] of this.ids) if (when < at) this.ids.delete(id);
  }
}
