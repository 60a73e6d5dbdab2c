import { describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  AppEvents,
  JobProcessor,
  JobService,
  JobsTesting,
  JobsTestingModule,
  OnAppEvent,
  type AppEventContext,
  type JobContext,
  type JobHandler,
  type JobsTestingMode,
} from '../../lib/index.js';
import { testLogger } from '../support/logger.js';

@Injectable()
class Welcome {
  readonly welcomed: string[] = [];

  @OnAppEvent('user.created')
  welcome(payload: { email: string }, ctx: AppEventContext) {
    this.welcomed.push(`${payload.email} (${ctx.event.source})`);
  }
}

@JobProcessor('user.import')
class ImportUser implements JobHandler<{ email: string }, string> {
  handle(data: { email: string }, ctx: JobContext) {
    return ctx.emit('user.created', data, { source: 'import' });
  }
}

async function testingApp(mode: JobsTestingMode, events = true) {
  const moduleRef = await Test.createTestingModule({
    imports: [JobsTestingModule.forRoot({ mode, events })],
    providers: [Welcome, ImportUser],
  })
    .setLogger(testLogger())
    .compile();
  await moduleRef.init();
  return moduleRef;
}

describe('application events under JobsTestingModule', () => {
  it('delivers inline, also what a job emits through its context', async () => {
    const app = await testingApp('inline');
    await app.get(AppEvents).emit('user.created', { email: 'ada@example.com' }, { source: 'test' });
    await app.get(JobService).add('user.import', { email: 'alan@example.com' });
    expect(app.get(Welcome).welcomed).toEqual(['ada@example.com (test)', 'alan@example.com (import)']);
    await app.close();
  });

  it('queues each delivery as a job in fake mode, under its event id', async () => {
    const app = await testingApp('fake');
    const id = await app.get(AppEvents).emit('user.created', { email: 'grace@example.com' });
    const testing = app.get(JobsTesting);
    expect(testing.enqueued('event:Welcome.welcome').map((j) => j.id)).toEqual([`${id}:event:Welcome.welcome`]);
    expect(app.get(Welcome).welcomed).toEqual([]);
    await testing.drain();
    expect(app.get(Welcome).welcomed).toEqual(['grace@example.com (null)']);
    await app.close();
  });

  it('without events, tells a job that emits how to turn them on', async () => {
    const app = await testingApp('inline', false);
    await app.get(JobService).add('user.import', { email: 'x@example.com' }, { attempts: 1 });
    const [job] = app.get(JobsTesting).enqueued('user.import');
    expect(job.error?.message).toContain('needs the "events" option of JobsModule.forRoot');
    expect(() => app.get(AppEvents)).toThrow();
    await app.close();
  });
});
