import { Body, Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { StockService, type Lot } from './stock.service.js';

class ReceiveDto {
  sku!: string;
  quantity!: number;
}

@Controller('stock')
export class StockController {
  constructor(private readonly stockService: StockService) {}

  // No header parameter yet: the transform adds `@Headers('idempotency-key') idempotencyKey?: string`.
  @Post()
  receive(@Body() body: ReceiveDto, @Headers('idempotency-key') idempotencyKey?: string): Promise<Lot> {
    return this.stockService.receive(body.sku, body.quantity, idempotencyKey);
  }

  // Takes the header already, under its own name: that parameter is passed on, no second one is added.
  @Post(':id/adjust')
  @HttpCode(204)
  async adjust(@Param('id') id: string, @Body() body: { quantity: number }, @Headers('Idempotency-Key') requestKey?: string): Promise<void> {
    await this.stockService.adjust(id, body.quantity, requestKey);
  }
}
