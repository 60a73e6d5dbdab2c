import type { ApiPropertyOptions } from '@nestjs/swagger';

/** Swagger schema of a value that may be any JSON: payloads and results are whatever the job made them. */
export const ANY_JSON = {
  nullable: true,
  oneOf: [
    { type: 'object', additionalProperties: true },
    { type: 'array', items: {} },
    { type: 'string' },
    { type: 'number' },
    { type: 'boolean' },
  ],
} as ApiPropertyOptions;
