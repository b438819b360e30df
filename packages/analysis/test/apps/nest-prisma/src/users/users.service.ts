import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Prisma, type User } from '@prisma/client';
import type { Queue } from 'bullmq';
import { PrismaService } from '../prisma/prisma.service';
import type { CreateUserDto, ListUsersQuery, UpdateUserDto } from './dto/create-user.dto';

export interface SsoProfile {
  email: string;
  displayName: string;
}

@Injectable()
export class UsersService {
  constructor(
    private readonly prisma: PrismaService,
    @InjectQueue('mail') private readonly queue: Queue,
  ) {}

  // expect: operation idempotency=no event=no
  async create(dto: CreateUserDto): Promise<User> {
    let user: User;
    try {
      user = await this.prisma.user.create({ data: { email: dto.email.toLowerCase(), name: dto.name } });
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
        throw new ConflictException(`${dto.email} is already registered`);
      }
      throw err;
    }
    // expect: none — a BullMQ job added after the insert: a dual write, never an outbox event
    await this.queue.add('welcome-email', { userId: user.id }, { attempts: 5, backoff: { type: 'exponential', delay: 2000 } });
    return user;
  }

  // expect: none — a read: findMany and count in a transaction array, nothing written
  async findAll(query: ListUsersQuery): Promise<{ items: User[]; total: number }> {
    const where: Prisma.UserWhereInput = query.search
      ? { OR: [{ email: { contains: query.search } }, { name: { contains: query.search, mode: 'insensitive' } }] }
      : {};
    const [items, total] = await this.prisma.$transaction([
      this.prisma.user.findMany({ where, skip: query.skip, take: 50, orderBy: { createdAt: 'desc' } }),
      this.prisma.user.count({ where }),
    ]);
    return { items, total };
  }

  // expect: none — findUnique is a read
  async findOne(id: string): Promise<User> {
    const user = await this.prisma.user.findUnique({ where: { id } });
    if (!user) throw new NotFoundException(`user ${id} not found`);
    return user;
  }

  // expect: operation
  async update(id: string, dto: UpdateUserDto): Promise<User> {
    await this.findOne(id);
    return this.prisma.user.update({ where: { id }, data: dto });
  }

  // expect: operation
  async remove(id: string): Promise<void> {
    await this.prisma.user.delete({ where: { id } });
  }

  // expect: operation
  async upsertFromSso(profile: SsoProfile): Promise<User> {
    return this.prisma.user.upsert({
      where: { email: profile.email.toLowerCase() },
      create: { email: profile.email.toLowerCase(), name: profile.displayName },
      update: { name: profile.displayName, active: true },
    });
  }

  // expect: operation
  async importUsers(rows: CreateUserDto[]): Promise<number> {
    const seen = new Set<string>();
    const unique = rows.filter((row) => !seen.has(row.email) && seen.add(row.email));
    // expect: none — Array.prototype.find on the parsed rows, not a repository
    const missingName = unique.find((row) => row.name.trim() === '');
    if (missingName) throw new ConflictException(`row for ${missingName.email} has no name`);
    const { count } = await this.prisma.user.createMany({ data: unique, skipDuplicates: true });
    return count;
  }

  // expect: operation
  async recordLogin(id: string): Promise<void> {
    await this.touch(id);
  }

  // expect: operation
  async markDigestSent(ids: string[]): Promise<number> {
    const { count } = await this.prisma.user.updateMany({ where: { id: { in: ids } }, data: { digestSentAt: new Date() } });
    return count;
  }

  // expect: operation
  async purgeDeactivated(before: Date): Promise<number> {
    const { count } = await this.prisma.user.deleteMany({ where: { active: false, lastSeenAt: { lt: before } } });
    return count;
  }

  // expect: none — a private helper; recordLogin is the operation that reaches it
  private async touch(id: string): Promise<void> {
    await this.prisma.user.update({ where: { id }, data: { lastSeenAt: new Date() } });
  }

  // expect: none — builds a CSV from a read
  async exportCsv(): Promise<string> {
    const users = await this.prisma.user.findMany({ select: { email: true, name: true, role: true } });
    return ['email,name,role', ...users.map((u) => `${u.email},${u.name},${u.role}`)].join('\n');
  }
}
