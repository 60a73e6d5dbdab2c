import { Injectable } from '@nestjs/common';
import type { JobContext } from '../interfaces/job-context.interface.js';
import type { CronOptions } from '../interfaces/schedule.interface.js';

/** A `@Cron`/`@Every` method as found at start-up, already validated. */
export interface DeclaredCron {
  name: string;
  /** `Class.method`, for messages. */
  where: string;
  queue: string;
  expression?: string;
  every?: number;
  options: CronOptions;
  enabled: boolean;
  distributed: boolean;
  run: (ctx: JobContext) => unknown;
}

/** The crons this application declares in code. */
@Injectable()
export class CronRegistry {
  private readonly crons: DeclaredCron[] = [];

  add(cron: DeclaredCron): void {
    this.crons.push(cron);
  }

  /** Enabled distributed crons: the job schedulers this application owns. */
  distributed(): DeclaredCron[] {
    return this.crons.filter((c) => c.enabled && c.distributed);
  }

  local(): DeclaredCron[] {
    return this.crons.filter((c) => c.enabled && !c.distributed);
  }
}
