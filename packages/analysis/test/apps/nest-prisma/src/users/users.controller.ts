import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { PrismaService } from '../prisma/prisma.service';
import { ChangeRoleDto, CreateUserDto, ListUsersQuery, UpdateUserDto } from './dto/create-user.dto';
import { UsersService } from './users.service';

@Controller('users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly prisma: PrismaService,
  ) {}

  // expect: none — delegates to UsersService.create
  @Post()
  create(@Body() dto: CreateUserDto) {
    return this.users.create(dto);
  }

  @Get()
  findAll(@Query() query: ListUsersQuery) {
    return this.users.findAll(query);
  }

  @Get('export.csv')
  async exportCsv(@Res() res: Response): Promise<void> {
    const csv = await this.users.exportCsv();
    // expect: none — res.send writes the HTTP response, not the database
    res.type('text/csv').send(csv);
  }

  @Get(':id')
  findOne(@Param('id', ParseUUIDPipe) id: string) {
    return this.users.findOne(id);
  }

  @Get(':id/orders')
  async orders(@Param('id', ParseUUIDPipe) id: string) {
    // expect: router-db-call
    return this.prisma.order.findMany({ where: { userId: id }, orderBy: { createdAt: 'desc' }, take: 20 });
  }

  @Patch(':id')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateUserDto) {
    return this.users.update(id, dto);
  }

  // expect: operation
  @Patch(':id/role')
  async changeRole(@Param('id', ParseUUIDPipe) id: string, @Body() body: ChangeRoleDto) {
    // expect: router-db-call
    const user = await this.prisma.user.update({ where: { id }, data: { role: body.role } });
    return { id: user.id, role: user.role };
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.users.remove(id);
  }
}
