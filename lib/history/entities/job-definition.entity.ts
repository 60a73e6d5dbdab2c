import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A job defined at run time rather than in code: a registered handler with its data, and optionally a schedule. */
@Entity({ name: 'job_definitions', synchronize: false })
export class JobDefinition {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 255, unique: true })
  name!: string;

  /** The registered job name (`@JobProcessor`) that runs it. */
  @Column({ type: 'varchar', length: 255 })
  handler!: string;

  @Column({ type: 'simple-json', nullable: true })
  data!: unknown;

  /** Cron expression; none means it runs only through `execute`. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  cron!: string | null;

  @Column({ name: 'time_zone', type: 'varchar', length: 64, nullable: true })
  timeZone!: string | null;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ type: 'int', nullable: true })
  attempts!: number | null;

  /** Milliseconds. */
  @Column({ type: 'int', nullable: true })
  timeout!: number | null;

  @Column({ type: 'text', nullable: true })
  memo!: string | null;

  @Column({ type: 'simple-json', nullable: true })
  tags!: string[] | null;

  @Column({ name: 'created_by', type: 'varchar', length: 255, nullable: true })
  createdBy!: string | null;

  @Column({ name: 'updated_by', type: 'varchar', length: 255, nullable: true })
  updatedBy!: string | null;

  @CreateDateColumn({ name: 'created_at', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', precision: 3 })
  updatedAt!: Date;
}
