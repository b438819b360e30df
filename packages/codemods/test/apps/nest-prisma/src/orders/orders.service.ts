import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { Order } from '../../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { CreateOrderDto } from './dto/create-order.dto.js';
import type { UpdateOrderDto } from './dto/update-order.dto.js';

@Injectable()
export class OrdersService {
  constructor(private readonly prisma: PrismaService) {}

  async findOne(id: string): Promise<Order> {
    const order = await this.prisma.order.findUnique({ where: { id } });
    if (!order) throw new NotFoundException(`no order ${id}`);
    return order;
  }

  async create(dto: CreateOrderDto): Promise<Order> {
    return this.prisma.$transaction(async (tx) => {
      return tx.order.create({ data: { customer: dto.customer, totalCents: dto.totalCents, note: dto.note ?? null } });
    });
  }

  /** Only a pending order can change; the update commits by itself. */
  async update(id: string, dto: UpdateOrderDto): Promise<Order> {
    const order = await this.prisma.order.findUnique({ where: { id } });
    if (!order) throw new NotFoundException(`no order ${id}`);
    if (order.status !== 'pending') throw new ConflictException(`order ${id} has shipped: it cannot change`);
    return this.prisma.order.update({ where: { id }, data: dto });
  }

  /**
   * Sets the note of any order. A missing one is an answer, not an exception: Prisma's update fails (P2025) and the
   * catch says so, the way many Prisma services report a missing row.
   */
  async annotate(id: string, note: string): Promise<{ found: true; order: Order } | { found: false }> {
    try {
      const order = await this.prisma.order.update({ where: { id }, data: { note } });
      return { found: true, order };
    } catch {
      return { found: false };
    }
  }

  async ship(id: string): Promise<Order> {
    return this.prisma.$transaction(async (tx) => {
      const order = await tx.order.findUnique({ where: { id } });
      if (!order) throw new NotFoundException(`no order ${id}`);
      if (order.status === 'shipped') throw new ConflictException(`order ${id} has shipped already`);
      return tx.order.update({ where: { id }, data: { status: 'shipped', shippedAt: new Date() } });
    });
  }

  async remove(id: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const order = await tx.order.findUnique({ where: { id } });
      if (!order) throw new NotFoundException(`no order ${id}`);
      if (order.status === 'shipped') throw new ConflictException(`order ${id} has shipped: it cannot be deleted`);
      await tx.order.delete({ where: { id } });
    });
  }
}
