import { Client } from '@elastic/elasticsearch';
import { Router } from 'express';
import { BooksService } from '../books/books.service.js';
import { Book } from '../entities.js';
import { createBookSchema, HttpError, stockSchema, validate } from '../http.js';
const search = new Client({ node: process.env.ELASTIC_URL ?? 'http://localhost:9200' });
const reindexing = new Map();
const booksService = (req) => new BooksService(req.em, req.em.getRepository(Book));
export const booksRouter = Router();
booksRouter.post('/', validate(createBookSchema), async (req, res) => {
    const book = await booksService(req).publishBook(req.body);
    res.status(201).json(book);
});
booksRouter.get('/:id', async (req, res) => {
    const book = await req.em.findOne(Book, req.params.id, { populate: ['author'] });
    if (!book)
        throw new HttpError(404, `book ${req.params.id} not found`);
    res.json(book);
});
booksRouter.patch('/:id/stock', validate(stockSchema), async (req, res) => {
    const updated = await req.em.nativeUpdate(Book, { id: req.params.id }, { stock: req.body.stock });
    if (updated === 0)
        throw new HttpError(404, `book ${req.params.id} not found`);
    res.status(204).send();
});
booksRouter.post('/:id/discontinue', async (req, res) => {
    await booksService(req).discontinue(req.params.id);
    res.status(204).end();
});
booksRouter.delete('/:id', async (req, res) => {
    await booksService(req).removeBook(req.params.id);
    res.status(204).end();
});
booksRouter.post('/search-index/rebuild', async (req, res) => {
    if (reindexing.has('books'))
        throw new HttpError(409, 'a rebuild is already running');
    reindexing.set('books', new Date());
    try {
        const books = await booksService(req).listForIndex();
        await search.indices.delete({ index: 'books', ignore_unavailable: true });
        await search.indices.create({ index: 'books' });
        const operations = books.flatMap((b) => [{ index: { _index: 'books', _id: b.id } }, { title: b.title, author: b.author.name }]);
        if (operations.length > 0)
            await search.bulk({ refresh: true, operations });
        res.json({ indexed: books.length });
    }
    finally {
        reindexing.delete('books');
    }
});
//# sourceMappingURL=books.routes.js.map
