import type { DbSession } from '../../db/session.js';

export class BinService {
  constructor(
    private readonly db: DbSession,
    private readonly clock: () => Date,
  ) {}

  async touch(code: string): Promise<void> {
    await this.db.execute('UPDATE bins SET seen_at = $2 WHERE code = $1', [code, this.clock()]);
  }
}
