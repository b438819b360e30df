import { BadRequestException, Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, ParseUUIDPipe, Patch, Post, Put } from '@nestjs/common';
import type { Order } from '../../generated/prisma/client.js';
import { checkCreateOrder, CreateOrderDto } from './dto/create-order.dto.js';
import { checkUpdateOrder, UpdateOrderDto } from './dto/update-order.dto.js';
import { OrdersService } from './orders.service.js';

@Controller('orders')
export class OrdersController {
  constructor(private readonly ordersService: OrdersService) {}

  @Get(':id')
  findOne(@Param('id', ParseUUIDPipe) id: string): Promise<Order> {
    return this.ordersService.findOne(id);
  }

  @Post()
  create(@Body() body: CreateOrderDto): Promise<Order> {
    return this.ordersService.create(checkCreateOrder(body));
  }

  @Patch(':id')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateOrderDto): Promise<Order> {
    return this.ordersService.update(id, checkUpdateOrder(body));
  }

  @Put(':id/note')
  async annotate(@Param('id', ParseUUIDPipe) id: string, @Body('note') note: unknown): Promise<Order> {
    if (typeof note !== 'string' || note.length > 500) throw new BadRequestException('note must be a string of at most 500 characters');
    const outcome = await this.ordersService.annotate(id, note);
    if (!outcome.found) throw new NotFoundException(`no order ${id}`);
    return outcome.order;
  }

  @Post(':id/ship')
  @HttpCode(200)
  ship(@Param('id', ParseUUIDPipe) id: string): Promise<Order> {
    return this.ordersService.ship(id);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.ordersService.remove(id);
  }
}
