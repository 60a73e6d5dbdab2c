import { Type } from 'class-transformer';
import {
  IsArray,
  IsBase64,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  buildMessage,
} from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { ExactSchema, ListOfSchema } from '../payload-schema.js';
import { IsMailAddresses, isMailAddress } from '../payload-validators.js';
import type { MailShape, MailTemplate } from './mail.options.js';
import { placeholders, valueAt } from './mail-template.js';

const ADDRESSES_SCHEMA = { oneOf: [{ type: 'string' as const }, { type: 'array' as const, items: { type: 'string' as const } }] };

export class MailAttachment {
  @IsString()
  @IsNotEmpty()
  filename!: string;

  @IsBase64()
  @JSONSchema({ description: 'The file, base64-encoded.' })
  content!: string;

  @IsOptional()
  @IsString()
  contentType?: string;
}

/** Payload of `mail.send`: either `subject` with `text` and/or `html`, or a `template` with its `variables`. */
export class MailSendPayload {
  @IsMailAddresses()
  @ExactSchema(ADDRESSES_SCHEMA)
  to!: string | string[];

  @IsOptional()
  @IsMailAddresses()
  @ExactSchema(ADDRESSES_SCHEMA)
  cc?: string | string[];

  @IsOptional()
  @IsMailAddresses()
  @ExactSchema(ADDRESSES_SCHEMA)
  bcc?: string | string[];

  @IsOptional()
  @IsMailAddresses()
  @ExactSchema(ADDRESSES_SCHEMA)
  replyTo?: string | string[];

  @ValidateIf((o: MailSendPayload) => o.template === undefined || o.subject !== undefined)
  @IsString()
  @IsNotEmpty()
  @JSONSchema({ description: "Required without a template; with one, replaces the template's subject." })
  subject?: string;

  @ValidateIf((o: MailSendPayload) => (o.template === undefined && o.html === undefined) || o.text !== undefined)
  @IsString({ message: (a) => (a.value === undefined ? 'text or html is required unless a template is named' : 'text must be a string') })
  text?: string;

  @IsOptional()
  @IsString()
  html?: string;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => MailAttachment)
  @ListOfSchema(MailAttachment)
  attachments?: MailAttachment[];

  from?: string;
  template?: string;
  variables?: Record<string, unknown>;
}

const attachedBytes = (attachments: unknown) =>
  Array.isArray(attachments)
    ? attachments.reduce<number>(
        (sum, a: MailAttachment) => sum + (typeof a?.content === 'string' ? Buffer.byteLength(a.content, 'base64') : 0),
        0,
      )
    : 0;

function missingVariables(templates: Map<string, MailTemplate>, payload: MailSendPayload): string[] {
  const template = payload.template === undefined ? undefined : templates.get(payload.template);
  return template ? placeholders(template).filter((path) => valueAt(payload.variables, path) == null) : [];
}

/**
 * The payload as this module's options shape it: `template` must name a configured template and `variables` fill all
 * of its placeholders, `from` is required when options set no default, and attachments fit the cap; all at enqueue.
 */
export function mailPayloadSchema(options: MailShape): typeof MailSendPayload {
  const names = [...options.templates.keys()];
  class ConfiguredMailSendPayload extends MailSendPayload {}
  const prototype = ConfiguredMailSendPayload.prototype;

  ValidateIf((o: MailSendPayload) => !options.from || o.from !== undefined)(prototype, 'from');
  ValidateBy({
    name: 'isMailAddress',
    validator: {
      validate: isMailAddress,
      defaultMessage: buildMessage(() => '$property must be an e-mail address (required: builtins.mail.from is not set)'),
    },
  })(prototype, 'from');
  JSONSchema({ type: 'string', description: options.from ? `Default ${options.from}.` : 'Required.' })(prototype, 'from');

  IsOptional()(prototype, 'template');
  IsIn(names, { message: `template must be one of the configured templates: ${names.join(', ') || '(none configured)'}` })(
    prototype,
    'template',
  );
  JSONSchema({ type: 'string', enum: names })(prototype, 'template');

  ValidateIf((o: MailSendPayload) => o.template !== undefined || o.variables !== undefined)(prototype, 'variables');
  ValidateBy({
    name: 'templateVariables',
    validator: {
      validate: (value, args) =>
        (value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value))) &&
        !missingVariables(options.templates, args!.object as MailSendPayload).length,
      defaultMessage: (args) => {
        const missing = missingVariables(options.templates, args!.object as MailSendPayload);
        return missing.length
          ? `variables must define ${missing.join(', ')} for template "${(args!.object as MailSendPayload).template}"`
          : 'variables must be an object';
      },
    },
  })(prototype, 'variables');
  JSONSchema({
    type: 'object',
    description: 'Values for the template placeholders, e.g. { "user": { "name": "Ada" } } for {{user.name}}.',
  })(prototype, 'variables');

  ValidateBy({
    name: 'attachmentsWithin',
    validator: {
      validate: (value) => attachedBytes(value) <= options.maxAttachmentBytes,
      defaultMessage: () => `attachments must total at most ${options.maxAttachmentBytes} bytes (builtins.mail.maxAttachmentBytes)`,
    },
  })(prototype, 'attachments');

  return ConfiguredMailSendPayload;
}

/** What history keeps of a sent message. */
export interface MailSendResult {
  messageId: string;
  /** Recipients the server took. */
  accepted: string[];
  /** Recipients the server refused while taking others; when it refuses all, the attempt fails instead. */
  rejected: string[];
  response?: string;
}
