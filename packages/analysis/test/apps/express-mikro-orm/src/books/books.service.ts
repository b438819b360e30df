import { Transactional } from '@mikro-orm/core';
import type { EntityManager, EntityRepository } from '@mikro-orm/postgresql';
import { Author, Book, BookStatus, OutboxMessage } from '../entities.js';
import { HttpError, type CreateBookInput } from '../http.js';

export class BooksService {
  constructor(
    private readonly em: EntityManager,
    private readonly books: EntityRepository<Book>,
  ) {}

  // expect: operation idempotency=no event=yes
  async publishBook(input: CreateBookInput): Promise<Book> {
    const author = await this.em.findOneOrFail(Author, input.authorId);
    const book = this.books.create({ title: input.title, price: input.price, author, status: BookStatus.Published });
    this.em.persist(book);
    this.em.persist(new OutboxMessage('book', book.id, 'book.published', { title: book.title, authorId: author.id }));
    await this.em.flush();
    return book;
  }

  // expect: none — findOne through the repository is a read
  async findBook(id: string): Promise<Book | null> {
    return this.books.findOne(id, { populate: ['author'] });
  }

  // expect: none — a read for the search index
  async listForIndex(): Promise<Book[]> {
    return this.books.find({ status: BookStatus.Published }, { fields: ['id', 'title', 'author.name'] });
  }

  // expect: operation
  async reprice(id: string, price: string): Promise<Book> {
    const book = await this.books.findOneOrFail(id);
    if (book.discontinued) throw new HttpError(409, `book ${id} is discontinued`);
    book.price = price;
    await this.em.persist(book).flush();
    return book;
  }

  // expect: operation
  async discontinue(id: string): Promise<void> {
    const updated = await this.em.nativeUpdate(Book, { id }, { discontinued: true, status: BookStatus.Archived });
    if (updated === 0) throw new HttpError(404, `book ${id} not found`);
  }

  // expect: operation
  async removeBook(id: string): Promise<void> {
    const book = await this.books.findOneOrFail(id);
    if (book.stock > 0) {
      // expect: none — SQL words in an error message are text
      throw new HttpError(409, 'book still in stock: UPDATE its status to archived instead of DELETE FROM book');
    }
    await this.em.removeAndFlush(book);
  }

  // expect: operation
  async purgeDrafts(olderThanDays: number): Promise<number> {
    const cutoff = new Date(Date.now() - olderThanDays * 86_400_000);
    return this.em.nativeDelete(Book, { status: BookStatus.Draft, createdAt: { $lt: cutoff } });
  }

  // expect: operation event=yes commit=yes
  @Transactional()
  async transferCatalogue(fromAuthorId: string, toAuthorId: string): Promise<number> {
    const moved = await this.em.nativeUpdate(Book, { author: fromAuthorId }, { author: toAuthorId });
    this.em.persist(new OutboxMessage('author', toAuthorId, 'catalogue.transferred', { fromAuthorId, moved }));
    return moved;
  }
}
