import { Injectable, Logger, NotFoundException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { Prisma, type Order } from '@prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import type { PlaceOrderDto } from '../users/dto/create-user.dto';

export interface DailyRevenue {
  day: Date;
  orders: number;
  revenue: Prisma.Decimal;
}

const PLACED_ORDER_TTL_HOURS = 48;

@Injectable()
export class OrdersService {
  private readonly logger = new Logger(OrdersService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly events: EventEmitter2,
  ) {}

  // expect: operation idempotency=no event=yes commit=yes
  async placeOrder(userId: string, dto: PlaceOrderDto): Promise<Order> {
    const total = dto.lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
    return this.prisma.$transaction(async (tx) => {
      const order = await tx.order.create({
        data: { userId, total: new Prisma.Decimal(total), lines: dto.lines as unknown as Prisma.InputJsonValue },
      });
      await tx.outboxEvent.create({
        data: {
          aggregateType: 'order',
          aggregateId: order.id,
          type: 'order.placed',
          payload: { orderId: order.id, userId, total },
        },
      });
      return order;
    });
  }

  // expect: operation event=no
  async cancelAllForUser(userId: string, reason: string): Promise<number> {
    const [cancelled] = await this.prisma.$transaction([
      this.prisma.order.updateMany({ where: { userId, status: 'PLACED' }, data: { status: 'CANCELLED' } }),
      this.prisma.auditLog.create({ data: { action: 'orders.cancel-all', subject: userId, detail: reason } }),
    ]);
    // expect: none — an in-process event emitted after the transaction committed: a dual write, not an outbox event
    this.events.emit('orders.cancelled', { userId, count: cancelled.count });
    return cancelled.count;
  }

  // expect: operation
  async expireStale(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - PLACED_ORDER_TTL_HOURS * 3_600_000);
    const count = await this.prisma.$executeRaw`UPDATE "Order" SET "status" = 'EXPIRED' WHERE "status" = 'PLACED' AND "createdAt" < ${cutoff}`;
    // expect: none — SQL words inside a log message are text, not a call
    this.logger.log(`UPDATE "Order" SET status = 'EXPIRED' touched ${count} rows; no DELETE FROM "Order" is ever run`);
    return count;
  }

  // expect: none — $queryRaw with a SELECT is a read
  async revenueByDay(days: number): Promise<DailyRevenue[]> {
    return this.prisma.$queryRaw<DailyRevenue[]>`
      SELECT date_trunc('day', "createdAt") AS day, count(*)::int AS orders, sum("total") AS revenue
      FROM "Order" WHERE "status" = 'PAID' AND "createdAt" > now() - make_interval(days => ${days})
      GROUP BY 1 ORDER BY 1`;
  }

  // expect: none — a read
  async findOne(id: string): Promise<Order> {
    const order = await this.prisma.order.findUnique({ where: { id } });
    if (!order) throw new NotFoundException(`order ${id} not found`);
    // expect: none — DB words in a trailing comment are not a call
    return order; // cancelling it later goes through prisma.order.update() in cancelAllForUser
  }
}
