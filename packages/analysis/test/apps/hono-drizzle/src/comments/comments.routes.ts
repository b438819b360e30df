import { zValidator } from '@hono/zod-validator';
import { and, asc, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { db } from '../db/client.js';
import { comments } from '../db/schema.js';
import { commentSchema, hideSchema, idParam, type AppEnv } from '../lib/http.js';
import { addComment, countForPost, hideComment } from './comments.service.js';

const BLOCKED_PHRASES = ['buy followers', 'free crypto'];
const COMMENT_INTERVAL_MS = 10_000;
const lastCommentAt = new Map<number, number>();

setInterval(() => {
  const cutoff = Date.now() - COMMENT_INTERVAL_MS;
  for (const [userId, at] of lastCommentAt) {
    // expect: none — Map.delete prunes the in-memory rate limiter
    if (at < cutoff) lastCommentAt.delete(userId);
  }
}, 60_000).unref();

export const commentsApp = new Hono<AppEnv>();

commentsApp.post('/posts/:id/comments', zValidator('param', idParam), zValidator('json', commentSchema), async (c) => {
  const userId = c.get('jwtPayload').sub;
  if ((lastCommentAt.get(userId) ?? 0) > Date.now() - COMMENT_INTERVAL_MS) return c.json({ message: 'slow down' }, 429);
  const { body } = c.req.valid('json');
  // expect: none — Array.prototype.find over a constant list
  const blocked = BLOCKED_PHRASES.find((phrase) => body.toLowerCase().includes(phrase));
  if (blocked) return c.json({ message: 'comment rejected' }, 422);
  // expect: none — Map.set, not the set() of an update builder
  lastCommentAt.set(userId, Date.now());
  const comment = await addComment(c.req.valid('param').id, userId, body);
  return c.json(comment, 201);
});

commentsApp.get('/posts/:id/comments', zValidator('param', idParam), async (c) => {
  const postId = c.req.valid('param').id;
  // expect: router-db-call
  const rows = await db.select().from(comments).where(and(eq(comments.postId, postId), eq(comments.hidden, false))).orderBy(asc(comments.createdAt));
  return c.json({ items: rows, total: await countForPost(postId) });
});

// expect: operation
commentsApp.delete('/comments/:id', zValidator('param', idParam), async (c) => {
  // expect: router-db-call
  const deleted = await db.delete(comments).where(and(eq(comments.id, c.req.valid('param').id), eq(comments.authorId, c.get('jwtPayload').sub))).returning({ id: comments.id });
  return deleted.length > 0 ? c.body(null, 204) : c.notFound();
});

commentsApp.post('/comments/:id/hide', zValidator('param', idParam), zValidator('json', hideSchema), async (c) => {
  const moderator = c.get('jwtPayload');
  if (moderator.role !== 'moderator') return c.json({ message: 'moderators only' }, 403);
  await hideComment(c.req.valid('param').id, moderator.sub, c.req.valid('json').reason);
  return c.body(null, 204);
});

commentsApp.post('/comments/:id/report', zValidator('param', idParam), async (c) => {
  // expect: none — an HTTP POST to the moderation service, not a DB insert
  const response = await fetch(`${process.env.MODERATION_URL}/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ commentId: c.req.valid('param').id, reporter: c.get('jwtPayload').sub }) });
  return c.body(null, response.ok ? 202 : 502);
});
