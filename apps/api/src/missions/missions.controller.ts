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
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  MissionExistsError,
  missionForView,
  MissionStore,
  PROCESS_MISSION,
  parseSteps,
} from '@brain/missions';
import { OutboundClient } from '@brain/outbound';
import { TaskClient } from '@brain/tasks';
import { Audited, RedisGate } from '@brain/http';
import { ApiAccess } from '../auth/api-access.decorator';
import { ApiErrors, BODY_ERRORS, REDIS_DOWN } from '../http/api-errors.decorator';
import {
  CreatedMissionDto,
  CreateMissionDto,
  ListMissionsQuery,
  MissionDto,
  MissionPageDto,
} from './dto/mission.dto';

/** Missions: created here, processed by `process_mission_async` on a worker. */
@ApiTags('missions')
@Controller('api/missions')
export class MissionsController {
  constructor(
    private readonly missions: MissionStore,
    private readonly client: TaskClient,
    private readonly outbound: OutboundClient,
  ) {}

  @Post()
  @ApiAccess('operator')
  @Audited('mission.create')
  // It sends a task: answered 503 at once while Redis is down, before anything is written.
  @UseInterceptors(RedisGate)
  @ApiOperation({
    operationId: 'createMission',
    summary: 'Create a mission; unless process=false, send process_mission_async for it',
    description:
      'Stores the mission as pending and, unless process=false, sends the task that runs its ' +
      'steps (`task_id`). Its steps are checked first: a bad one is a 400 naming it.',
  })
  @ApiCreatedResponse({ type: CreatedMissionDto, description: 'The mission, pending' })
  @ApiErrors({
    ...BODY_ERRORS,
    400:
      'Malformed JSON, or a field is invalid (e.g. `payload.steps[0].url`, also when at an ' +
      'internal address not allowed): named in `field`',
    409: 'The id is taken',
    ...REDIS_DOWN,
  })
  async create(@Body() dto: CreateMissionDto): Promise<CreatedMissionDto> {
    // A TaskInputError naming the step's field (a bad one, or one aimed at an internal address
    // literal not allowed): 400.
    parseSteps(dto.payload, this.outbound.policy);
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
    // Its creator gets no more of its secrets back than a viewer does.
    const shown = missionForView(mission);
    if (dto.process === false) return { ...shown, task_id: null };
    const sent = await this.client.applyAsync(PROCESS_MISSION, {
      kwargs: { mission_id: mission.id },
      priority: mission.priority,
    });
    return { ...shown, task_id: sent.task_id };
  }

  @Get()
  @ApiAccess('viewer')
  @ApiOperation({
    operationId: 'listMissions',
    summary: 'Missions, newest first, filtered by status and creation time',
    description: '`has_more` says whether another page follows.',
  })
  @ApiOkResponse({ type: MissionPageDto, description: 'A page of missions' })
  @ApiErrors({ 400: 'A query parameter is invalid: named in `field`' })
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
    return {
      missions: rows.slice(0, limit).map((m) => missionForView(m)),
      limit,
      offset,
      has_more: rows.length > limit,
    };
  }

  @Get(':id')
  @ApiAccess('viewer')
  @ApiOperation({
    operationId: 'getMission',
    summary: 'A mission, with its status, timestamps and result',
    description: 'Its per-step results once processed, and the error if it failed.',
  })
  @ApiOkResponse({ type: MissionDto, description: 'The mission' })
  @ApiErrors({ 404: 'No mission with this id' })
  async get(@Param('id') id: string): Promise<MissionDto> {
    const mission = await this.missions.get(id);
    if (!mission) throw new NotFoundException(`No mission with id "${id}"`);
    return missionForView(mission);
  }
}
