import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { API_KEY_ROLES, type ApiKeyRole } from '@brain/storage';
import { DATE_TIME } from '../json-schemas';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'grafana', description: 'What the key is for' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @ApiProperty({ enum: API_KEY_ROLES, example: 'viewer' })
  @IsIn(API_KEY_ROLES)
  role!: ApiKeyRole;

  @ApiPropertyOptional({
    example: '2027-01-01T00:00:00Z',
    description: 'When the key stops working',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  expires_at?: string;
}

export class ApiKeyDto {
  @ApiProperty({ example: '6f1c2b7e-4a0e-4b7c-9a53-1d2b1f1a2c3d' })
  id!: string;

  @ApiProperty({ example: 'grafana' })
  name!: string;

  @ApiProperty({ enum: API_KEY_ROLES })
  role!: ApiKeyRole;

  @ApiProperty({ example: 'brn_Abc1', description: 'First characters of the key, to recognise it' })
  prefix!: string;

  @ApiProperty({ ...DATE_TIME, example: '2026-11-29T10:00:00.000Z' })
  created_at!: string;

  @ApiProperty({ ...DATE_TIME, nullable: true, example: null, description: 'Null: never' })
  expires_at!: string | null;

  @ApiProperty({ ...DATE_TIME, nullable: true, example: null })
  last_used_at!: string | null;

  @ApiProperty({ ...DATE_TIME, nullable: true, example: null })
  revoked_at!: string | null;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({
    example: 'brn_3q2-7wEXAMPLEonlyEXAMPLEonlyEXAMPLEonly0000',
    description: 'The key itself: shown this once, stored only as a hash',
  })
  secret!: string;
}
