import type { Knex } from './db.js';

export interface Account {
  id: string;
  email: string;
  closed: boolean;
}

export class AccountService {
  constructor(private readonly knex: Knex) {}

  async open(email: string): Promise<Account> {
    const [account] = await this.knex<Account>('accounts').insert({ email, closed: false }).returning('*');
    if (!account) throw new Error('insert returned no row');
    return account;
  }

  async close(accountId: string): Promise<void> {
    const account = await this.knex<Account>('accounts').where({ id: accountId }).first();
    if (!account || account.closed) return;
    await this.knex<Account>('accounts').where({ id: accountId }).update({ closed: true });
  }
}
