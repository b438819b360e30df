import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import { createTransport } from 'nodemailer';
import { Repository } from 'typeorm';
import { User } from '../users/user.entity';
import { UserRenamedEvent } from '../users/users.service';

/**
 * Not an HTTP controller: a provider that listens to in-process events and sends mail (the team calls it the mail
 * "controller" because it controls what goes out). Nothing in this file is routed.
 */
@Injectable()
export class MailController {
  private readonly logger = new Logger(MailController.name);
  private readonly transport = createTransport({
    host: process.env.SMTP_HOST,
    port: Number(process.env.SMTP_PORT ?? 587),
  });

  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  // expect: operation idempotency=no event=no — an @Injectable() provider is a service, not HTTP: a public method that writes is an operation, not a route
  @OnEvent('user.renamed', { async: true })
  async onUserRenamed(event: UserRenamedEvent): Promise<void> {
    // expect: none — a read in a worker that is not HTTP: not a router DB call
    const user = await this.users.findOneByOrFail({ id: event.userId });
    await this.transport.sendMail({
      to: user.email,
      subject: 'Your name was changed',
      text: `Hello ${event.name}, the name on your account was just changed.`,
    });
    // expect: none — a write in a worker that is not HTTP: not a router DB call
    await this.users.update({ id: user.id }, { lastNotifiedAt: new Date() });
    this.logger.log(`rename notice sent to user ${user.id}`);
  }
}
