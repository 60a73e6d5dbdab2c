import { IsIn, IsNotEmpty, IsObject, IsOptional, IsString } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Payload of `log.message`. */
export class LogMessagePayload {
  @IsOptional()
  @IsIn(LOG_LEVELS)
  @JSONSchema({ description: 'Default info.' })
  level?: LogLevel;

  @IsString()
  @IsNotEmpty()
  message!: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @JSONSchema({ description: 'The logger context; default log.message.' })
  category?: string;

  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;
}

/** The message as written, which history keeps. */
export interface LogMessageResult {
  level: LogLevel;
  message: string;
  category: string;
  metadata?: Record<string, unknown>;
}
