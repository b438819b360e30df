import type { PrismaService, User } from './prisma.js';

export class UserService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly prismaReplica: PrismaService,
  ) {}

  async rename(userId: string, displayName: string): Promise<User> {
    const user = await this.prisma.user.update({ where: { id: userId }, data: { displayName } });
    await this.prismaReplica.user.update({ where: { id: userId }, data: { displayName } });
    return user;
  }
}
