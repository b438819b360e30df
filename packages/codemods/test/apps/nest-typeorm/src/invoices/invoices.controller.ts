import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { checkCreateInvoice, CreateInvoiceDto } from './dto/create-invoice.dto.js';
import { checkUpdateInvoice, UpdateInvoiceDto } from './dto/update-invoice.dto.js';
import type { Invoice } from './invoice.entity.js';
import { InvoicesService } from './invoices.service.js';

@Controller('invoices')
export class InvoicesController {
  constructor(private readonly invoicesService: InvoicesService) {}

  @Get(':id')
  findOne(@Param('id', ParseUUIDPipe) id: string): Promise<Invoice> {
    return this.invoicesService.findOne(id);
  }

  @Post()
  create(@Body() body: CreateInvoiceDto): Promise<Invoice> {
    return this.invoicesService.create(checkCreateInvoice(body));
  }

  @Patch(':id')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateInvoiceDto): Promise<Invoice> {
    return this.invoicesService.update(id, checkUpdateInvoice(body));
  }

  @Post(':id/pay')
  @HttpCode(200)
  pay(@Param('id', ParseUUIDPipe) id: string): Promise<Invoice> {
    return this.invoicesService.pay(id);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.invoicesService.remove(id);
  }
}
