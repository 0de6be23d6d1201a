import { Command } from 'nest-commander';
import { GroupCommand } from '../group-command';
import { TasksActiveCommand } from './tasks-active.command';
import { TasksCancelCommand } from './tasks-cancel.command';
import { TasksExecuteCommand } from './tasks-execute.command';
import { TasksListCommand } from './tasks-list.command';
import { TasksRegisteredCommand } from './tasks-registered.command';
import { TasksScheduledCommand } from './tasks-scheduled.command';
import { TasksStatusCommand } from './tasks-status.command';

export const TASKS_SUBCOMMANDS = [
  TasksListCommand,
  TasksActiveCommand,
  TasksScheduledCommand,
  TasksRegisteredCommand,
  TasksExecuteCommand,
  TasksStatusCommand,
  TasksCancelCommand,
];

@Command({
  name: 'tasks',
  description: 'Task management: list, active, scheduled, registered, execute, status, cancel',
  subCommands: TASKS_SUBCOMMANDS,
})
export class TasksCommand extends GroupCommand {}
