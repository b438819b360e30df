import { zValidator } from '@hono/zod-validator';
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { db } from '../db/client.js';
import { posts } from '../db/schema.js';
import { cache } from '../lib/cache.js';
import { createPostSchema, idParam, reactionSchema, updatePostSchema, type AppEnv } from '../lib/http.js';
import { createPost, deletePost, getPostWithComments, listPosts, publishPost, react, updatePost } from './posts.service.js';

export const postsApp = new Hono<AppEnv>();

postsApp.get('/posts', async (c) => {
  const page = Math.max(0, Number(c.req.query('page') ?? 0));
  // expect: none — cache-manager's wrap(key, fn): a read-through cache, the service reads on a miss
  const items = await cache.wrap(`posts:page:${page}`, () => listPosts(page));
  return c.json({ items, page });
});

postsApp.get('/posts/:id', zValidator('param', idParam), async (c) => {
  const post = await getPostWithComments(c.req.valid('param').id);
  return post ? c.json(post) : c.notFound();
});

postsApp.get('/authors/:id/posts', zValidator('param', idParam), async (c) => {
  // expect: router-db-call
  const rows = await db.query.posts.findMany({ where: eq(posts.authorId, c.req.valid('param').id), columns: { body: false } });
  return c.json(rows);
});

postsApp.post('/posts', zValidator('json', createPostSchema), async (c) => {
  const post = await createPost(c.req.valid('json'), c.get('jwtPayload').sub);
  return c.json(post, 201);
});

postsApp.patch('/posts/:id', zValidator('param', idParam), zValidator('json', updatePostSchema), async (c) => {
  const post = await updatePost(c.req.valid('param').id, c.get('jwtPayload').sub, c.req.valid('json'));
  return c.json(post);
});

postsApp.post('/posts/:id/publish', zValidator('param', idParam), async (c) => {
  const post = await publishPost(c.req.valid('param').id, c.get('jwtPayload').sub);
  // expect: none — evicts a cache key; not a DB delete
  await cache.del('posts:page:0');
  return c.json(post);
});

// expect: operation
postsApp.post('/posts/:id/pin', zValidator('param', idParam), async (c) => {
  if (c.get('jwtPayload').role !== 'moderator') return c.json({ message: 'moderators only' }, 403);
  // expect: router-db-call
  const [pinned] = await db.update(posts).set({ pinned: true }).where(eq(posts.id, c.req.valid('param').id)).returning({ id: posts.id });
  // expect: none — c.json writes the response
  return pinned ? c.json(pinned) : c.notFound();
});

postsApp.put('/posts/:id/reaction', zValidator('param', idParam), zValidator('json', reactionSchema), async (c) => {
  await react(c.req.valid('param').id, c.get('jwtPayload').sub, c.req.valid('json').kind);
  return c.body(null, 204);
});

postsApp.delete('/posts/:id', zValidator('param', idParam), async (c) => {
  await deletePost(c.req.valid('param').id, c.get('jwtPayload').sub);
  // expect: none — DB words in a trailing comment are not a call
  return c.body(null, 204); // comments go with it: ON DELETE CASCADE, no db.delete(comments) needed
});
