import { Injectable } from '@nestjs/common';
import type { FlowJob } from 'bullmq';
import { InvalidJobOptionsError } from '../jobs.errors.js';
import type { JobHandle } from '../interfaces/job-info.interface.js';
import type { JobFlowHandle, JobFlowNode, JobRequestItem } from '../interfaces/job-flow.interface.js';
import { fromQueueId } from '../policy/job-ids.js';
import { JobEnqueuer } from './job.enqueuer.js';
import { JobRequestBuilder } from './job-request.builder.js';
import { QueueRegistry } from './queue.registry.js';

/** A chain is a flow whose each step is the parent of the step before: the first step is the deepest child. */
export async function chainAsFlow(steps: JobRequestItem[], flow: (root: JobFlowNode) => Promise<JobFlowHandle>): Promise<JobHandle[]> {
  if (!steps.length) throw new InvalidJobOptionsError('steps', 'must list at least one job.');
  const nested = steps.reduce<JobFlowNode | undefined>((child, step) => ({ ...step, children: child ? [child] : undefined }), undefined)!;
  const handles: JobHandle[] = [];
  for (let node: JobFlowHandle | undefined = await flow(nested); node; node = node.children[0]) {
    handles.unshift({ id: node.id, name: node.name, queue: node.queue });
  }
  return handles;
}

/** `JobService.flow` and `chain`: trees of jobs on BullMQ's FlowProducer, each node validated like `add`. */
@Injectable()
export class JobFlows {
  constructor(
    private readonly requests: JobRequestBuilder,
    private readonly enqueuer: JobEnqueuer,
    private readonly queues: QueueRegistry,
  ) {}

  /** Adds a tree of jobs: each parent runs once all of its children have completed. */
  async flow(root: JobFlowNode): Promise<JobFlowHandle> {
    const tree = await this.toFlowJob(root);
    const node = await this.queues.flowProducer().add(tree);
    const toHandle = (n: typeof node): JobFlowHandle => {
      this.enqueuer.publish('enqueued', n.job);
      return { id: fromQueueId(n.job.id!), name: n.job.name, queue: n.job.queueName, children: (n.children ?? []).map(toHandle) };
    };
    return toHandle(node);
  }

  /** Runs jobs one after another, each once the previous has completed; a failed step fails the rest. */
  async chain(steps: JobRequestItem[]): Promise<JobHandle[]> {
    return chainAsFlow(steps, (root) => this.flow(root));
  }

  /** A child that fails for good fails its parent, rather than leaving it waiting for ever. */
  private async toFlowJob(node: JobFlowNode, isChild = false): Promise<FlowJob> {
    const request = await this.requests.build(node.name, node.data, node.options);
    const children = node.children?.length ? await Promise.all(node.children.map((c) => this.toFlowJob(c, true))) : undefined;
    const opts = isChild ? { ...request.opts, failParentOnFailure: true } : request.opts;
    return { name: node.name, queueName: request.job.queue, data: request.data, opts, children };
  }
}
