// The slice of a generated Prisma client this fixture uses (the real one comes from `prisma generate`).
export interface User {
  id: string;
  email: string;
  displayName: string | null;
  isAdmin: boolean;
}

export interface TransactionClient {
  user: {
    findUnique(args: { where: { id: string } | { email: string } }): Promise<User | null>;
    create(args: { data: { email: string; displayName?: string } }): Promise<User>;
    update(args: { where: { id: string }; data: Partial<Omit<User, 'id'>> }): Promise<User>;
    updateMany(args: { where: { id: { in: string[] } }; data: Partial<Omit<User, 'id'>> }): Promise<{ count: number }>;
    delete(args: { where: { id: string } }): Promise<User>;
  };
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): Promise<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: any[]): Promise<T>;
}

export interface PrismaService extends TransactionClient {
  $transaction<R>(fn: (tx: TransactionClient) => Promise<R>): Promise<R>;
}
