import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { ExecutionStatus } from '../../interfaces/job-history.interface.js';

/**
 * One attempt of one job. Columns are portable across PostgreSQL, MySQL/MariaDB and SQLite; times carry milliseconds.
 * The shipped migration owns the schema (it picks types per database), so `synchronize` and generated migrations skip it.
 */
@Entity({ name: 'job_executions', synchronize: false })
@Index('UQ_job_executions_attempt', ['queue', 'jobId', 'attempt'], { unique: true })
@Index('IDX_job_executions_name_started', ['name', 'startedAt'])
@Index('IDX_job_executions_status_started', ['status', 'startedAt'])
@Index('IDX_job_executions_name_status_id', ['name', 'status', 'id'])
@Index('IDX_job_executions_started_id', ['startedAt', 'id'])
@Index('IDX_job_executions_job', ['jobId'])
export class JobExecution {
  /** Grows with insertion order; the cursor of `JobHistoryService.find`. */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'job_id', type: 'varchar', length: 255 })
  jobId!: string;

  @Column({ type: 'varchar', length: 255 })
  queue!: string;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: ExecutionStatus;

  /** 1 for the first attempt; 0 for a job cancelled before it ever ran. */
  @Column({ type: 'int' })
  attempt!: number;

  @Column({ name: 'max_attempts', type: 'int' })
  maxAttempts!: number;

  @Column({ type: 'simple-json', nullable: true })
  data!: unknown;

  @Column({ type: 'simple-json', nullable: true })
  result!: unknown;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage!: string | null;

  @Column({ name: 'error_stack', type: 'text', nullable: true })
  errorStack!: string | null;

  @Column({ type: 'simple-json', nullable: true })
  progress!: number | object | null;

  /** Lines the handler wrote with `ctx.log`, capped by `history.maxLogLines`. */
  @Column({ type: 'simple-json', nullable: true })
  logs!: string[] | null;

  @Column({ name: 'enqueued_at', type: Date, precision: 3, nullable: true })
  enqueuedAt!: Date | null;

  @Column({ name: 'started_at', type: Date, precision: 3, nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: Date, precision: 3, nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'duration_ms', type: 'int', nullable: true })
  durationMs!: number | null;

  @Column({ name: 'worker_host', type: 'varchar', length: 255, nullable: true })
  workerHost!: string | null;

  @Column({ name: 'worker_pid', type: 'int', nullable: true })
  workerPid!: number | null;

  /** Scheduler id of a scheduled run: `cron/<name>`, `schedule/<id>` or `definition/<name>`. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  schedule!: string | null;

  @Column({ name: 'definition_id', type: 'varchar', length: 36, nullable: true })
  definitionId!: string | null;

  /**
   * Written from the queue's event stream because the process that ran the attempt died before it wrote the row: it
   * has what the queue still knew of the job, and fewer details (see README, "What history guarantees").
   */
  @Column({ type: 'boolean', default: false })
  recovered!: boolean;
}
