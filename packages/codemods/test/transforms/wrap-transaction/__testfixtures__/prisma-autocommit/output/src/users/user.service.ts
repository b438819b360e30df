import type { PrismaService, User } from './prisma.js';

export class NotFoundError extends Error {}

export class UserService {
  constructor(private readonly prisma: PrismaService) {}

  async findByEmail(email: string): Promise<User | null> {
    return this.prisma.user.findUnique({ where: { email } });
  }

  async register(email: string, displayName?: string): Promise<User> {
    const normalised = email.trim().toLowerCase();
    return this.prisma.$transaction(async (tx) => {
      const user = await tx.user.create({
        data: displayName === undefined ? { email: normalised } : { email: normalised, displayName },
      });
      return user;
    });
  }

  async rename(userId: string, displayName: string): Promise<User> {
    if (displayName.length > 80) throw new RangeError('displayName is too long');
    return this.prisma.$transaction(async (tx) => {
      const existing = await tx.user.findUnique({ where: { id: userId } });
      if (!existing) throw new NotFoundError(userId);
      if (existing.displayName === displayName) return existing;
      return tx.user.update({ where: { id: userId }, data: { displayName } });
    });
  }

  async promote(userIds: string[]): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.user.updateMany({ where: { id: { in: userIds } }, data: { isAdmin: true } });
      await tx.$executeRaw`
      UPDATE audit_marks
         SET promoted_at = now()
       WHERE user_id = ANY(${userIds})`;
    });
  }

  async remove(userId: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      try {
        await tx.user.delete({ where: { id: userId } });
      } catch (error) {
        throw new NotFoundError(`user ${userId}: ${String(error)}`);
      }
    });
  }
}
