import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Invoice } from './invoices/invoice.entity.js';
import { InvoicesModule } from './invoices/invoices.module.js';

/** The app on one PostgreSQL database; its schema comes from migrations/*.sql (never synchronised). */
@Module({})
export class AppModule {
  static forDatabase(url: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot({ type: 'postgres', url, entities: [Invoice], synchronize: false, poolSize: 4 }),
        InvoicesModule,
      ],
    };
  }
}
