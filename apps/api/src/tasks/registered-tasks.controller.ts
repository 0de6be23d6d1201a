import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { TaskRegistry } from '@brain/tasks';
import { ApiAccess } from '../auth/api-access.decorator';
import { RegisteredTasksDto } from './dto/task-responses.dto';

/** What this deployment can run: known from the declarations, so it answers even without Redis. */
@ApiTags('tasks')
@Controller('api/tasks/registered')
export class RegisteredTasksController {
  constructor(private readonly registry: TaskRegistry) {}

  @Get('list')
  @ApiAccess('viewer')
  @ApiOperation({
    operationId: 'listRegisteredTasks',
    summary: 'Every registered task name',
    description: 'The names POST /api/tasks/execute accepts, sorted (Celery inspect registered).',
  })
  @ApiOkResponse({ type: RegisteredTasksDto, description: 'Task names' })
  list(): RegisteredTasksDto {
    const tasks = [...this.registry.names()].sort();
    return { tasks, total: tasks.length };
  }
}
