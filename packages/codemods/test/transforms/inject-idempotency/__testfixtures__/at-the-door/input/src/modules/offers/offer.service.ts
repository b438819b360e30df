import type { DbSession } from '../../db/session.js';

export interface Offer {
  id: string;
  status: 'open' | 'withdrawn';
  reference: string;
}

export class OfferService {
  constructor(private readonly db: DbSession) {}

  /** A state transition: a retry must replay the first answer, not meet the state the first one left (409). */
  async withdrawOffer(offerId: string, reason: string): Promise<{ offerId: string; status: 'withdrawn' }> {
    const { rows } = await this.db.execute<Offer>('SELECT * FROM offers WHERE id = $1 FOR UPDATE', [offerId]);
    if (rows.length === 0) throw new Error(`offer ${offerId} not found`);
    if (rows[0]!.status === 'withdrawn') throw new Error(`offer ${offerId} is withdrawn already`);
    await this.db.execute("UPDATE offers SET status = 'withdrawn', reason = $2 WHERE id = $1", [offerId, reason]);
    await this.db.commit();
    return { offerId, status: 'withdrawn' };
  }

  /** A create that answers a seen reference with the offer it made. */
  async createOffer(organizationId: string, reference: string): Promise<Offer> {
    const { rows: seen } = await this.db.execute<Offer>('SELECT * FROM offers WHERE organization_id = $1 AND reference = $2', [organizationId, reference]);
    if (seen.length > 0) return seen[0]!;
    if (reference.startsWith('copy-')) return this.copyOf(organizationId, reference.slice(5));
    const { rows } = await this.db.execute<Offer>("INSERT INTO offers (organization_id, reference, status) VALUES ($1, $2, 'open') RETURNING *", [organizationId, reference]);
    await this.db.commit();
    return rows[0]!;
  }

  private async copyOf(organizationId: string, reference: string): Promise<Offer> {
    const { rows } = await this.db.execute<Offer>('SELECT * FROM offers WHERE organization_id = $1 AND reference = $2', [organizationId, reference]);
    return rows[0]!;
  }
}
