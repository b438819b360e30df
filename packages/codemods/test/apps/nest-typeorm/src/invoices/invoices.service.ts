import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import type { CreateInvoiceDto } from './dto/create-invoice.dto.js';
import type { UpdateInvoiceDto } from './dto/update-invoice.dto.js';
import { Invoice } from './invoice.entity.js';

@Injectable()
export class InvoicesService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(Invoice) private readonly invoices: Repository<Invoice>,
  ) {}

  async findOne(id: string): Promise<Invoice> {
    const invoice = await this.invoices.findOneBy({ id });
    if (!invoice) throw new NotFoundException(`no invoice ${id}`);
    return invoice;
  }

  async create(dto: CreateInvoiceDto): Promise<Invoice> {
    return this.dataSource.transaction(async (manager) => {
      const invoice = manager.create(Invoice, { customer: dto.customer, amountCents: dto.amountCents, status: 'open', paidAt: null });
      return manager.save(invoice);
    });
  }

  async update(id: string, dto: UpdateInvoiceDto): Promise<Invoice> {
    const invoice = await this.findOne(id);
    if (invoice.status === 'paid') throw new ConflictException(`invoice ${id} is paid: it cannot change`);
    return this.invoices.save(this.invoices.merge(invoice, dto));
  }

  async pay(id: string): Promise<Invoice> {
    return this.dataSource.transaction(async (manager) => {
      const invoice = await manager.findOneBy(Invoice, { id });
      if (!invoice) throw new NotFoundException(`no invoice ${id}`);
      if (invoice.status === 'paid') throw new ConflictException(`invoice ${id} is paid already`);
      await manager.update(Invoice, { id }, { status: 'paid', paidAt: new Date() });
      return manager.findOneByOrFail(Invoice, { id });
    });
  }

  async remove(id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const invoice = await manager.findOneBy(Invoice, { id });
      if (!invoice) throw new NotFoundException(`no invoice ${id}`);
      if (invoice.status === 'paid') throw new ConflictException(`invoice ${id} is paid: it cannot be deleted`);
      await manager.delete(Invoice, { id });
    });
  }
}
