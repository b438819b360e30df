import { prisma, mailQueue } from '../context';

export interface NoteInput {
  title: string;
  body: string;
}

// expect: operation event=yes commit=yes
export async function createNote(userId: string, input: NoteInput) {
  return prisma.$transaction(async (tx) => {
    const note = await tx.note.create({ data: { ...input, authorId: userId } });
    await tx.outboxEvent.create({ data: { type: 'note.created', aggregateId: note.id, payload: { title: note.title } } });
    return note;
  });
}

// expect: operation event=no commit=yes
export async function shareNote(noteId: string, email: string) {
  const share = await prisma.noteShare.create({ data: { noteId, email } });
  // expect: none — a queue send after the write committed: a dual write, not an outbox event
  await mailQueue.add('note-shared', { noteId, email });
  return share;
}

// expect: none — a read: no operation
export async function notesOf(userId: string) {
  return prisma.note.findMany({ where: { authorId: userId }, orderBy: { updatedAt: 'desc' } });
}

// expect: operation
export async function archiveOld(before: Date) {
  const { count } = await prisma.note.updateMany({ where: { updatedAt: { lt: before } }, data: { archived: true } });
  return count;
}

// expect: operation
export async function purgeArchived() {
  return prisma.note.deleteMany({ where: { archived: true } });
}
