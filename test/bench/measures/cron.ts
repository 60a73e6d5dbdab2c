import { Injectable, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Cron, JobEventBus, JobsModule, type JobContext } from 'nestjs-jobs';
import { REDIS_URL, deletePrefix, uniqueName } from '../services.js';
import { deadline, nowMs, percentile } from '../stats.js';

const CRON_JOB = 'bench.cron';

/** Ticks every second; each run notes how late its handler started against its tick's due time. */
@Injectable()
class EverySecond {
  readonly due = new Map<string, number>();
  onTick: (lag: number) => void = () => undefined;

  @Cron('* * * * * *', { name: CRON_JOB })
  tick(ctx: JobContext): void {
    const started = nowMs();
    const due = this.due.get(ctx.id);
    this.due.delete(ctx.id);
    if (due !== undefined) this.onTick(started - due);
  }
}

@Module({})
class CronBenchApp {}

/**
 * Lag from a tick's scheduled time to its handler's start. A scheduler's job is due at `timestamp + delay`, which the
 * `active` event carries as `readyAt`; a tick of this schedule is due on a whole second, which it is rounded to.
 */
export async function cronLag(ticks: number): Promise<{ p50: number; p99: number }> {
  const prefix = uniqueName('cron');
  const root: DynamicModule = {
    module: CronBenchApp,
    imports: [JobsModule.forRoot({ connection: { redis: REDIS_URL }, prefix })],
    providers: [EverySecond],
  };
  const app = await NestFactory.createApplicationContext(root, { logger: false, abortOnError: false });
  try {
    const handler = app.get(EverySecond);
    // The `active` event is published just before the handler runs, with the job's due time.
    app.get(JobEventBus).subscribe({ event: 'active', name: CRON_JOB }, (event) => {
      if (event.type === 'active' && event.readyAt !== undefined) handler.due.set(event.jobId, Math.round(event.readyAt / 1000) * 1000);
    });
    const lags: number[] = [];
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    // The first tick after start-up is not counted: it may have been due before the worker was ready.
    let seen = 0;
    handler.onTick = (lag) => {
      if (seen++ === 0) return;
      lags.push(lag);
      if (lags.length === ticks) done();
    };
    await deadline(finished, (ticks + 10) * 1000, `${ticks} cron ticks`);
    return { p50: percentile(lags, 50), p99: percentile(lags, 99) };
  } finally {
    await app.close();
    await deletePrefix(prefix);
  }
}
