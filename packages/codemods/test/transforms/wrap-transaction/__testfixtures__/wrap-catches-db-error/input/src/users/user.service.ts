import type { PrismaService, User } from './prisma.js';

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

export class UserService {
  constructor(private readonly prisma: PrismaService) {}

  // The catch goes on to another write: in one transaction that write would run on an aborted transaction.
  async rename(userId: string, displayName: string): Promise<Result<User>> {
    try {
      await this.prisma.user.update({ where: { id: userId }, data: { displayName } });
    } catch {
      return { ok: false, error: 'user not found' };
    }
    const user = await this.prisma.user.update({ where: { id: userId }, data: { displayName: displayName.trim() } });
    return { ok: true, value: user };
  }

  async remove(userId: string): Promise<boolean> {
    const removed = await this.prisma.user.delete({ where: { id: userId } }).catch(() => null);
    return removed !== null;
  }
}
