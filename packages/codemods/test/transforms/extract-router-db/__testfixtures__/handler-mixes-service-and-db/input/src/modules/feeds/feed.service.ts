import type { DbSession } from '../../db/session.js';

export class FeedService {
  constructor(private readonly db: DbSession) {}

  async createFeed(url: string): Promise<void> {
    await this.db.execute('INSERT INTO feeds (url) VALUES ($1)', [url]);
  }
}
