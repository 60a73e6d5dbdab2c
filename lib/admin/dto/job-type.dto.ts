import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class JobTypeDto {
  @ApiProperty() name!: string;
  @ApiProperty() queue!: string;
  @ApiProperty({
    enum: ['processor', 'cron', 'event'],
    description: '`processor`: a @JobProcessor class; `cron`: a @Cron method; `event`: an @OnAppEvent method.',
  })
  kind!: 'processor' | 'cron' | 'event';
  @ApiPropertyOptional() attempts?: number;
  @ApiPropertyOptional({ description: 'Milliseconds an attempt may run.' }) timeout?: number;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) backoff?: unknown;
  @ApiPropertyOptional({ description: 'BullMQ priority: lower runs first.' }) priority?: number;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'JSON Schema of the payload, from its class-validator class.',
  })
  schema?: object;
}
