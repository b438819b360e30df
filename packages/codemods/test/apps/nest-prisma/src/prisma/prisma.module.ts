import { type DynamicModule, Global, Module } from '@nestjs/common';
import { DATABASE_URL, PrismaService } from './prisma.service.js';

/** One PrismaService for the whole app, on the database URL it is given. */
@Global()
@Module({})
export class PrismaModule {
  static forRoot(url: string): DynamicModule {
    return {
      module: PrismaModule,
      providers: [{ provide: DATABASE_URL, useValue: url }, PrismaService],
      exports: [PrismaService],
    };
  }
}
