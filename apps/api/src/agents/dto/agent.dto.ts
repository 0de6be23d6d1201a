import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

import {
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
} from 'class-validator';
import type { AgentStatus, ApiKeyRole } from '@brain/storage';
import { PageQuery, ANY_JSON, DATE_TIME, JSON_OBJECT } from '@brain/contracts';

const AGENT_STATUSES: AgentStatus[] = ['active', 'inactive'];

/** POST /api/agents: registers an agent, or updates one already registered. */
export class RegisterAgentDto {
  @ApiProperty({
    example: 'ops_agent',
    description: 'Letters, digits, `_`, `-` and `.`; up to 100 characters',
  })
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{1,100}$/, {
    message: 'id must be 1-100 letters, digits, "_", "-" or "."',
  })
  id!: string;

  @ApiProperty({ example: 'Ops Agent' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({
    example: 'https://ops-agent.example.com:8080',
    description:
      'Base http(s) URL: health checks GET `<endpoint>/health`, actions POST `<endpoint>/actions`. ' +
      'Internal addresses (loopback, private, link-local...) are refused unless OUTBOUND_ALLOW ' +
      'allows them: here when the host is such an address or localhost, else when it is called',
  })
  @IsOptional()
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'endpoint must be an http(s) URL' },
  )
  @MaxLength(2000)
  endpoint?: string;

  @ApiPropertyOptional({ ...JSON_OBJECT, example: { team: 'ops', version: '1.4.2' } })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;
}

export class ListAgentsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: AGENT_STATUSES })
  @IsOptional()
  @IsIn(AGENT_STATUSES)
  status?: AgentStatus;
}

export class AgentRegistrantDto {
  @ApiProperty({ example: '6f1c2a9e-3b7d-4c1e-9a55-0d2f8e7b1c34' })
  key_id!: string;

  @ApiProperty({ example: 'ops-deployer' })
  name!: string;

  @ApiProperty({ enum: ['admin', 'operator', 'viewer'], example: 'operator' })
  role!: ApiKeyRole;
}

export class AgentDto {
  @ApiProperty({ example: 'ops_agent' })
  id!: string;

  @ApiProperty({ example: 'Ops Agent' })
  name!: string;

  @ApiProperty({ type: String, nullable: true, example: 'http://ops-agent.internal:8080' })
  endpoint!: string | null;

  @ApiProperty({ enum: AGENT_STATUSES, example: 'active' })
  status!: AgentStatus;

  @ApiProperty({ ...JSON_OBJECT, nullable: true, example: { team: 'ops' } })
  metadata!: Record<string, unknown> | null;

  @ApiProperty({ ...DATE_TIME, example: '2026-11-29T10:00:00.000Z' })
  registered_at!: string;

  @ApiProperty({ ...DATE_TIME, nullable: true, example: '2026-11-29T10:24:48.123Z' })
  last_heartbeat_at!: string | null;

  @ApiProperty({ ...DATE_TIME, example: '2026-11-29T10:24:48.123Z' })
  updated_at!: string;

  @ApiProperty({
    type: AgentRegistrantDto,
    nullable: true,
    description:
      'The API key that registered it: only it, or an admin, may register it again. Null for ' +
      'an agent registered before this was recorded (then only an admin may)',
  })
  registered_by!: AgentRegistrantDto | null;
}

export class AgentExecutionDto {
  @ApiProperty({ example: 42 })
  id!: number;

  @ApiProperty({ example: 'ops_agent' })
  agent_id!: string;

  @ApiProperty({ enum: ['health_check', 'action'], example: 'action' })
  kind!: string;

  @ApiProperty({ type: String, nullable: true, example: 'deploy' })
  action!: string | null;

  @ApiProperty({ enum: ['success', 'failed', 'timeout'], example: 'success' })
  status!: string;

  @ApiProperty({ type: Number, nullable: true, example: 200 })
  http_status!: number | null;

  @ApiProperty({ example: 12.5 })
  duration_ms!: number;

  @ApiProperty({ type: String, nullable: true, example: null })
  error!: string | null;

  @ApiProperty({
    ...ANY_JSON,
    description: "The agent's (size-capped) response, any JSON value; null when none came",
    example: { response: { accepted: true } },
  })
  detail!: unknown;

  @ApiProperty({ ...DATE_TIME, example: '2026-11-29T10:24:48.100Z' })
  started_at!: string;

  @ApiProperty({ ...DATE_TIME, example: '2026-11-29T10:24:48.113Z' })
  finished_at!: string;
}

export class AgentDetailDto extends AgentDto {
  @ApiProperty({ type: [AgentExecutionDto], description: 'The 20 most recent, newest first' })
  recent_executions!: AgentExecutionDto[];
}

export class AgentPageDto {
  @ApiProperty({ type: [AgentDto] })
  agents!: AgentDto[];

  @ApiProperty({ example: 1, description: 'Agents matching the filter, all pages' })
  total!: number;

  @ApiProperty({ example: 50 })
  limit!: number;

  @ApiProperty({ example: 0 })
  offset!: number;
}
