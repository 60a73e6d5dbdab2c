import { Column, Entity, PrimaryColumn } from 'typeorm';

/** How far one queue's event stream has been checked against history, and which instance checks it until when. */
@Entity({ name: 'job_history_cursors', synchronize: false })
export class JobHistoryCursor {
  /** The queue in its namespace: `redis:<prefix>/<queue>` or `postgres:<schema>/<queue>`. */
  @PrimaryColumn({ type: 'varchar', length: 255 })
  queue!: string;

  /** Id of the last stream event whose attempt rows are known to be written; null before the first. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  position!: string | null;

  /** The instance that holds the lease (`host:pid:random`). */
  @Column({ type: 'varchar', length: 255, nullable: true })
  owner!: string | null;

  /** Milliseconds since the epoch until which `owner` holds the lease. */
  @Column({ name: 'lease_until', type: 'bigint', default: 0 })
  leaseUntil!: string;
}
