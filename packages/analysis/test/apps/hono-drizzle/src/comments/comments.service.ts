import { and, eq, lt, sql } from 'drizzle-orm';
import { HTTPException } from 'hono/http-exception';
import { db } from '../db/client.js';
import { comments, outbox, posts, type Comment } from '../db/schema.js';

// expect: operation
export async function addComment(postId: number, authorId: number, body: string): Promise<Comment> {
  const post = await db.query.posts.findFirst({ where: eq(posts.id, postId), columns: { id: true, status: true } });
  if (!post || post.status !== 'published') throw new HTTPException(404, { message: `post ${postId} not found` });
  const [comment] = await db.insert(comments).values({ postId, authorId, body }).returning();
  return comment;
}

// expect: operation event=yes commit=yes
export async function hideComment(id: number, moderatorId: number, reason: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [hidden] = await tx
      .update(comments)
      .set({ hidden: true })
      .where(and(eq(comments.id, id), eq(comments.hidden, false)))
      .returning({ id: comments.id, postId: comments.postId });
    if (!hidden) throw new HTTPException(404, { message: `comment ${id} not found or already hidden` });
    await tx.insert(outbox).values({
      aggregateType: 'comment',
      aggregateId: String(id),
      eventType: 'comment.hidden',
      payload: { commentId: id, postId: hidden.postId, moderatorId, reason },
    });
  });
}

// expect: operation
export async function purgeSpam(olderThan: Date): Promise<number> {
  const deleted = await db
    .delete(comments)
    .where(and(eq(comments.spam, true), lt(comments.createdAt, olderThan)))
    .returning({ id: comments.id });
  return deleted.length;
}

// expect: none — an aggregate read
export async function countForPost(postId: number): Promise<number> {
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(comments).where(eq(comments.postId, postId));
  return row?.count ?? 0;
}
