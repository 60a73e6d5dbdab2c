import { Body, Controller, Post, UseFilters } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse } from '@nestjs/swagger';
import { IsEmail } from 'class-validator';
import { AppEvents, JobsExceptionFilter } from 'nestjs-jobs';

/** The payload of `user.signed-up`, checked by `emit` (the `events.schemas` of app.module.ts). */
export class SignupDto {
  @IsEmail()
  email!: string;
}

/** A route of the host's own that announces a sign-up; what follows is up to the subscribers (welcome.listener.ts). */
@Controller('signups')
@UseFilters(JobsExceptionFilter)
export class SignupsController {
  constructor(private readonly events: AppEvents) {}

  @Post()
  @ApiCreatedResponse({ description: 'The event is stored and its deliveries queued: its id.' })
  @ApiBadRequestResponse({ description: 'The body does not pass SignupDto: the answer names each field at fault.' })
  async signUp(@Body() body: SignupDto): Promise<{ eventId: string }> {
    return { eventId: await this.events.emit('user.signed-up', { ...body }, { source: 'signups' }) };
  }
}
