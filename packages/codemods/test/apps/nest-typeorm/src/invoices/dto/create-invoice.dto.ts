import { BadRequestException } from '@nestjs/common';

export class CreateInvoiceDto {
  customer: string;
  amountCents: number;
}

/** What the body of POST /invoices must hold (the app has no class-validator: the check is written out). */
export function checkCreateInvoice(body: CreateInvoiceDto): CreateInvoiceDto {
  if (typeof body?.customer !== 'string' || body.customer.trim() === '') throw new BadRequestException('customer is required');
  if (!Number.isInteger(body.amountCents) || body.amountCents <= 0) throw new BadRequestException('amountCents must be a positive integer');
  return { customer: body.customer, amountCents: body.amountCents };
}
