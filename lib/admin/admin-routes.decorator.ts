import { applyDecorators, UseFilters } from '@nestjs/common';
import { ApiBadRequestResponse, ApiExtraModels, ApiForbiddenResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { JobsExceptionFilter } from './jobs-exception.filter.js';
import { ErrorDto } from './dto/error.dto.js';
import { ADMIN_TAG } from './admin.constants.js';

/** The Swagger tag every admin route is listed under. */
/** What every admin route class shares: one Swagger tag and the module's error answers (input is read by `AdminBody` / `AdminQuery`). */
export const AdminRoutes = () =>
  applyDecorators(
    ApiTags(ADMIN_TAG),
    ApiExtraModels(ErrorDto),
    UseFilters(JobsExceptionFilter),
    ApiBadRequestResponse({ type: ErrorDto, description: 'Input at fault; `fields` names each field.' }),
    ApiUnauthorizedResponse({ type: ErrorDto, description: 'Refused by the guards of `admin.guards`: who is asking is not known.' }),
    ApiForbiddenResponse({ type: ErrorDto, description: 'Refused by the guards of `admin.guards`, or no guards are configured.' }),
  );
