import type { PrismaService, User } from './prisma.js';

export class UserService {
  constructor(private readonly prisma: PrismaService) {}

  async rename(userId: string, displayName: string): Promise<User> {
    const user = await this.prisma.user.update({ where: { id: userId }, data: { displayName } });
    await this.markRenamed(userId);
    return user;
  }

  private async markRenamed(userId: string): Promise<void> {
    await this.prisma.$executeRaw`UPDATE audit_marks SET renamed_at = now() WHERE user_id = ${userId}`;
  }
}
