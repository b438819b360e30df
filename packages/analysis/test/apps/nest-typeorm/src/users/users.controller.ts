import { CACHE_MANAGER } from '@nestjs/cache-manager';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Cache } from 'cache-manager';
import { Repository } from 'typeorm';
import { User } from './user.entity';
import { CreateUserDto, RenameUserDto, UpdateUserDto } from './users.dto';
import { UsersService } from './users.service';

@Controller('users')
export class UsersController {
  constructor(
    private readonly usersService: UsersService,
    @InjectRepository(User) private readonly users: Repository<User>,
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
  ) {}

  @Get()
  findAll(@Query('q') q?: string): Promise<User[]> {
    return q ? this.usersService.search(q) : this.usersService.findAll();
  }

  @Get(':id')
  async findOne(@Param('id', ParseUUIDPipe) id: string): Promise<User> {
    // expect: none — a cache-manager read, not the database
    const cached = await this.cache.get<User>(`user:${id}`);
    if (cached) return cached;
    const user = await this.usersService.findOne(id);
    await this.cache.set(`user:${id}`, user, 60_000);
    return user;
  }

  @Get('by-email/:email')
  async findByEmail(@Param('email') email: string): Promise<User> {
    // expect: router-db-call
    const user = await this.users.findOneBy({ email: email.toLowerCase() });
    if (!user) throw new NotFoundException();
    return user;
  }

  // expect: none — a controller method that delegates: the operation is the service's
  @Post()
  create(@Body() dto: CreateUserDto): Promise<User> {
    return this.usersService.create(dto);
  }

  @Patch(':id')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateUserDto): Promise<User> {
    return this.usersService.update(id, dto);
  }

  @Patch(':id/name')
  rename(@Param('id', ParseUUIDPipe) id: string, @Body() dto: RenameUserDto): Promise<User> {
    return this.usersService.rename(id, dto.name);
  }

  // expect: operation idempotency=no event=no — the controller writes through the repository itself
  @Post(':id/verify-email')
  @HttpCode(204)
  async verifyEmail(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    // expect: router-db-call
    const result = await this.users.update({ id }, { emailVerifiedAt: new Date() });
    if (result.affected === 0) throw new NotFoundException();
    // expect: none — a cache-manager delete, not a DB delete
    await this.cache.del(`user:${id}`);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.usersService.remove(id);
    // expect: none — a cache-manager delete after the service's write
    await this.cache.del(`user:${id}`);
  }
}
