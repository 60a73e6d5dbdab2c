import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'options.priority', description: 'Dotted path of the field at fault.' }) field!: string;
  @ApiProperty({ type: [String] }) messages!: string[];
}

export class ErrorDto {
  @ApiProperty({ type: 'integer', example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'Bad Request' }) error!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({ example: 'JOB_PAYLOAD_INVALID', description: 'Stable code of the module’s error.' }) code?: string;
  @ApiPropertyOptional({ type: [FieldErrorDto] }) fields?: FieldErrorDto[];
}

/** What the host's HTTP platform answers by itself before any route runs, such as its body parser's 413. */
export class PlatformErrorDto {
  @ApiProperty({ type: 'integer', example: 413 }) statusCode!: number;
  @ApiProperty({ example: 'request entity too large' }) message!: string;
}
