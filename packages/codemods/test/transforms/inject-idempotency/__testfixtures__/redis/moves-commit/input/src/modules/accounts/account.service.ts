import type { DbSession } from '../../db/session.js';
import type { RedisClient } from '../../core/redis/client.js';
import { OutboxRepository } from '../../core/outbox/outbox.repository.js';

interface Account {
  id: string;
  email: string;
  passwordHash: string;
}

export class AccountService {
  private readonly outboxRepo: OutboxRepository;

  constructor(
    private readonly db: DbSession,
    private readonly redis?: RedisClient,
  ) {
    this.outboxRepo = new OutboxRepository(db);
  }

  // The response is only a destructuring of the row after the commit: the commit moves down to the return.
  async renameAccount(accountId: string, email: string): Promise<Omit<Account, 'passwordHash'>> {
    const { rows } = await this.db.execute<Account>('UPDATE accounts SET email = $2 WHERE id = $1 RETURNING *', [accountId, email]);
    const account = rows[0]!;
    await this.outboxRepo.addEvent({ eventType: 'accounts.rename_account', aggregateType: 'account', aggregateId: accountId, payload: { accountId, email } });
    await this.db.commit();
    const { passwordHash, ...visible } = account;
    return visible;
  }
}
