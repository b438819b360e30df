import type { DbSession } from '../../db/session.js';
import { IdempotencyStore, hashRequest, idempotencyError, idempotencyScope } from '../../core/idempotency/idempotency-store.js';

export interface Offer {
  id: string;
  status: 'open' | 'withdrawn';
  reference: string;
}

export class OfferService {
  constructor(private readonly db: DbSession) {}

  /** A state transition: a retry must replay the first answer, not meet the state the first one left (409). */
  async withdrawOffer(offerId: string, reason: string, idempotencyKey?: string): Promise<{ offerId: string; status: 'withdrawn' }> {
    // Claimed in this transaction: a concurrent duplicate waits, then replays the stored response.
    const idempotency = new IdempotencyStore(this.db);
    if (idempotencyKey) {
      const claim = await idempotency.begin(idempotencyScope('global', 'offers.withdrawOffer'), idempotencyKey, hashRequest('CALL', 'offers.withdrawOffer', [offerId, reason]));
      if (claim.state === 'replay') return claim.body as { offerId: string; status: 'withdrawn' };
      if (claim.state !== 'claimed') throw idempotencyError(claim);
    }
    const { rows } = await this.db.execute<Offer>('SELECT * FROM offers WHERE id = $1 FOR UPDATE', [offerId]);
    if (rows.length === 0) throw new Error(`offer ${offerId} not found`);
    if (rows[0]!.status === 'withdrawn') throw new Error(`offer ${offerId} is withdrawn already`);
    await this.db.execute("UPDATE offers SET status = 'withdrawn', reason = $2 WHERE id = $1", [offerId, reason]);
    if (idempotencyKey) await idempotency.complete(idempotencyScope('global', 'offers.withdrawOffer'), idempotencyKey, 200, { offerId, status: 'withdrawn' });
    await this.db.commit();
    return { offerId, status: 'withdrawn' };
  }

  /** A create that answers a seen reference with the offer it made. */
  async createOffer(organizationId: string, reference: string, idempotencyKey?: string): Promise<Offer> {
    // Claimed in this transaction: a concurrent duplicate waits, then replays the stored response.
    const idempotency = new IdempotencyStore(this.db);
    if (idempotencyKey) {
      const claim = await idempotency.begin(idempotencyScope(organizationId, 'offers.createOffer'), idempotencyKey, hashRequest('CALL', 'offers.createOffer', [organizationId, reference]));
      if (claim.state === 'replay') return claim.body as Offer;
      if (claim.state !== 'claimed') throw idempotencyError(claim);
    }
    const { rows: seen } = await this.db.execute<Offer>('SELECT * FROM offers WHERE organization_id = $1 AND reference = $2', [organizationId, reference]);
    if (seen.length > 0) {
      if (idempotencyKey) await idempotency.complete(idempotencyScope(organizationId, 'offers.createOffer'), idempotencyKey, 200, seen[0]!);
      return seen[0]!;
    }
    if (reference.startsWith('copy-')) {
      const response = await this.copyOf(organizationId, reference.slice(5));
      if (idempotencyKey) await idempotency.complete(idempotencyScope(organizationId, 'offers.createOffer'), idempotencyKey, 200, response);
      return response;
    }
    const { rows } = await this.db.execute<Offer>("INSERT INTO offers (organization_id, reference, status) VALUES ($1, $2, 'open') RETURNING *", [organizationId, reference]);
    if (idempotencyKey) await idempotency.complete(idempotencyScope(organizationId, 'offers.createOffer'), idempotencyKey, 200, rows[0]!);
    await this.db.commit();
    return rows[0]!;
  }

  private async copyOf(organizationId: string, reference: string): Promise<Offer> {
    const { rows } = await this.db.execute<Offer>('SELECT * FROM offers WHERE organization_id = $1 AND reference = $2', [organizationId, reference]);
    return rows[0]!;
  }
}
