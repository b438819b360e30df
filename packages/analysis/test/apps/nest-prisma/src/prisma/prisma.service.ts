import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PrismaClient } from '@prisma/client';

@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnModuleDestroy {
  // expect: none — $connect opens the connection pool; it writes nothing
  async onModuleInit(): Promise<void> {
    await this.$connect();
  }

  // expect: none — $disconnect closes the pool
  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
