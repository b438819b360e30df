import { and, desc, eq, sql } from 'drizzle-orm';
import { HTTPException } from 'hono/http-exception';
import { db } from '../db/client.js';
import { outbox, posts, reactions, type Post } from '../db/schema.js';
import { bus } from '../lib/events.js';
import type { CreatePostInput, UpdatePostInput } from '../lib/http.js';

const PAGE_SIZE = 20;

// expect: operation idempotency=no event=yes commit=yes
export async function createPost(input: CreatePostInput, authorId: number): Promise<Post> {
  return db.transaction(async (tx) => {
    const [post] = await tx.insert(posts).values({ ...input, authorId }).returning();
    await tx.insert(outbox).values({
      aggregateType: 'post',
      aggregateId: String(post.id),
      eventType: 'post.created',
      payload: { postId: post.id, authorId, title: post.title },
    });
    return post;
  });
}

// expect: none — a read built by the query builder
export async function listPosts(page: number) {
  return db
    .select({ id: posts.id, title: posts.title, publishedAt: posts.publishedAt })
    .from(posts)
    .where(eq(posts.status, 'published'))
    .orderBy(desc(posts.pinned), desc(posts.publishedAt))
    .limit(PAGE_SIZE)
    .offset(page * PAGE_SIZE);
}

// expect: none — the relational query API is a read
export async function getPostWithComments(id: number) {
  return db.query.posts.findFirst({
    where: eq(posts.id, id),
    with: { comments: { where: (c, { eq: equals }) => equals(c.hidden, false), orderBy: (c, { asc }) => [asc(c.createdAt)] } },
  });
}

// expect: operation
export async function updatePost(id: number, authorId: number, changes: UpdatePostInput): Promise<Post> {
  const [post] = await db
    .update(posts)
    .set({ ...changes, updatedAt: new Date() })
    .where(and(eq(posts.id, id), eq(posts.authorId, authorId)))
    .returning();
  if (!post) throw new HTTPException(404, { message: `post ${id} not found` });
  return post;
}

// expect: operation idempotency=no event=no
export async function publishPost(id: number, authorId: number): Promise<Post> {
  const [post] = await db
    .update(posts)
    .set({ status: 'published', publishedAt: new Date() })
    .where(and(eq(posts.id, id), eq(posts.authorId, authorId), eq(posts.status, 'draft')))
    .returning();
  if (!post) throw new HTTPException(409, { message: `post ${id} is not a draft of yours` });
  // expect: none — an in-process bus publish after the update committed: a dual write, not an outbox event
  bus.emit('post.published', { postId: post.id, authorId });
  return post;
}

// expect: operation
export async function reviseBody(id: number, body: string): Promise<void> {
  await bumpRevision(id, body);
}

// expect: none — a file-private helper; reviseBody is the operation that reaches it
async function bumpRevision(id: number, body: string): Promise<void> {
  await db
    .update(posts)
    .set({ body, revision: sql`${posts.revision} + 1`, updatedAt: new Date() })
    .where(eq(posts.id, id));
}

// expect: operation
export async function deletePost(id: number, authorId: number): Promise<void> {
  await db.delete(posts).where(and(eq(posts.id, id), eq(posts.authorId, authorId)));
}

// expect: operation
export async function react(postId: number, userId: number, kind: string): Promise<void> {
  await db
    .insert(reactions)
    .values({ postId, userId, kind })
    .onConflictDoUpdate({ target: [reactions.postId, reactions.userId], set: { kind, updatedAt: new Date() } });
}

// expect: operation
export async function archiveStaleDrafts(days: number): Promise<void> {
  await db.execute(sql`UPDATE posts SET status = 'archived' WHERE status = 'draft' AND updated_at < now() - make_interval(days => ${days})`);
}
