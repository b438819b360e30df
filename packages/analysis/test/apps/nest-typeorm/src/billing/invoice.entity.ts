import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';

export type InvoiceStatus = 'open' | 'partially_paid' | 'paid' | 'void';

@Entity({ name: 'invoices' })
export class Invoice {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column()
  customerId!: string;

  @Column({ type: 'integer' })
  totalCents!: number;

  @Column({ type: 'integer', default: 0 })
  paidCents!: number;

  @Column({ type: 'varchar', length: 16, default: 'open' })
  status!: InvoiceStatus;

  @Column({ type: 'text', nullable: true })
  voidReason!: string | null;

  @VersionColumn()
  version!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
