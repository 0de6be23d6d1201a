import {
  BadRequestException,
  Body,
  Controller,
  ForbiddenException,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AgentRegisteredByOtherError, AgentStore } from '@brain/agents';
import { OutboundClient } from '@brain/outbound';
import { redactValue } from '@brain/tasks';
import { Audited, type ApiRequest, ErrorResponseDto } from '@brain/http';
import { ApiAccess } from '../auth/api-access.decorator';
import { ApiErrors, BODY_ERRORS } from '../http/api-errors.decorator';
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
@Controller('api/agents')
export class AgentsController {
  constructor(
    private readonly agents: AgentStore,
    private readonly outbound: OutboundClient,
  ) {}

  @Post()
  // Above ApiAccess, so that this description of the 403 is the one documented.
  @ApiForbiddenResponse({
    type: ErrorResponseDto,
    description:
      "The key's role is below operator, or the agent was registered by another key (an admin may)",
  })
  @ApiAccess('operator')
  @Audited('agent.register')
  @ApiOperation({
    operationId: 'registerAgent',
    summary: 'Register an agent, or update a registered one',
    description:
      'Registers an agent by id, or updates the name, endpoint and metadata of the one with ' +
      'this id: only the API key that registered it, or an admin, may. Health checks and ' +
      'actions on it are tasks sent through POST /api/tasks/execute.',
  })
  @ApiCreatedResponse({ type: AgentDto, description: 'The agent as stored' })
  @ApiErrors({
    ...BODY_ERRORS,
    400: 'Malformed JSON, or a field is invalid (e.g. an `endpoint` at an internal address not allowed): named in `field`',
  })
  async register(@Body() dto: RegisterAgentDto, @Req() req: ApiRequest): Promise<AgentDto> {
    const refusal = dto.endpoint ? this.outbound.policy.literalRefusal(dto.endpoint) : null;
    if (refusal)
      throw new BadRequestException({
        message: `endpoint is refused: ${refusal} (see OUTBOUND_ALLOW)`,
        field: 'endpoint',
      });
    const principal = req.principal!; // the guard set it: the call needs a key
    try {
      return shown(
        await this.agents.register(
          {
            id: dto.id,
            name: dto.name,
            endpoint: dto.endpoint ?? null,
            metadata: dto.metadata ?? null,
          },
          new Date(),
          {
            registrant: { key_id: principal.keyId, name: principal.name, role: principal.role },
            override: principal.role === 'admin',
          },
        ),
      );
    } catch (err) {
      if (err instanceof AgentRegisteredByOtherError) throw new ForbiddenException(err.message);
      throw err;
    }
  }

  @Post(':id/heartbeat')
  @HttpCode(200)
  @ApiAccess('operator')
  @Audited('agent.heartbeat')
  @ApiOperation({
    operationId: 'recordAgentHeartbeat',
    summary: 'Record a heartbeat: the agent is active again',
    description: 'Sets `last_heartbeat_at` to now and the status to active.',
  })
  @ApiOkResponse({ type: AgentDto, description: 'The agent' })
  @ApiErrors({ 404: 'No agent with this id' })
  async heartbeat(@Param('id') id: string): Promise<AgentDto> {
    return shown((await this.agents.heartbeat(id)) ?? notFound(id));
  }

  @Get(':id')
  @ApiAccess('viewer')
  @ApiOperation({
    operationId: 'getAgent',
    summary: 'An agent with its most recent executions (health checks, actions)',
    description: `The agent and its ${RECENT_EXECUTIONS} most recent executions, newest first.`,
  })
  @ApiOkResponse({ type: AgentDetailDto, description: 'The agent' })
  @ApiErrors({ 404: 'No agent with this id' })
  async get(@Param('id') id: string): Promise<AgentDetailDto> {
    const agent = (await this.agents.get(id)) ?? notFound(id);
    const recent = await this.agents.executions(id, { limit: RECENT_EXECUTIONS });
    return shown({ ...agent, recent_executions: recent });
  }

  @Get()
  @ApiAccess('viewer')
  @ApiOperation({
    operationId: 'listAgents',
    summary: 'Agents by id, optionally of one status, paginated',
    description: 'Ordered by id; `total` counts every agent matching the filter.',
  })
  @ApiOkResponse({ type: AgentPageDto, description: 'A page of agents' })
  @ApiErrors({ 400: 'A query parameter is invalid: named in `field`' })
  async list(@Query() q: ListAgentsQuery): Promise<AgentPageDto> {
    return shown(
      await this.agents.list({ status: q.status, limit: q.limit ?? 50, offset: q.offset ?? 0 }),
    );
  }
}

/**
 * What an answer shows: secret-named metadata or data fields and URL credentials (an endpoint's
 * `user:password@`, `?token=`) masked, for everyone; calls to the agent read the store.
 */
function shown<T>(answer: T): T {
  return redactValue(answer) as T;
}

function notFound(id: string): never {
  throw new NotFoundException(`No agent with id "${id}"`);
}
