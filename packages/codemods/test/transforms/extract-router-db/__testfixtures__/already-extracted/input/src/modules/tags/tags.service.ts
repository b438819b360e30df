import type { DbSession } from '../../db/session.js';

export class TagService {
  constructor(private readonly db: DbSession) {}

  async listTags() {
    const { rows } = await this.db.execute('SELECT * FROM tags');
    return { items: rows };
  }
}
