import type { OutboundPolicy } from '@brain/outbound';
import { TaskInputError } from '@brain/tasks';
import type { MissionStatus, NotificationType } from '@brain/storage';
import { MISSION_STATUSES } from '../missions/mission.store';

export const NOTIFICATION_TYPES: readonly NotificationType[] = ['email', 'webhook'];
export const MAX_RECIPIENTS = 50;

/** A plain address (no display name, no spaces, no angle brackets): enough for notifications. */
const EMAIL =
  /^[^\s@<>",;:()[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

export interface NotificationArgs {
  mission_id: string;
  status: MissionStatus;
  recipients: string[];
  notification_type: NotificationType;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** Checks send_mission_notification's arguments; throws a TaskInputError naming the field. */
export function checkNotificationArgs(kwargs: Readonly<Record<string, unknown>>): NotificationArgs {
  const { mission_id, status, recipients, notification_type = 'email' } = kwargs;
  if (typeof mission_id !== 'string' || mission_id.trim() === '')
    throw new TaskInputError('mission_id must be a non-empty string', 'mission_id');
  // It lands in the subject, the email text and the signed webhook body: a mission status only,
  // never text of the sender's choosing.
  if (typeof status !== 'string' || !MISSION_STATUSES.includes(status as MissionStatus))
    throw new TaskInputError(
      `status must be a mission status (${MISSION_STATUSES.join(', ')}), got ${JSON.stringify(status)?.slice(0, 80)}`,
      'status',
    );
  if (
    typeof notification_type !== 'string' ||
    !NOTIFICATION_TYPES.includes(notification_type as NotificationType)
  )
    throw new TaskInputError(
      `notification_type must be one of ${NOTIFICATION_TYPES.join(', ')}, got ${JSON.stringify(notification_type)}`,
      'notification_type',
    );
  const type = notification_type as NotificationType;
  if (!Array.isArray(recipients) || recipients.length === 0)
    throw new TaskInputError('recipients must be a non-empty list', 'recipients');
  if (recipients.length > MAX_RECIPIENTS)
    throw new TaskInputError(`recipients may hold at most ${MAX_RECIPIENTS} entries`, 'recipients');
  recipients.forEach((r: unknown, i) => {
    const field = `recipients[${i}]`;
    if (type === 'email' && (typeof r !== 'string' || r.length > 254 || !EMAIL.test(r)))
      throw new TaskInputError(
        `${field} must be an email address, got ${JSON.stringify(r)}`,
        field,
      );
    if (type === 'webhook' && (typeof r !== 'string' || !isHttpUrl(r)))
      throw new TaskInputError(
        `${field} must be an http or https URL, got ${JSON.stringify(r)}`,
        field,
      );
  });
  return {
    mission_id,
    status: status as MissionStatus,
    recipients: [...new Set(recipients as string[])],
    notification_type: type,
  };
}

/** What a mission's `payload.notify` asks for when it ends. */
export interface MissionNotify {
  recipients: string[];
  notification_type: NotificationType;
}

/**
 * The mission's `payload.notify` ({recipients, notification_type = 'email'}), checked; undefined
 * when absent. Throws a TaskInputError naming `payload.notify.<field>`. With `outbound`, webhook
 * URLs aimed at an internal address literal (or localhost) not allowlisted are refused too.
 */
export function parseNotify(
  payload: Readonly<Record<string, unknown>>,
  outbound?: OutboundPolicy,
): MissionNotify | undefined {
  const raw = payload.notify;
  if (raw === undefined) return undefined;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new TaskInputError(
      'payload.notify must be an object {recipients, notification_type}',
      'payload.notify',
    );
  const { recipients, notification_type } = raw as Record<string, unknown>;
  try {
    const args = checkNotificationArgs({
      mission_id: 'x',
      status: 'completed',
      recipients,
      notification_type,
    });
    if (outbound && args.notification_type === 'webhook')
      args.recipients.forEach((url) => {
        const refusal = outbound.literalRefusal(url);
        const field = `recipients[${(recipients as string[]).indexOf(url)}]`;
        if (refusal)
          throw new TaskInputError(`${field} is refused: ${refusal} (see OUTBOUND_ALLOW)`, field);
      });
    return { recipients: args.recipients, notification_type: args.notification_type };
  } catch (err) {
    if (!(err instanceof TaskInputError)) throw err;
    throw new TaskInputError(`payload.notify.${err.message}`, `payload.notify.${err.field}`);
  }
}
