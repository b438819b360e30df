import type { PrismaService, User } from './prisma.js';

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

export class UserService {
  constructor(private readonly prisma: PrismaService) {}

  async rename(userId: string, displayName: string): Promise<Result<User>> {
    try {
      const user = await this.prisma.user.update({ where: { id: userId }, data: { displayName } });
      return { ok: true, value: user };
    } catch {
      return { ok: false, error: 'user not found' };
    }
  }

  async remove(userId: string): Promise<boolean> {
    const removed = await this.prisma.user.delete({ where: { id: userId } }).catch(() => null);
    return removed !== null;
  }
}
