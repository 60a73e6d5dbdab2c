import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiSchema, type ApiPropertyOptions, type ApiSchemaOptions } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsString, Matches, Max, MaxLength, Min, ValidateBy, ValidateIf } from 'class-validator';
import { MAX_INT32 } from '../../jobs.constants.js';
import { isStorableDate, ISO_DATE_RULE, parseIsoDate, STORABLE_DATE_RULE } from '../../policy/dates.js';

export { MAX_INT32 };

/**
 * The schema of a body the admin API reads: unknown fields are refused (the validation pipe forbids them), and the
 * document says so. `rules` adds what a class's properties cannot say alone, e.g. a `oneOf` of required fields.
 */
export const InputSchema = (rules: Record<string, unknown> = {}) =>
  // The options type lists only name and description, but every other key is copied onto the schema as given.
  ApiSchema({ additionalProperties: false, ...rules } as ApiSchemaOptions);

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

/** An optional duration in ms: at most `MAX_INT32`, the longest a Node timer waits and the databases' `int`. */
export const OptionalDuration = (min: number, options: ApiPropertyOptions = {}) =>
  OptionalInt(min, MAX_INT32, { description: 'Milliseconds.', ...options });

/** An optional whole number of the query string, which arrives as text. */
export const QueryInt = (min: number, max: number, options: ApiPropertyOptions = {}) =>
  applyDecorators(
    OptionalInt(min, max, options),
    Type(() => Number),
  );

/**
 * An optional filter of the query string that takes one of `values`. Swagger drops a plain `enum` from the query
 * parameters it makes of a class, and keeps a named one (a schema of its own, `name`).
 */
export const QueryEnum = (name: string, values: readonly string[], options: ApiPropertyOptions = {}) =>
  applyDecorators(ApiPropertyOptional({ ...options, enum: values, enumName: name }), Absent(), IsIn(values));

/** `limit` of a list read from the query string. */
export const PageLimit = () => QueryInt(1, 500, { default: 50 });

/** Cursors are the id of the last row of a page: a bigint's digits. */
const CURSOR = /^\d{1,18}$/;

/** `cursor` of a list read from the query string: the `nextCursor` of the previous page. */
export const PageCursor = () =>
  applyDecorators(
    ApiPropertyOptional({ description: '`nextCursor` of the previous page.', pattern: CURSOR.source }),
    Absent(),
    Matches(CURSOR, { message: 'cursor must be the nextCursor of a previous page' }),
  );

/**
 * An ISO 8601 date-time string (`parseIsoDate`) within what the stores keep (`isStorableDate`), read into a `Date`.
 * A number, a date without a time or offset and a day the calendar lacks stay as they came and are refused.
 */
export const IsIsoDate = () =>
  applyDecorators(
    Transform(({ value }: { value: unknown }) => parseIsoDate(value) ?? value),
    ValidateBy({
      name: 'isIsoDate',
      validator: {
        validate: (value) => value instanceof Date && isStorableDate(value),
        defaultMessage: (args) => `${args!.property} must be ${args!.value instanceof Date ? STORABLE_DATE_RULE : ISO_DATE_RULE}`,
      },
    }),
  );

/** An optional moment of the body or the query string. */
export const OptionalDate = (options: ApiPropertyOptions = {}) =>
  applyDecorators(
    ApiPropertyOptional({ type: String, format: 'date-time', ...options, description: describeDate(options.description) }),
    Absent(),
    IsIsoDate(),
  );

const describeDate = (what?: string) => [what, `ISO 8601 with an offset, ${STORABLE_DATE_RULE}.`].filter(Boolean).join(' ');
