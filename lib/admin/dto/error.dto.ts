import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'options.priority', description: 'Dotted path of the field at fault.' }) field!: string;
  @ApiProperty({ type: [String] }) messages!: string[];
}

export class ErrorDto {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'Bad Request' }) error!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({ example: 'JOB_PAYLOAD_INVALID', description: 'Stable code of the module’s error.' }) code?: string;
  @ApiPropertyOptional({ type: [FieldErrorDto] }) fields?: FieldErrorDto[];
}
