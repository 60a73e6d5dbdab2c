import { Inject, Injectable, Logger, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { JobEvent } from '../interfaces/job-event.interface.js';
import type { QueueCounts } from '../interfaces/job-info.interface.js';
import { JobService } from '../job.service.js';
import { REPAIR_STATS } from '../history/history.constants.js';
import type { RepairStats } from '../history/history.repairer.js';
import { OUTBOX_STATS, type OutboxStats } from '../outbox/outbox.constants.js';
import { JobEventBus } from '../runtime/job-event.bus.js';
import type { ResolvedMetricsOptions } from './metrics-options.js';
import { METRICS_OPTIONS } from './metrics.constants.js';

const LABELS = ['queue', 'name'] as const;
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
const WAIT_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 1800];
/** Attempts end with one of these; each has a start and an end to time. */
const ATTEMPT_ENDS = new Set<JobEvent['type']>(['completed', 'failed', 'timeout', 'cancelled', 'retrying']);

/**
 * Prometheus metrics of the lifecycle stream, and queue sizes read from the backend when scraped. Counters and
 * histograms count what this instance saw; the gauges are the same on every instance.
 */
@Injectable()
export class JobsMetrics implements OnModuleInit, OnModuleDestroy {
  readonly registry: Registry;
  private readonly logger = new Logger('JobsModule');
  private readonly counters: Partial<Record<JobEvent['type'], Counter<string>>>;
  private readonly failed: Counter<string>;
  private readonly duration: Histogram<string>;
  private readonly wait: Histogram<string>;
  private unsubscribe?: () => void;
  private snapshot?: Promise<Record<string, QueueCounts> | undefined>;
  private readonly ownsRegistry: boolean;
  private readonly names: string[] = [];

  constructor(
    @Inject(METRICS_OPTIONS) options: ResolvedMetricsOptions,
    private readonly bus: JobEventBus,
    private readonly jobs: JobService,
    @Optional() @Inject(REPAIR_STATS) repairStats?: RepairStats,
    @Optional() @Inject(OUTBOX_STATS) outboxStats?: OutboxStats,
  ) {
    this.ownsRegistry = !options.registry;
    this.registry = options.registry ?? new Registry();
    const prefix = options.prefix ?? 'jobs_';
    const registers = [this.registry];
    const counter = (name: string, help: string, labelNames: readonly string[] = LABELS) =>
      new Counter({ name: this.named(prefix + name), help, labelNames, registers });
    this.counters = {
      enqueued: counter('enqueued_total', 'Jobs enqueued by this instance.'),
      completed: counter('completed_total', 'Jobs that completed.'),
      retrying: counter('retried_total', 'Attempts that failed and are retried.'),
      cancelled: counter('cancelled_total', 'Jobs cancelled, before or while they ran.'),
    };
    this.failed = counter('failed_total', 'Jobs that failed for good (timeouts included), by error class.', [...LABELS, 'reason']);
    const histogram = (name: string, help: string, buckets: number[]) =>
      new Histogram({ name: this.named(prefix + name), help, labelNames: LABELS, buckets, registers });
    this.duration = histogram(
      'run_duration_seconds',
      'How long attempts ran, whatever their outcome.',
      options.durationBuckets ?? DURATION_BUCKETS,
    );
    this.wait = histogram(
      'wait_duration_seconds',
      'From when a job could run (enqueue plus any delay) to the start of its first attempt.',
      options.waitBuckets ?? WAIT_BUCKETS,
    );
    // Jobs with a priority wait in BullMQ's `prioritized` set, and every job of this module has one.
    this.queueGauge(
      prefix + 'queue_waiting',
      'Jobs waiting to run per queue, prioritized ones included.',
      (c) => c.waiting + c.prioritized,
      registers,
    );
    this.queueGauge(prefix + 'queue_active', 'Jobs running per queue.', (c) => c.active, registers);
    this.queueGauge(prefix + 'queue_delayed', 'Jobs delayed per queue.', (c) => c.delayed, registers);
    this.queueGauge(prefix + 'queue_failed', 'Failed jobs kept per queue.', (c) => c.failed, registers);
    this.queueGauge(prefix + 'queue_paused', '1 when the queue is paused.', (c) => Number(c.paused), registers);
    if (repairStats) this.recoveryCounters(prefix, repairStats, registers);
    if (outboxStats) this.outboxMetrics(prefix, outboxStats, registers);
  }

  /** What the outbox relay moved on this instance, and how long its last job waited, read when scraped. */
  private outboxMetrics(prefix: string, stats: OutboxStats, registers: Registry[]): void {
    let counted = 0;
    new Counter({
      name: this.named(prefix + 'outbox_relayed_total'),
      help: 'Jobs this instance moved from the outbox table (added inside host transactions) to their queues.',
      registers,
      collect() {
        this.inc(stats.relayed - counted);
        counted = stats.relayed;
      },
    });
    new Gauge({
      name: this.named(prefix + 'outbox_relay_lag_seconds'),
      help: 'From the add inside the host transaction to the queue add, of the last job this instance relayed.',
      registers,
      collect() {
        this.set(stats.lastLagMs / 1000);
      },
    });
  }

  /** What history recovery did on this instance, read when scraped. */
  private recoveryCounters(prefix: string, stats: RepairStats, registers: Registry[]): void {
    const counters: Array<[keyof RepairStats, string, string]> = [
      [
        'recovered',
        'history_recovered_rows_total',
        'History rows written from the queue event stream because the process that ran the attempt died first.',
      ],
      [
        'partial',
        'history_partial_rows_total',
        'Of those, rows with only the result or reason from the stream: the queue had already removed the job.',
      ],
      [
        'gaps',
        'history_stream_gaps_total',
        'Times a queue event stream had been trimmed past where history last read it: attempts in between may have no row.',
      ],
    ];
    for (const [stat, name, help] of counters) {
      let counted = 0;
      new Counter({
        name: this.named(prefix + name),
        help,
        registers,
        collect() {
          this.inc(stats[stat] - counted);
          counted = stats[stat];
        },
      });
    }
  }

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe({ event: '*' }, (event) => this.record(event));
  }

  /** A registry of the host's (or prom-client's global one) outlives the module: take the metrics back, so a new app can add them again. */
  onModuleDestroy(): void {
    this.unsubscribe?.();
    if (this.ownsRegistry) this.registry.clear();
    else for (const name of this.names) this.registry.removeSingleMetric(name);
  }

  /** The text Prometheus scrapes. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  private record(event: JobEvent): void {
    const labels = { queue: event.queue, name: event.name };
    this.counters[event.type]?.inc(labels);
    if (event.type === 'failed' || event.type === 'timeout') this.failed.inc({ ...labels, reason: event.error?.name ?? 'Error' });
    if (event.type === 'active') {
      const readyAt = event.readyAt ?? event.enqueuedAt;
      if (event.attempt === 1 && readyAt && event.startedAt) this.wait.observe(labels, (event.startedAt - readyAt) / 1000);
    } else if (ATTEMPT_ENDS.has(event.type) && 'startedAt' in event && event.startedAt) {
      const finishedAt = 'finishedAt' in event ? event.finishedAt : event.timestamp;
      this.duration.observe(labels, Math.max(0, finishedAt - event.startedAt) / 1000);
    }
  }

  private named(name: string): string {
    this.names.push(name);
    return name;
  }

  private queueGauge(name: string, help: string, value: (counts: QueueCounts) => number, registers: Registry[]): void {
    const gauge: Gauge<string> = new Gauge({
      name: this.named(name),
      help,
      labelNames: ['queue'],
      registers,
      collect: async () => {
        gauge.reset();
        const counts = await this.queueCounts();
        for (const [queue, c] of Object.entries(counts ?? {})) gauge.set({ queue }, value(c));
      },
    });
  }

  /** One read of the backend per scrape, shared by the gauges that Prometheus' registry collects together. */
  private queueCounts(): Promise<Record<string, QueueCounts> | undefined> {
    this.snapshot ??= this.jobs
      .counts()
      .catch((err: Error) => {
        this.logger.warn(`Queue sizes for metrics could not be read: ${err.message}`);
        return undefined;
      })
      .finally(() => setImmediate(() => (this.snapshot = undefined)));
    return this.snapshot;
  }
}
