import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import type { Cache } from 'cache-manager';
import type { Request } from 'express';
import { PrismaService } from '../prisma/prisma.service';
import { PlaceOrderDto } from '../users/dto/create-user.dto';
import { OrdersService } from './orders.service';

interface AuthenticatedRequest extends Request {
  user: { id: string; role: string };
}

@Controller('orders')
export class OrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly prisma: PrismaService,
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
  ) {}

  // expect: none — delegates to OrdersService.placeOrder
  @Post()
  place(@Req() req: AuthenticatedRequest, @Body() dto: PlaceOrderDto) {
    return this.orders.placeOrder(req.user.id, dto);
  }

  @Get('stats')
  async stats(@Query('userId') userId: string) {
    // expect: router-db-call
    const open = await this.prisma.order.count({ where: { userId, status: 'PLACED' } });
    return { userId, open };
  }

  @Get(':id')
  async findOne(@Param('id') id: string) {
    // expect: none — cache-manager's wrap(key, fn) reads through the cache; the service does the DB read
    return this.cache.wrap(`order:${id}`, () => this.orders.findOne(id), 30_000);
  }

  @Post('expire')
  @HttpCode(202)
  async expire() {
    const expired = await this.orders.expireStale();
    // expect: none — Cache.del evicts a cache key, not a row
    await this.cache.del('orders:stats');
    return { expired };
  }

  // expect: operation
  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id') id: string): Promise<void> {
    // expect: router-db-call
    await this.prisma.order.delete({ where: { id } });
  }
}
