import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { jwt } from 'hono/jwt';
import { logger } from 'hono/logger';
import { commentsApp } from './comments/comments.routes.js';
import type { AppEnv } from './lib/http.js';
import { postsApp } from './posts/posts.routes.js';

const app = new Hono<AppEnv>();

app.use(logger());
app.get('/health', (c) => c.text('ok'));
app.use('/api/*', jwt({ secret: process.env.JWT_SECRET ?? 'dev-only-secret' }));
app.route('/api', postsApp);
app.route('/api', commentsApp);

app.onError((err, c) => {
  if (err instanceof HTTPException) return err.getResponse();
  console.error(err);
  return c.json({ message: 'internal error' }, 500);
});

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000) });
