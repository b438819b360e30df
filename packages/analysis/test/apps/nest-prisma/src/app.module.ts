import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { BullModule } from '@nestjs/bullmq';
import { CacheModule } from '@nestjs/cache-manager';
import { Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { GraphQLModule } from '@nestjs/graphql';
import { ScheduleModule } from '@nestjs/schedule';
import { DigestController } from './notifications/digest.controller';
import { OrdersController } from './orders/orders.controller';
import { OrdersService } from './orders/orders.service';
import { PostsResolver } from './posts/posts.resolver';
import { PrismaService } from './prisma/prisma.service';
import { UsersController } from './users/users.controller';
import { UsersService } from './users/users.service';

@Module({
  imports: [
    GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true }),
    BullModule.forRoot({ connection: { host: process.env.REDIS_HOST ?? 'localhost', port: 6379 } }),
    BullModule.registerQueue({ name: 'mail' }),
    CacheModule.register({ ttl: 30_000 }),
    EventEmitterModule.forRoot(),
    ScheduleModule.forRoot(),
  ],
  controllers: [UsersController, OrdersController],
  providers: [PrismaService, UsersService, OrdersService, PostsResolver, DigestController],
})
export class AppModule {}
