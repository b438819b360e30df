import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { OutboxEvent } from '../outbox/outbox-event.entity';
import { Invoice } from './invoice.entity';

@Injectable()
export class BillingService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(Invoice) private readonly invoices: Repository<Invoice>,
  ) {}

  // expect: none — a read: not an operation
  async findOpen(customerId: string): Promise<Invoice[]> {
    return this.invoices.find({ where: { customerId, status: In(['open', 'partially_paid']) }, order: { createdAt: 'ASC' } });
  }

  // expect: operation idempotency=no event=yes commit=yes — a QueryRunner transaction with the outbox row inside it
  async recordPayment(invoiceId: string, amountCents: number): Promise<Invoice> {
    const queryRunner = this.dataSource.createQueryRunner();
    await queryRunner.connect();
    await queryRunner.startTransaction();
    try {
      const invoice = await queryRunner.manager.findOne(Invoice, {
        where: { id: invoiceId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!invoice) throw new NotFoundException(`invoice ${invoiceId} not found`);
      invoice.paidCents += amountCents;
      invoice.status = invoice.paidCents >= invoice.totalCents ? 'paid' : 'partially_paid';
      await queryRunner.manager.save(invoice);
      await queryRunner.manager.insert(OutboxEvent, {
        aggregateType: 'invoice',
        aggregateId: invoice.id,
        type: 'invoice.payment-recorded',
        payload: { amountCents, status: invoice.status },
      });
      await queryRunner.commitTransaction();
      return invoice;
    } catch (error) {
      await queryRunner.rollbackTransaction();
      throw error;
    } finally {
      await queryRunner.release();
    }
  }

  // expect: operation event=no commit=yes
  async voidInvoice(invoiceId: string, reason: string): Promise<void> {
    await this.dataSource.transaction('SERIALIZABLE', async (manager) => {
      const invoice = await manager.findOneByOrFail(Invoice, { id: invoiceId });
      if (invoice.paidCents > 0) throw new ConflictException('a paid invoice cannot be voided');
      await manager.getRepository(Invoice).update({ id: invoiceId }, { status: 'void', voidReason: reason });
    });
  }
}
