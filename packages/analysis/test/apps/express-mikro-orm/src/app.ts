import 'reflect-metadata';
import { RequestContext, type EntityManager } from '@mikro-orm/postgresql';
import express from 'express';
import { initOrm } from './db.js';
import { errorHandler } from './http.js';
import { authorsRouter } from './routes/authors.routes.js';
import { booksRouter } from './routes/books.routes.js';

declare global {
  namespace Express {
    interface Request {
      em: EntityManager;
    }
  }
}

export async function createApp(): Promise<express.Express> {
  const orm = await initOrm();
  const app = express();
  app.use(express.json({ limit: '256kb' }));
  // Every request gets its own fork: on req.em for the handlers, and in the RequestContext for the services.
  app.use((req, _res, next) => {
    req.em = orm.em.fork();
    RequestContext.create(req.em, next);
  });
  app.get('/health', (_req, res) => {
    res.send('ok');
  });
  app.use('/books', booksRouter);
  app.use('/authors', authorsRouter);
  app.use(errorHandler);
  return app;
}

const app = await createApp();
app.listen(Number(process.env.PORT ?? 8080));
