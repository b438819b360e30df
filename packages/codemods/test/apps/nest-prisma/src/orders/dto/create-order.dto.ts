import { BadRequestException } from '@nestjs/common';

export class CreateOrderDto {
  customer: string;
  totalCents: number;
  note?: string;
}

/** What the body of POST /orders must hold (no class-validator here: the check is written out). */
export function checkCreateOrder(body: CreateOrderDto): CreateOrderDto {
  if (typeof body?.customer !== 'string' || body.customer.trim() === '') throw new BadRequestException('customer is required');
  if (!Number.isInteger(body.totalCents) || body.totalCents <= 0) throw new BadRequestException('totalCents must be a positive integer');
  if (body.note !== undefined && typeof body.note !== 'string') throw new BadRequestException('note must be a string');
  return { customer: body.customer, totalCents: body.totalCents, ...(body.note === undefined ? {} : { note: body.note }) };
}
