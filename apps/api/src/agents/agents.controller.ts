import {
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AgentStore } from '@brain/agents';
import { Audited } from '../audit/audited.decorator';
import { RequireRole } from '../auth/roles';
import { ErrorResponseDto } from '../http/error-response.dto';
import {
  AgentDetailDto,
  AgentDto,
  AgentPageDto,
  ListAgentsQuery,
  RegisterAgentDto,
} from './dto/agent.dto';

/** How many executions GET /api/agents/:id shows. */
const RECENT_EXECUTIONS = 20;

/**
 * Agents the agent tasks act on: registration, heartbeats and views. Health checks and actions
 * are tasks (backend.app.tasks.agent_tasks.*), sent through POST /api/tasks/execute.
 */
@ApiTags('agents')
@ApiBearerAuth('api-key')
@ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'No, or an unknown, API key' })
@ApiForbiddenResponse({ type: ErrorResponseDto, description: "The key's role is too low" })
@Controller('api/agents')
export class AgentsController {
  constructor(private readonly agents: AgentStore) {}

  @Post()
  @RequireRole('operator')
  @Audited('agent.register')
  @ApiOperation({
    summary: 'Register an agent, or update the name, endpoint and metadata of a registered one',
  })
  @ApiCreatedResponse({ type: AgentDto })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'A field is invalid: named in `field`',
  })
  register(@Body() dto: RegisterAgentDto): Promise<AgentDto> {
    return this.agents.register({
      id: dto.id,
      name: dto.name,
      endpoint: dto.endpoint ?? null,
      metadata: dto.metadata ?? null,
    });
  }

  @Post(':id/heartbeat')
  @HttpCode(200)
  @RequireRole('operator')
  @Audited('agent.heartbeat')
  @ApiOperation({ summary: 'Record a heartbeat: the agent is active again' })
  @ApiOkResponse({ type: AgentDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async heartbeat(@Param('id') id: string): Promise<AgentDto> {
    return (await this.agents.heartbeat(id)) ?? notFound(id);
  }

  @Get(':id')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'An agent with its most recent executions (health checks, actions)' })
  @ApiOkResponse({ type: AgentDetailDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async get(@Param('id') id: string): Promise<AgentDetailDto> {
    const agent = (await this.agents.get(id)) ?? notFound(id);
    const recent = await this.agents.executions(id, { limit: RECENT_EXECUTIONS });
    return { ...agent, recent_executions: recent };
  }

  @Get()
  @RequireRole('viewer')
  @ApiOperation({ summary: 'Agents by id, optionally of one status, paginated' })
  @ApiOkResponse({ type: AgentPageDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  list(@Query() q: ListAgentsQuery): Promise<AgentPageDto> {
    return this.agents.list({ status: q.status, limit: q.limit ?? 50, offset: q.offset ?? 0 });
  }
}

function notFound(id: string): never {
  throw new NotFoundException(`No agent with id "${id}"`);
}
