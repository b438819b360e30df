import { z } from 'zod';
import { prisma } from '../context';
import { createNote, notesOf, shareNote } from '../services/note.service';
import { protectedProcedure, publicProcedure, router } from '../trpc';

const NoteInput = z.object({ title: z.string().min(1), body: z.string() });

export const noteRouter = router({
  // expect: none — delegates to the service: no DB call here
  create: protectedProcedure.input(NoteInput).mutation(({ ctx, input }) => createNote(ctx.user.id, input)),

  list: protectedProcedure.query(async ({ ctx }) => {
    // expect: none — a cached value in a Map: not a query
    const cached = ctx.cache.get(`notes:${ctx.user.id}`);
    return cached ?? notesOf(ctx.user.id);
  }),

  // expect: operation
  rename: protectedProcedure.input(z.object({ id: z.string(), title: z.string() })).mutation(async ({ ctx, input }) => {
    // expect: router-db-call
    const note = await prisma.note.findFirst({ where: { id: input.id, authorId: ctx.user.id } });
    if (!note) throw new Error('note not found');
    // expect: router-db-call
    return prisma.note.update({ where: { id: note.id }, data: { title: input.title } });
  }),

  share: protectedProcedure.input(z.object({ id: z.string(), email: z.string().email() })).mutation(({ input }) => shareNote(input.id, input.email)),

  byId: publicProcedure.input(z.string()).query(async ({ input }) => {
    // expect: router-db-call
    return prisma.note.findUnique({ where: { id: input } });
  }),
});
