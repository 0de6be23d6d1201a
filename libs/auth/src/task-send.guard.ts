import {
  applyDecorators,
  type CanActivate,
  type ExecutionContext,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ResultStore, TaskRegistry } from '@brain/tasks';
import { authorizeTaskSend } from './authorize';
import type { Principal } from './principal';

const SENDS_TASK_KEY = 'brain:sends-task';

/** Where a call names the task it sends: its body's `task_name`, or the record of `:task_id`. */
export type SentTaskSource = 'body' | 'record';

/**
 * The call sends a task (or sends one again): the caller's role must reach the task's own (403
 * naming it otherwise), checked before the call runs, like the call's own role. A name the call
 * will refuse anyway (unknown task, no record) is left to it: 400 or 404, as without this.
 */
export const SendsTask = (from: SentTaskSource) =>
  applyDecorators(SetMetadata(SENDS_TASK_KEY, from), UseGuards(TaskSendGuard));

@Injectable()
export class TaskSendGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly registry: TaskRegistry,
    private readonly results: ResultStore,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const from = this.reflector.get<SentTaskSource | undefined>(SENDS_TASK_KEY, ctx.getHandler());
    const req = ctx.switchToHttp().getRequest<Request & { principal?: Principal }>();
    // The app's authentication guard runs first and sets it.
    if (!req.principal) throw new UnauthorizedException('Not authenticated');
    const name = from === 'body' ? this.bodyTaskName(req) : await this.recordTaskName(req);
    if (typeof name === 'string' && this.registry.has(name))
      authorizeTaskSend(req.principal, this.registry.get(name));
    return true;
  }

  private bodyTaskName(req: Request): unknown {
    const body: unknown = req.body;
    return body && typeof body === 'object'
      ? (body as { task_name?: unknown }).task_name
      : undefined;
  }

  private async recordTaskName(req: Request): Promise<string | undefined> {
    const taskId = (req.params as Record<string, string | undefined>).task_id;
    return taskId ? (await this.results.get(taskId))?.task_name : undefined;
  }
}
