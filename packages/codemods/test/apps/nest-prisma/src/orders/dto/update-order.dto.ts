import { BadRequestException } from '@nestjs/common';

export class UpdateOrderDto {
  note?: string | null;
  totalCents?: number;
}

/** A PATCH changes the note (null clears it), the total, or both. */
export function checkUpdateOrder(body: UpdateOrderDto): UpdateOrderDto {
  const out: UpdateOrderDto = {};
  if (body?.note !== undefined) {
    if (body.note !== null && typeof body.note !== 'string') throw new BadRequestException('note must be a string or null');
    out.note = body.note;
  }
  if (body?.totalCents !== undefined) {
    if (!Number.isInteger(body.totalCents) || body.totalCents <= 0) throw new BadRequestException('totalCents must be a positive integer');
    out.totalCents = body.totalCents;
  }
  if (Object.keys(out).length === 0) throw new BadRequestException('nothing to change');
  return out;
}
