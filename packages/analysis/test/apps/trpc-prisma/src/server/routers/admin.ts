import { z } from 'zod';
import { prisma } from '../context';
import { archiveOld, purgeArchived } from '../services/note.service';
import { protectedProcedure } from '../trpc';

// expect: operation
export const deleteUserProcedure = protectedProcedure.input(z.object({ userId: z.string() })).mutation(async ({ input }) => {
  // expect: router-db-call
  await prisma.user.delete({ where: { id: input.userId } });
  // SQL words in a comment are not a call: prisma.note.deleteMany() happens in purgeArchived
  return { deleted: input.userId };
});

export const housekeepingProcedure = protectedProcedure.input(z.object({ days: z.number().int().positive() })).mutation(async ({ input }) => {
  const archived = await archiveOld(new Date(Date.now() - input.days * 86_400_000));
  const purged = await purgeArchived();
  // expect: none — a log line that mentions DELETE FROM is text, not a call
  console.info(`housekeeping: archived ${archived}, DELETE FROM notes removed ${purged.count}`);
  return { archived, purged: purged.count };
});
