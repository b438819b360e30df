import { CacheModule } from '@nestjs/cache-manager';
import { Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BillingService } from './billing/billing.service';
import { Invoice } from './billing/invoice.entity';
import { MailController } from './mail/mail.controller';
import { OutboxEvent } from './outbox/outbox-event.entity';
import { User } from './users/user.entity';
import { UsersController } from './users/users.controller';
import { UsersService } from './users/users.service';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      useFactory: () => ({
        type: 'postgres',
        url: process.env.DATABASE_URL,
        autoLoadEntities: true,
        synchronize: false,
      }),
    }),
    TypeOrmModule.forFeature([User, OutboxEvent, Invoice]),
    EventEmitterModule.forRoot(),
    CacheModule.register({ isGlobal: true, ttl: 60_000 }),
  ],
  controllers: [UsersController],
  providers: [UsersService, BillingService, MailController],
})
export class AppModule {}
