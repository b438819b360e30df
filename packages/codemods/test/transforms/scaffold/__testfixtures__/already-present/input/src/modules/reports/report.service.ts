import type { ReplicaHandle } from '../../db/session.js';

// Summaries are written on the reporting replica, whose handle is not the session the outbox writes through.
export class ReportService {
  constructor(private readonly db: ReplicaHandle) {}

  async refreshDailySummary(day: string): Promise<number> {
    const { rowCount } = await this.db.execute('INSERT INTO daily_summaries (day) VALUES ($1) ON CONFLICT DO NOTHING', [day]);
    await this.db.commit();
    return rowCount;
  }
}