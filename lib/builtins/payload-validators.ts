import { ValidateBy, buildMessage, isEmail, type ValidationOptions } from 'class-validator';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An object whose values are all strings (headers, environment variables). */
export const IsStringRecord = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isStringRecord',
      validator: {
        validate: (value) => isPlainObject(value) && Object.values(value).every((v) => typeof v === 'string'),
        defaultMessage: buildMessage((each) => `${each}$property must be an object whose values are strings`, options),
      },
    },
    options,
  );

/** `a@b.example` or `Name <a@b.example>`: the forms nodemailer takes. */
export function isMailAddress(value: unknown): boolean {
  if (typeof value !== 'string') return false;
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
        defaultMessage: buildMessage(() => '$property must be an e-mail address (a@b.example or Name <a@b.example>) or a non-empty list of them', options),
      },
    },
    options,
  );
