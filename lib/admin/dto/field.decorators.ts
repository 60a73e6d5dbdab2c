import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';

export { MAX_INT32 } from '../../jobs.constants.js';

/** `IsOptional` lets `null` through too; here only a missing field is optional, and `null` must pass the checks. */
export const Absent = () => ValidateIf((_object, value) => value !== undefined);

/** PostgreSQL refuses NUL in text, and no name or filter needs one. */
// eslint-disable-next-line no-control-regex -- NUL is exactly the character refused
export const NoNul = () => Matches(/^[^\u0000]*$/, { message: '$property must not contain NUL characters', each: true });

/** A required non-empty string of at most 255 characters: the width of the name columns. */
export const RequiredName = (options: ApiPropertyOptions = {}) =>
  applyDecorators(ApiProperty({ maxLength: 255, ...options }), IsString(), IsNotEmpty(), MaxLength(255), NoNul());

/** An optional filter of the query string or an optional id: a non-empty string when given. */
export const OptionalText = (options: ApiPropertyOptions = {}) =>
  applyDecorators(ApiPropertyOptional({ maxLength: 255, ...options }), Absent(), IsString(), IsNotEmpty(), MaxLength(255), NoNul());

/** An optional whole number of the body, from `min` to `max`. */
export const OptionalInt = (min: number, max: number, options: ApiPropertyOptions = {}) =>
  applyDecorators(ApiPropertyOptional({ type: 'integer', minimum: min, maximum: max, ...options }), Absent(), IsInt(), Min(min), Max(max));

/** An optional whole number of the query string, which arrives as text. */
export const QueryInt = (min: number, max: number, options: ApiPropertyOptions = {}) =>
  applyDecorators(
    OptionalInt(min, max, options),
    Type(() => Number),
  );

/** `limit` of a list read from the query string. */
export const PageLimit = () => QueryInt(1, 500, { default: 50 });
