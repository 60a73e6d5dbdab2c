import { applyDecorators, UseFilters, UseInterceptors } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { JobsExceptionFilter } from './jobs-exception.filter.js';
import { JsonBodyInterceptor } from './json-body.interceptor.js';
import { ErrorDto, PlatformErrorDto } from './dto/error.dto.js';
import { ADMIN_TAG, BODY_LIMIT_NOTE } from './admin.constants.js';

/**
 * What every admin route class shares: one Swagger tag and the module's error answers (input is read by `AdminBody` /
 * `AdminQuery`). Any route may answer 400: the host's body parser refuses malformed JSON before the route runs.
 */
export const AdminRoutes = () =>
  applyDecorators(
    ApiTags(ADMIN_TAG),
    ApiExtraModels(ErrorDto),
    UseFilters(JobsExceptionFilter),
    ApiBadRequestResponse({
      type: ErrorDto,
      description: 'Input at fault: `fields` names each field (unknown fields and query parameters are refused), or malformed JSON.',
    }),
    ApiUnauthorizedResponse({ type: ErrorDto, description: 'Refused by the guards of `admin.guards`: who is asking is not known.' }),
    ApiForbiddenResponse({ type: ErrorDto, description: 'Refused by the guards of `admin.guards`, or no guards are configured.' }),
  );

/** What a route that reads a body (with `AdminBody`) adds: the body must be JSON, and the host's parser bounds its size. */
export const JsonBody = () =>
  applyDecorators(
    UseInterceptors(JsonBodyInterceptor),
    ApiUnsupportedMediaTypeResponse({ type: ErrorDto, description: 'A body whose content type is not JSON; the message names it.' }),
    ApiPayloadTooLargeResponse({ type: PlatformErrorDto, description: `A body over ${BODY_LIMIT_NOTE}.` }),
  );
