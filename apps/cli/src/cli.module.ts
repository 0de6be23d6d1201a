import { Module } from '@nestjs/common';
import { APIKEYS_SUBCOMMANDS, ApiKeysCommand } from './commands/apikeys/apikeys.command';
import { ApiCommand, ApiStartCommand } from './commands/api.command';
import { AUDIT_SUBCOMMANDS, AuditCommand } from './commands/audit/audit.command';
import { BeatCommand, BeatStartCommand, BeatStopCommand } from './commands/beat.command';
import { FlowerCommand, FlowerStartCommand } from './commands/flower.command';
import { InfoCommand } from './commands/info.command';
import { KEYS_SUBCOMMANDS, KeysCommand } from './commands/keys/keys.command';
import { TASKS_SUBCOMMANDS, TasksCommand } from './commands/tasks/tasks.command';
import { UpCommand } from './commands/up.command';
import { WorkerStatsCommand } from './commands/worker/worker-stats.command';
import {
  WorkerCommand,
  WorkerStartCommand,
  WorkerStopCommand,
} from './commands/worker/worker.command';

/** Commands only: each command boots the application context it needs. */
@Module({
  providers: [
    ApiCommand,
    ApiStartCommand,
    WorkerCommand,
    WorkerStartCommand,
    WorkerStopCommand,
    WorkerStatsCommand,
    BeatCommand,
    BeatStartCommand,
    BeatStopCommand,
    TasksCommand,
    ...TASKS_SUBCOMMANDS,
    ApiKeysCommand,
    ...APIKEYS_SUBCOMMANDS,
    KeysCommand,
    ...KEYS_SUBCOMMANDS,
    AuditCommand,
    ...AUDIT_SUBCOMMANDS,
    InfoCommand,
    UpCommand,
    FlowerCommand,
    FlowerStartCommand,
  ],
})
export class CliModule {}
