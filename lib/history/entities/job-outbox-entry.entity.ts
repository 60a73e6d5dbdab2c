import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A job added inside the host's transaction, waiting for the relay to put it on its queue. It exists only once that
 * transaction has committed; the relay deletes it after the queue has taken the job.
 */
@Entity({ name: 'job_outbox', synchronize: false })
export class JobOutboxEntry {
  /**
   * Grows with insertion order: the relay takes the oldest rows first, in this key's order. No other index: the table
   * stays small, and the relay's locking reads and deletes then lock only rows of this key.
   */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  seq!: string;

  /** The queue backend it goes to, as history's cursors name it (`redis:<prefix>`, `postgres:<schema>`). */
  @Column({ type: 'varchar', length: 255 })
  namespace!: string;

  @Column({ type: 'varchar', length: 255 })
  queue!: string;

  /** The job id as BullMQ stores it: the relay adds under it, so a second add of the same row adds nothing. */
  @Column({ name: 'job_id', type: 'varchar', length: 255 })
  jobId!: string;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  /** The payload as JSON, as BullMQ would store it. */
  @Column({ type: 'text' })
  data!: string;

  /** The job's options as BullMQ takes them (`StoredJobOptions`), as JSON. */
  @Column({ type: 'text' })
  opts!: string;

  /** Milliseconds since the epoch when the job was added: its BullMQ timestamp, so a delay counts from then. */
  @Column({ name: 'created_at', type: 'bigint' })
  createdAt!: string;
}
