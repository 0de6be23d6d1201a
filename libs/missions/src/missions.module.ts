import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { AppConfigService } from '@brain/config';
import { OutboundModule } from '@brain/outbound';
import { TaskRoutes } from '@brain/tasks';
import { MissionStore } from './missions/mission.store';
import { MissionTasks } from './missions/missions.tasks';
import { EmailSender } from './notifications/email-sender';
import {
  NOTIFICATION_OPTIONS,
  type NotificationOptions,
} from './notifications/notification-options';
import { NotificationOutbox } from './notifications/notification-outbox';
import { NotificationTasks } from './notifications/notifications.tasks';
import { WebhookSecrets } from './notifications/webhook-secret';
import { WebhookSender } from './notifications/webhook-sender';

function notificationOptions(explicit?: NotificationOptions): Provider {
  return {
    provide: NOTIFICATION_OPTIONS,
    useFactory: (config?: AppConfigService): NotificationOptions => ({
      smtpUrl: config?.smtpUrl,
      smtpFrom: config?.smtpFrom,
      ...explicit,
    }),
    // Optional: without the configuration module, emails are recorded undelivered.
    inject: [{ token: AppConfigService, optional: true }],
  };
}

const PROVIDERS: Provider[] = [
  MissionStore,
  MissionTasks,
  NotificationOutbox,
  EmailSender,
  WebhookSecrets,
  WebhookSender,
  NotificationTasks,
];

/**
 * backend.app.tasks.mission_tasks: missions (processing, queue health, metrics, cleanup,
 * notifications), and the MissionStore the API uses. Depends on the engine, the storage layer and
 * the guarded outbound client (and reads SMTP_URL / SMTP_FROM from AppConfigService when there
 * is one).
 */
@TaskRoutes({ 'backend.app.tasks.mission_tasks.*': 'missions' })
@Module({
  imports: [OutboundModule],
  providers: [...PROVIDERS, notificationOptions()],
  exports: [MissionStore, NotificationOutbox, WebhookSecrets],
})
export class MissionsModule {
  /** With notification settings of its own instead of AppConfigService's; for tests. */
  static forRoot(options: NotificationOptions): DynamicModule {
    return {
      module: MissionsModule,
      providers: [notificationOptions(options)],
    };
  }
}
