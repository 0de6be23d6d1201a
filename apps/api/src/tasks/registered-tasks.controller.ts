import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { registeredTasks } from '@brain/auth';
import { TaskRegistry } from '@brain/tasks';
import { ApiAccess } from '../auth/api-access.decorator';
import { RegisteredTasksDto } from '@brain/contracts';

/** What this deployment can run: known from the declarations, so it answers even without Redis. */
@ApiTags('tasks')
@Controller('api/tasks/registered')
export class RegisteredTasksController {
  constructor(private readonly registry: TaskRegistry) {}

  @Get('list')
  @ApiAccess('viewer')
  @ApiOperation({
    operationId: 'listRegisteredTasks',
    summary: 'Every registered task name, with its queue and the role that may send it',
    description:
      'The names POST /api/tasks/execute accepts, sorted (Celery inspect registered); ' +
      "`details` gives each one's queue and the least role of a key that may send it.",
  })
  @ApiOkResponse({ type: RegisteredTasksDto, description: 'Task names, queues and roles' })
  list(): RegisteredTasksDto {
    return registeredTasks(this.registry.all());
  }
}
