import {
  Body,
  ConflictException,
  Controller,
  Get,
  NotFoundException,
  Param,
  Post,
  Query,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { MissionExistsError, MissionStore, PROCESS_MISSION, parseSteps } from '@brain/missions';
import { TaskClient } from '@brain/tasks';
import { Audited } from '../audit/audited.decorator';
import { RequireRole } from '../auth/roles';
import { ErrorResponseDto } from '../http/error-response.dto';
import { RedisGate } from '../http/redis-gate.interceptor';
import {
  CreatedMissionDto,
  CreateMissionDto,
  ListMissionsQuery,
  MissionDto,
  MissionPageDto,
} from './dto/mission.dto';

/** Missions: created here, processed by `process_mission_async` on a worker. */
@ApiTags('missions')
@ApiBearerAuth('api-key')
@ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'No, or an unknown, API key' })
@ApiForbiddenResponse({ type: ErrorResponseDto, description: "The key's role is too low" })
@Controller('api/missions')
export class MissionsController {
  constructor(
    private readonly missions: MissionStore,
    private readonly client: TaskClient,
  ) {}

  @Post()
  @RequireRole('operator')
  @Audited('mission.create')
  // It sends a task: answered 503 at once while Redis is down, before anything is written.
  @UseInterceptors(RedisGate)
  @ApiOperation({
    summary: 'Create a mission; unless process=false, send process_mission_async for it',
  })
  @ApiCreatedResponse({ type: CreatedMissionDto })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'A field is invalid (e.g. `payload.steps[0].url`): named in `field`',
  })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The id is taken' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'Redis is unreachable' })
  async create(@Body() dto: CreateMissionDto): Promise<CreatedMissionDto> {
    parseSteps(dto.payload); // a TaskInputError naming the step's field: 400
    let mission;
    try {
      mission = await this.missions.create({
        id: dto.id,
        name: dto.name,
        payload: dto.payload,
        priority: dto.priority ?? 5,
      });
    } catch (err) {
      if (err instanceof MissionExistsError)
        throw new ConflictException({ message: err.message, field: 'id' });
      throw err;
    }
    if (dto.process === false) return { ...mission, task_id: null };
    const sent = await this.client.applyAsync(PROCESS_MISSION, {
      kwargs: { mission_id: mission.id },
      priority: mission.priority,
    });
    return { ...mission, task_id: sent.task_id };
  }

  @Get()
  @RequireRole('viewer')
  @ApiOperation({ summary: 'Missions, newest first, filtered by status and creation time' })
  @ApiOkResponse({ type: MissionPageDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  async list(@Query() q: ListMissionsQuery): Promise<MissionPageDto> {
    const limit = q.limit ?? 50;
    const offset = q.offset ?? 0;
    const rows = await this.missions.list({
      status: q.status,
      since: q.since ? new Date(q.since) : undefined,
      until: q.until ? new Date(q.until) : undefined,
      limit: limit + 1,
      offset,
    });
    return { missions: rows.slice(0, limit), limit, offset, has_more: rows.length > limit };
  }

  @Get(':id')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'A mission, with its status, timestamps and result' })
  @ApiOkResponse({ type: MissionDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such mission' })
  async get(@Param('id') id: string): Promise<MissionDto> {
    const mission = await this.missions.get(id);
    if (!mission) throw new NotFoundException(`No mission with id "${id}"`);
    return mission;
  }
}
