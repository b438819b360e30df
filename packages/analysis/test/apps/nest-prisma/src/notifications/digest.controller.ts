import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import axios from 'axios';
import { PrismaService } from '../prisma/prisma.service';
import { UsersService } from '../users/users.service';

// Named a controller for historical reasons, but it is a scheduled worker: an @Injectable() provider that no HTTP
// route reaches.
@Injectable()
export class DigestController {
  private readonly logger = new Logger(DigestController.name);
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly users: UsersService,
  ) {}

  @Cron(CronExpression.EVERY_DAY_AT_7AM)
  async sendDailyDigest(): Promise<void> {
    // expect: none — a read in a worker: not a router, not an operation
    const recipients = await this.prisma.user.findMany({ where: { active: true, digestSentAt: null }, take: 500 });
    const sent: string[] = [];
    for (const user of recipients) {
      const delivery = this.deliver(user.email, user.name);
      this.inFlight.set(user.id, delivery);
      try {
        await delivery;
        sent.push(user.id);
      } catch (err) {
        this.logger.warn(`digest for ${user.id} failed: ${(err as Error).message}`);
      } finally {
        // expect: none — Map.delete, not a DB delete
        this.inFlight.delete(user.id);
      }
    }
    if (sent.length > 0) await this.users.markDigestSent(sent);
  }

  private async deliver(to: string, name: string): Promise<void> {
    // expect: none — an HTTP call to the mail provider
    await axios.post(`${process.env.MAILER_URL}/v1/send`, { to, template: 'daily-digest', variables: { name } }, { timeout: 5_000 });
  }
}
