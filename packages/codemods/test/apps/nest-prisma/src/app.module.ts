import { type DynamicModule, Module } from '@nestjs/common';
import { OrdersModule } from './orders/orders.module.js';
import { PrismaModule } from './prisma/prisma.module.js';

/** The app on one PostgreSQL database; its schema comes from prisma/migrations (`prisma migrate deploy`). */
@Module({})
export class AppModule {
  static forDatabase(url: string): DynamicModule {
    return { module: AppModule, imports: [PrismaModule.forRoot(url), OrdersModule] };
  }
}
