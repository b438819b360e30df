import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import { ZodError } from 'zod';
import { adminRouter } from './routes/admin.js';
import { groupsRouter } from './routes/groups.js';

export const app = new Koa();

app.use(async (ctx, next) => {
  try {
    await next();
  } catch (error) {
    if (error instanceof ZodError) {
      ctx.status = 400;
      ctx.body = { error: 'invalid request', issues: error.issues };
      return;
    }
    const status = (error as { status?: number }).status ?? 500;
    ctx.status = status;
    ctx.body = { error: status < 500 ? (error as Error).message : 'internal error' };
    if (status >= 500) ctx.app.emit('error', error, ctx);
  }
});

app.use(bodyParser());

// The gateway in front of the service authenticates and passes the user on.
app.use(async (ctx, next) => {
  const userId = Number(ctx.get('x-user-id'));
  ctx.assert(Number.isInteger(userId) && userId > 0, 401, 'missing user');
  ctx.state.user = { id: userId };
  await next();
});

app.use(groupsRouter.routes()).use(groupsRouter.allowedMethods());
app.use(adminRouter.routes()).use(adminRouter.allowedMethods());

if (process.env.NODE_ENV !== 'test') app.listen(Number(process.env.PORT ?? 3000));
