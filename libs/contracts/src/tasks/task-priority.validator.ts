import { applyDecorators } from '@nestjs/common';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_TASK_PRIORITY, MIN_TASK_PRIORITY } from '@brain/tasks';

/** An optional task priority, in the engine's range (0-9, 9 runs first): one rule for every DTO. */
export function IsOptionalTaskPriority(): PropertyDecorator {
  return applyDecorators(IsOptional(), IsInt(), Min(MIN_TASK_PRIORITY), Max(MAX_TASK_PRIORITY));
}
