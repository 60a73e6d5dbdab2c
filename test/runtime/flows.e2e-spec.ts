import { afterEach, describe, expect, it } from '@jest/globals';
import { JobProcessor, type JobContext, type JobHandler } from '../../lib/index.js';
import { createJobsApp, type JobsTestApp } from '../support/jobs-app.js';

@JobProcessor('part')
class PartJob implements JobHandler<{ value: number }, number> {
  handle(data: { value: number }) {
    return data.value;
  }
}

@JobProcessor('total', { queue: 'totals' })
class TotalJob implements JobHandler<unknown, number> {
  async handle(_: unknown, ctx: JobContext) {
    const parts = await ctx.childResults<number>();
    return Object.values(parts).reduce((a, b) => a + b, 0);
  }
}

@JobProcessor('step')
class StepJob implements JobHandler<{ label: string; fail?: boolean }, string> {
  readonly order: string[] = [];
  handle(data: { label: string; fail?: boolean }) {
    this.order.push(data.label);
    if (data.fail) throw new Error(`step ${data.label} failed`);
    return data.label;
  }
}

describe('flows and chains', () => {
  let t: JobsTestApp;
  afterEach(() => t?.close());

  it('runs a parent after its children, across queues, with their results', async () => {
    t = await createJobsApp([PartJob, TotalJob]);
    const flow = await t.jobs.flow({
      name: 'total',
      data: {},
      children: [
        { name: 'part', data: { value: 2 } },
        { name: 'part', data: { value: 40 } },
      ],
    });
    expect(flow.queue).toBe('totals');
    expect(flow.children.map((c) => c.queue)).toEqual(['default', 'default']);
    const enqueued = t.events.of('enqueued').map((e) => e.jobId);
    expect(enqueued.sort()).toEqual([flow.id, ...flow.children.map((c) => c.id)].sort());
    expect((await t.events.waitFor('completed', flow.id)).result).toBe(42);
  });

  it('runs a chain in order, and a failed step stops the rest', async () => {
    t = await createJobsApp([StepJob], { defaultJobOptions: { attempts: 1 } });
    const handles = await t.jobs.chain(['a', 'b', 'c'].map((label) => ({ name: 'step', data: { label } })));
    await t.events.waitFor('completed', handles[2].id);
    expect(t.app.get(StepJob).order).toEqual(['a', 'b', 'c']);

    const broken = await t.jobs.chain([
      { name: 'step', data: { label: 'x' } },
      { name: 'step', data: { label: 'y', fail: true } },
      { name: 'step', data: { label: 'z' } },
    ]);
    await t.events.waitFor('failed', broken[1].id);
    // The step after it fails with it, without running.
    await t.events.waitFor('failed', broken[2].id);
    expect((await t.jobs.get(broken[2].id))?.state).toBe('failed');
    expect(t.app.get(StepJob).order).toEqual(['a', 'b', 'c', 'x', 'y']);
  });
});
