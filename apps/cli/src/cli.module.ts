import { Module } from '@nestjs/common';
import { ApiCommand, ApiStartCommand } from './commands/api.command';
import { BeatCommand, BeatStartCommand, BeatStopCommand } from './commands/beat.command';
import { FlowerCommand, FlowerStartCommand } from './commands/flower.command';
import { TasksCommand, TasksScheduledCommand } from './commands/tasks.command';
import { UpCommand } from './commands/up.command';
import { WorkerCommand, WorkerStartCommand, WorkerStopCommand } from './commands/worker.command';

/** Commands only: each command boots the application context it needs. */
@Module({
  providers: [
    ApiCommand,
    ApiStartCommand,
    WorkerCommand,
    WorkerStartCommand,
    WorkerStopCommand,
    BeatCommand,
    BeatStartCommand,
    BeatStopCommand,
    TasksCommand,
    TasksScheduledCommand,
    UpCommand,
    FlowerCommand,
    FlowerStartCommand,
  ],
})
export class CliModule {}
