import type { EntityManager, EntityRepository } from '@mikro-orm/postgresql';
import { Author, Book, OutboxMessage } from '../entities.js';
import { bus } from '../events.js';
import { HttpError, type RegisterAuthorInput } from '../http.js';

export class AuthorsService {
  private readonly authors: EntityRepository<Author>;

  constructor(private readonly em: EntityManager) {
    this.authors = em.getRepository(Author);
  }

  // expect: operation idempotency=no event=no
  async registerAuthor(input: RegisterAuthorInput): Promise<Author> {
    const existing = await this.authors.findOne({ email: input.email.toLowerCase() });
    if (existing) throw new HttpError(409, `${input.email} is already an author`);
    const author = new Author(input.name, input.email.toLowerCase());
    await this.em.persistAndFlush(author);
    // expect: none — an in-process bus publish after the flush committed: a dual write, not an outbox event
    bus.publish('author.registered', { authorId: author.id, email: author.email });
    return author;
  }

  // expect: operation event=yes commit=yes
  async mergeAuthors(keepId: string, dropId: string): Promise<Author> {
    if (keepId === dropId) throw new HttpError(400, 'cannot merge an author into itself');
    return this.em.transactional(async (em) => {
      const keep = await em.findOneOrFail(Author, keepId);
      const drop = await em.findOneOrFail(Author, dropId);
      const moved = await em.nativeUpdate(Book, { author: drop }, { author: keep });
      em.remove(drop);
      em.persist(new OutboxMessage('author', keep.id, 'author.merged', { dropId, moved }));
      return keep;
    });
  }

  // expect: none — findAndCount is a read
  async listAuthors(page: number): Promise<{ items: Author[]; total: number }> {
    const [items, total] = await this.authors.findAndCount({}, { limit: 20, offset: page * 20, orderBy: { name: 'asc' } });
    return { items, total };
  }
}
