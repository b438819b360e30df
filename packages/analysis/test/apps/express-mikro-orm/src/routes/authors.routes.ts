import { Router } from 'express';
import { AuthorsService } from '../authors/authors.service.js';
import { cache } from '../cache.js';
import { DI } from '../db.js';
import { Author } from '../entities.js';
import { HttpError, registerAuthorSchema, renameAuthorSchema, validate } from '../http.js';

const PAGE_SIZES = [20];

export const authorsRouter = Router();

authorsRouter.get('/', async (req, res) => {
  const page = Math.max(0, Number(req.query.page ?? 0));
  // expect: none — the read-through cache's get(key, load) looks like a route but is not; the service reads on a miss
  const result = await cache.get(`authors:page:${page}`, () => new AuthorsService(req.em).listAuthors(page));
  // expect: none — Array.prototype.find over a constant
  const pageSize = PAGE_SIZES.find((size) => size >= result.items.length) ?? 20;
  res.json({ ...result, page, pageSize });
});

authorsRouter.post('/', validate(registerAuthorSchema), async (req, res) => {
  const author = await new AuthorsService(req.em).registerAuthor(req.body);
  cache.invalidate('authors:');
  res.status(201).json(author);
});

authorsRouter.get('/:id/books/count', async (req, res) => {
  // expect: router-db-call
  const count = await req.em.count('Book', { author: req.params.id });
  res.json({ authorId: req.params.id, count });
});

// expect: operation
authorsRouter.put('/:id', validate(renameAuthorSchema), async (req, res) => {
  // expect: none — fork() gives this handler a fresh identity map; no query runs
  const em = DI.orm.em.fork();
  // expect: router-db-call
  const author = await em.findOne(Author, req.params.id);
  if (!author) throw new HttpError(404, `author ${req.params.id} not found`);
  author.name = req.body.name;
  // expect: router-db-call
  await em.flush();
  cache.invalidate('authors:');
  res.json(author);
});

authorsRouter.post('/:id/merge-into/:keepId', async (req, res) => {
  const kept = await new AuthorsService(req.em).mergeAuthors(req.params.keepId, req.params.id);
  cache.invalidate('authors:');
  res.json(kept);
});
