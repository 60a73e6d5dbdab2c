import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One application event as `AppEvents.emit` stored it, payload redacted as `history.redact` says. Its deliveries are
 * jobs: their attempts are the `job_executions` rows whose job id starts with `<id>:`.
 */
@Entity({ name: 'app_events', synchronize: false })
@Index('UQ_app_events_id', ['id'], { unique: true })
@Index('IDX_app_events_name_emitted', ['name', 'emittedAt'])
@Index('IDX_app_events_source_emitted', ['source', 'emittedAt'])
@Index('IDX_app_events_emitted', ['emittedAt'])
export class AppEventRecord {
  /** Grows with insertion order; the cursor of the event list. */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  seq!: string;

  /** The id `emit` returned. */
  @Column({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  source!: string | null;

  @Column({ type: 'simple-json', nullable: true })
  payload!: object | string | number | boolean | null;

  /** The delivery job names the event was given to. */
  @Column({ type: 'simple-json' })
  subscribers!: string[];

  @Column({ name: 'emitted_at', type: Date, precision: 3 })
  emittedAt!: Date;
}
