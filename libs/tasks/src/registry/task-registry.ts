import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { type ResolvedTasksOptions, TASKS_OPTIONS } from '../config/tasks-module-options';
import { TaskRouter } from '../routing/task-router';
import { UnknownTaskError } from '../errors/task-errors';
import type { TaskDefinition, TaskHandler } from './task-definition';
import type { ScheduleOptions, TaskOptions } from './task-options';
import { SCHEDULE_METADATA, TASK_METADATA } from './task.decorator';
import { validateDeclaration } from './validate-declaration';

/** Every task of the application, discovered from `@Task` declarations at boot. */
@Injectable()
export class TaskRegistry implements OnModuleInit {
  private readonly tasks = new Map<string, TaskDefinition>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly router: TaskRouter,
    @Inject(TASKS_OPTIONS) private readonly options: Pick<ResolvedTasksOptions, 'roles'>,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object' || wrapper.isAlias) continue;
      const prototype = Object.getPrototypeOf(instance) as object | null;
      if (!prototype) continue;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const fn = (instance as Record<string, unknown>)[method];
        if (typeof fn !== 'function') continue;
        const options = Reflect.getMetadata(TASK_METADATA, fn) as TaskOptions | undefined;
        if (!options) continue;
        const schedules = (Reflect.getMetadata(SCHEDULE_METADATA, fn) as ScheduleOptions[]) ?? [];
        this.add(
          options,
          (fn as TaskHandler).bind(instance),
          schedules,
          `${wrapper.name}.${method}`,
        );
      }
    }
  }

  private add(
    options: TaskOptions,
    handler: TaskHandler,
    schedules: ScheduleOptions[],
    where: string,
  ): void {
    validateDeclaration(options, schedules, where, this.options.roles);
    if (this.tasks.has(options.name)) {
      throw new Error(`Task "${options.name}" is declared twice (again at ${where})`);
    }
    const queue = options.queue ?? this.router.route(options.name);
    this.tasks.set(options.name, { name: options.name, options, queue, handler, schedules });
  }

  has(name: string): boolean {
    return this.tasks.has(name);
  }

  /** The task, or an UnknownTaskError naming it. */
  get(name: string): TaskDefinition {
    const task = this.tasks.get(name);
    if (!task) throw new UnknownTaskError(name);
    return task;
  }

  /** All tasks, sorted by name. */
  all(): TaskDefinition[] {
    return [...this.tasks.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  names(): string[] {
    return this.all().map((t) => t.name);
  }
}
