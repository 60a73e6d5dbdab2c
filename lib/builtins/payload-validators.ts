import { validateHeaderName, validateHeaderValue } from 'node:http';
import { applyDecorators } from '@nestjs/common';
import { IsInt, Max, Min, ValidateBy, buildMessage, isEmail, type ValidationOptions } from 'class-validator';
import { MAX_INT32 } from '../jobs.constants.js';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Framing and hop-by-hop headers: the request sets them itself, and `host` would steer an allowed proxy to any virtual host. */
const RESERVED_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'te', 'upgrade', 'keep-alive']);

/** Why a request header may not be sent as given; undefined when it may. */
function headerProblem(name: string, value: unknown): string | undefined {
  const lower = name.toLowerCase();
  if (RESERVED_HEADERS.has(lower) || lower.startsWith('proxy-'))
    return `must not set "${name}": the request sets framing, hop-by-hop and proxy headers itself`;
  if (typeof value !== 'string') return `"${name}" must be a string`;
  try {
    validateHeaderName(name);
  } catch {
    return `${JSON.stringify(name)} is not a valid header name`;
  }
  try {
    validateHeaderValue(name, value);
  } catch {
    return `"${name}" has a value a header may not hold (CR, LF or another control character)`;
  }
  return undefined;
}

const firstHeaderProblem = (value: unknown): string | undefined =>
  isPlainObject(value)
    ? Object.entries(value)
        .map(([name, v]) => headerProblem(name, v))
        .find(Boolean)
    : 'must be an object whose values are strings';

/** Request headers: valid names and string values, none of the headers the request sets itself (`host`, `content-length`, …). */
export const IsHttpHeaders = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isHttpHeaders',
      validator: {
        validate: (value) => firstHeaderProblem(value) === undefined,
        defaultMessage: buildMessage((_each, args) => `$property ${firstHeaderProblem(args?.value)}`, options),
      },
    },
    options,
  );

/**
 * `a@b.example` or `Name <a@b.example>`: exactly one address. `,` and `;` separate recipients for nodemailer, and quotes
 * let a display name hide another address, so none of them is taken; several recipients go in a list.
 */
export function isMailAddress(value: unknown): boolean {
  if (typeof value !== 'string' || /[,;"]/.test(value)) return false;
  const named = /^[^<>]*<([^<>]+)>$/.exec(value.trim());
  return isEmail(named ? named[1] : value.trim());
}

/** One address or a non-empty list of them. */
export const IsMailAddresses = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isMailAddresses',
      validator: {
        validate: (value) => (Array.isArray(value) ? value.length > 0 && value.every(isMailAddress) : isMailAddress(value)),
        defaultMessage: buildMessage(
          () => '$property must be one e-mail address (a@b.example or Name <a@b.example>, without , ; or ") or a non-empty list of them',
          options,
        ),
      },
    },
    options,
  );

/**
 * A duration in a payload: whole ms a timer can wait (see `isDuration`). `Max` as well as the check, so the published
 * JSON Schema says `maximum` too.
 */
export function IsDuration(): PropertyDecorator {
  return applyDecorators(IsInt(), Min(1), Max(MAX_INT32));
}
