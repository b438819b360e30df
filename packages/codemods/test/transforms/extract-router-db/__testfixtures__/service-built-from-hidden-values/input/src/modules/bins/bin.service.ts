import type { DbSession } from '../../db/session.js';

export class BinService {
  constructor(
    private readonly db: DbSession,
    private readonly clock: () => Date,
  ) {}

  now(): Date {
    void this.db;
    return this.clock();
  }
}
