import { Controller, Get } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { TaskRegistry } from '@brain/tasks';
import { RequireRole } from '../auth/roles';
import { ErrorResponseDto } from '../http/error-response.dto';
import { RegisteredTasksDto } from './dto/task-responses.dto';

/** What this deployment can run: known from the declarations, so it answers even without Redis. */
@ApiTags('tasks')
@ApiBearerAuth('api-key')
@ApiUnauthorizedResponse({ type: ErrorResponseDto })
@ApiForbiddenResponse({ type: ErrorResponseDto })
@Controller('api/tasks/registered')
export class RegisteredTasksController {
  constructor(private readonly registry: TaskRegistry) {}

  @Get('list')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'Every registered task name' })
  @ApiOkResponse({ type: RegisteredTasksDto })
  list(): RegisteredTasksDto {
    const tasks = [...this.registry.names()].sort();
    return { tasks, total: tasks.length };
  }
}
