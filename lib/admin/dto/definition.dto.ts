import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsArray, IsBoolean, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { JobDefinitionInput } from '../../interfaces/job-history.interface.js';
import { ANY_JSON } from './any-json.js';
import { InputSchema, MAX_INT32, NoNul, RequiredName } from './field.decorators.js';

@InputSchema()
export class CreateDefinitionDto implements JobDefinitionInput {
  @RequiredName({ description: 'Unique.' })
  name!: string;

  @RequiredName({ description: 'The registered job name that runs it.' })
  handler!: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Checked against the handler’s schema.' })
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown>;

  @ApiPropertyOptional({ type: String, nullable: true, example: '0 2 * * *', description: 'None: runs only when executed.' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  @NoNul()
  cron?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Europe/Berlin' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @NoNul()
  timeZone?: string | null;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, maximum: MAX_INT32 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_INT32)
  attempts?: number | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, maximum: MAX_INT32, description: 'Milliseconds.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_INT32)
  timeout?: number | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  @NoNul()
  memo?: string | null;

  @ApiPropertyOptional({ type: [String], nullable: true })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  @NoNul()
  tags?: string[] | null;
}

@InputSchema()
export class UpdateDefinitionDto extends PartialType(CreateDefinitionDto) {}

export class JobDefinitionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() handler!: string;
  @ApiProperty(ANY_JSON) data!: unknown;
  @ApiProperty({ type: String, nullable: true }) cron!: string | null;
  @ApiProperty({ type: String, nullable: true }) timeZone!: string | null;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ type: Number, nullable: true }) attempts!: number | null;
  @ApiProperty({ type: Number, nullable: true }) timeout!: number | null;
  @ApiProperty({ type: String, nullable: true }) memo!: string | null;
  @ApiProperty({ type: [String], nullable: true }) tags!: string[] | null;
  @ApiProperty({ type: String, nullable: true }) createdBy!: string | null;
  @ApiProperty({ type: String, nullable: true }) updatedBy!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: Date;
}
