import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SecretStore } from '@brain/storage';
import { TaskInputError } from '@brain/tasks';

/** The SecretStore name of the key webhooks are signed with (created on first use). */
export const WEBHOOK_SECRET_NAME = 'webhook-signing-secret';
/** The secret before the last rotation, with the end of its grace period (JSON). */
export const PREVIOUS_WEBHOOK_SECRET_NAME = 'webhook-signing-secret.previous';
export const DEFAULT_ROTATION_GRACE_SECONDS = 86_400;
export const MAX_ROTATION_GRACE_SECONDS = 7 * 86_400;

/** The signing secrets, as an admin reads them (snake_case: the API's and CLI's answer). */
export interface WebhookSecretView {
  /** Hex of 32 random bytes: X-Brain-Signature is its HMAC-SHA256 of the raw body. */
  secret: string;
  /** The secret before the last rotation, still used for X-Brain-Signature-Previous. */
  previous_secret: string | null;
  /** When the previous secret stops being used (the rotation's grace period ends). */
  previous_valid_until: string | null;
}

interface PreviousSecret {
  secret: string;
  valid_until: string;
}

/**
 * The webhook signing secret, sealed in the SecretStore. A rotation keeps the old secret for a
 * grace period, during which every webhook is signed with both (the old one in
 * X-Brain-Signature-Previous), so that receivers can switch without losing deliveries.
 */
@Injectable()
export class WebhookSecrets {
  constructor(private readonly secrets: SecretStore) {}

  /** The current secret, made and stored on first use. */
  async current(): Promise<string> {
    const existing = await this.secrets.get(WEBHOOK_SECRET_NAME);
    if (existing !== undefined) return existing;
    await this.secrets.put(WEBHOOK_SECRET_NAME, newSecret());
    // Read back: of two processes creating it at once, the last write wins for both.
    return (await this.secrets.get(WEBHOOK_SECRET_NAME)) as string;
  }

  /** The current secret and, within a rotation's grace period, the previous one. */
  async read(now = new Date()): Promise<WebhookSecretView> {
    const secret = await this.current();
    const previous = await this.previous(now);
    return {
      secret,
      previous_secret: previous?.secret ?? null,
      previous_valid_until: previous?.valid_until ?? null,
    };
  }

  /**
   * Replaces the secret with a new random one. The old one keeps signing (as the previous) for
   * `graceSeconds` (0: dropped at once). Two rotations at once: the last one's secret wins.
   */
  async rotate(
    graceSeconds: number = DEFAULT_ROTATION_GRACE_SECONDS,
    now = new Date(),
  ): Promise<WebhookSecretView> {
    checkGrace(graceSeconds);
    const old = await this.current();
    if (graceSeconds > 0) {
      const previous: PreviousSecret = {
        secret: old,
        valid_until: new Date(now.getTime() + graceSeconds * 1000).toISOString(),
      };
      await this.secrets.put(PREVIOUS_WEBHOOK_SECRET_NAME, JSON.stringify(previous));
    } else {
      await this.secrets.delete(PREVIOUS_WEBHOOK_SECRET_NAME);
    }
    await this.secrets.put(WEBHOOK_SECRET_NAME, newSecret());
    return this.read(now);
  }

  private async previous(now: Date): Promise<PreviousSecret | undefined> {
    const raw = await this.secrets.get(PREVIOUS_WEBHOOK_SECRET_NAME);
    if (raw === undefined) return undefined;
    const previous = JSON.parse(raw) as PreviousSecret;
    return previous.valid_until > now.toISOString() ? previous : undefined;
  }
}

/** Throws a TaskInputError naming `grace_seconds` unless it is a whole number within range. */
export function checkGrace(graceSeconds: unknown): asserts graceSeconds is number {
  if (
    typeof graceSeconds !== 'number' ||
    !Number.isInteger(graceSeconds) ||
    graceSeconds < 0 ||
    graceSeconds > MAX_ROTATION_GRACE_SECONDS
  )
    throw new TaskInputError(
      `grace_seconds must be a whole number from 0 to ${MAX_ROTATION_GRACE_SECONDS} (7 days), got ${String(graceSeconds)}`,
      'grace_seconds',
    );
}

function newSecret(): string {
  return randomBytes(32).toString('hex');
}
