// The slice of a generated Prisma client this fixture uses (the real one comes from `prisma generate`).
export interface Order {
  id: string;
  customerId: string;
  status: string;
}

export interface TransactionClient {
  order: {
    create(args: { data: { customerId: string; status: string } }): Promise<Order>;
    update(args: { where: { id: string }; data: { status: string } }): Promise<Order>;
    delete(args: { where: { id: string } }): Promise<Order>;
  };
  $queryRawUnsafe<T = unknown>(query: string, ...values: any[]): Promise<T>;
}

export interface PrismaService extends TransactionClient {
  $transaction<R>(fn: (tx: TransactionClient) => Promise<R>): Promise<R>;
}
