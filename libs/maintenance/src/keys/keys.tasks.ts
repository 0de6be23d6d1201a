import { Injectable } from '@nestjs/common';
import { Schedule, Task } from '@brain/tasks';
import { Keyring, type RotationOutcome } from '@brain/storage';
import { MAINTENANCE_ROLE } from '../maintenance-role';

export interface KeyRotationTaskOutcome extends RotationOutcome {
  rotated_at: string;
}

@Injectable()
export class KeyTasks {
  constructor(private readonly keyring: Keyring) {}

  /**
   * A new data key for the keyring; the secrets sealed with older keys are re-sealed and the keys
   * no secret uses any more are deleted (see Keyring.rotate). Needs BRAIN_MASTER_KEY. Every step
   * is atomic on its own: a rotation stopped half-way (time limit, crash) leaves every secret
   * readable, and the next one finishes the job.
   */
  @Task({
    name: 'backend.app.tasks.maintenance_tasks.rotate_encryption_keys',
    params: [],
    timeLimit: 1800,
    role: MAINTENANCE_ROLE,
  })
  @Schedule({ id: 'rotate-encryption-keys', cron: '0 4 1 * *', description: 'Key rotation' })
  async rotateEncryptionKeys(): Promise<KeyRotationTaskOutcome> {
    const now = new Date();
    return { ...(await this.keyring.rotate(now)), rotated_at: now.toISOString() };
  }
}
