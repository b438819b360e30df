import { BadRequestException } from '@nestjs/common';

export class UpdateInvoiceDto {
  customer?: string;
  amountCents?: number;
}

/** A PATCH changes the customer, the amount, or both. */
export function checkUpdateInvoice(body: UpdateInvoiceDto): UpdateInvoiceDto {
  const out: UpdateInvoiceDto = {};
  if (body?.customer !== undefined) {
    if (typeof body.customer !== 'string' || body.customer.trim() === '') throw new BadRequestException('customer must be a non-empty string');
    out.customer = body.customer;
  }
  if (body?.amountCents !== undefined) {
    if (!Number.isInteger(body.amountCents) || body.amountCents <= 0) throw new BadRequestException('amountCents must be a positive integer');
    out.amountCents = body.amountCents;
  }
  if (Object.keys(out).length === 0) throw new BadRequestException('nothing to change');
  return out;
}
