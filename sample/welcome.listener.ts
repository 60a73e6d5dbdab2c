import { Injectable } from '@nestjs/common';
import { JobService, OnAppEvent, type AppEventContext } from 'nestjs-jobs';
import type { SignupDto } from './signups.controller.js';

/** Turns each sign-up into work: a welcome, here the built-in `log.message` job standing in for a mail. */
@Injectable()
export class WelcomeListener {
  constructor(private readonly jobs: JobService) {}

  @OnAppEvent('user.*', { attempts: 3 })
  async welcome(user: SignupDto, ctx: AppEventContext<SignupDto>) {
    const { id } = await this.jobs.add('log.message', { message: `welcome ${user.email}`, category: 'Signups' });
    await ctx.log(`event ${ctx.event.id} became job ${id}`);
    return { job: id };
  }
}
