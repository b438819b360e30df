export class OrdersService {
  constructor(private readonly prisma: { order: { count(): Promise<number> } }) {}

  count(): Promise<number> {
    return this.prisma.order.count();
  }
}
