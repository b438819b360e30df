import type { PrismaService, TransactionClient, User } from './prisma.js';

async function recordAudit(db: TransactionClient, userId: string): Promise<void> {
  await db.$executeRaw`INSERT INTO audit_log (user_id, action) VALUES (${userId}, 'rename')`;
}

export class UserService {
  constructor(private readonly prisma: PrismaService) {}

  async rename(userId: string, displayName: string): Promise<User> {
    const user = await this.prisma.user.update({ where: { id: userId }, data: { displayName } });
    await recordAudit(this.prisma, userId);
    return user;
  }
}
