import { describe, expect, it } from '@jest/globals';
import { Injectable, Scope } from '@nestjs/common';
import { JobProcessor, JobsConfigurationError, OnJobEvent, type JobHandler } from '../../lib/index.js';
import { createJobsApp } from '../support/jobs-app.js';

@JobProcessor('report.build')
class ReportJob implements JobHandler<unknown, string> {
  handle() {
    return 'a';
  }
}

@JobProcessor('report.build')
class OtherReportJob implements JobHandler<unknown, string> {
  handle() {
    return 'b';
  }
}

@JobProcessor('no.handle')
class NoHandleJob {}

@JobProcessor('scoped')
class ScopedJob implements JobHandler<unknown, string> {
  handle() {
    return 'scoped';
  }
}

@Injectable()
class BadHook {
  @OnJobEvent('finished' as never)
  on() {}
}

@Injectable()
class BadScopeHook {
  @OnJobEvent('completed', { scope: 'everywhere' as never })
  on() {}
}

const startupError = async (...args: Parameters<typeof createJobsApp>) => {
  const error = await createJobsApp(...args).then(
    async (t) => (await t.close(), undefined),
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(JobsConfigurationError);
  return (error as Error).message;
};

describe('start-up checks', () => {
  it('refuses two processors of one job name, naming both classes', async () => {
    const message = await startupError([ReportJob, OtherReportJob]);
    expect(message).toContain('"report.build"');
    expect(message).toContain('ReportJob');
    expect(message).toContain('OtherReportJob');
  });

  it('refuses a processor without handle()', async () => {
    expect(await startupError([NoHandleJob])).toContain("NoHandleJob is decorated with @JobProcessor('no.handle') but has no handle");
  });

  it('refuses a processor that is not a singleton', async () => {
    expect(await startupError([{ provide: ScopedJob, useClass: ScopedJob, scope: Scope.TRANSIENT }])).toContain('ScopedJob');
  });

  it('refuses an @OnJobEvent on an unknown event, naming Class.method', async () => {
    expect(await startupError([BadHook])).toContain('BadHook.on');
  });

  it('refuses an @OnJobEvent with an unknown scope, naming Class.method and the scopes', async () => {
    expect(await startupError([BadScopeHook])).toBe(
      `@OnJobEvent on BadScopeHook.on has scope "everywhere"; expected 'local' or 'cluster'.`,
    );
  });

  it('refuses a wrong module option, naming it and what was expected', async () => {
    expect(await startupError([], { prefix: 'a:b' })).toContain('"prefix" must be a non-empty string without ":"');
    expect(await startupError([], { workers: ['nowhere'] })).toContain('unknown queues: nowhere');
  });

  it('refuses a processor option that cannot work', async () => {
    @JobProcessor('bad.backoff', { backoff: { type: 'cubic' as never, delay: 1 } })
    class BadBackoffJob implements JobHandler<unknown, void> {
      handle() {}
    }
    expect(await startupError([BadBackoffJob])).toContain(
      '@JobProcessor on BadBackoffJob: option "backoff" must have type fixed | exponential | linear',
    );
  });
});
