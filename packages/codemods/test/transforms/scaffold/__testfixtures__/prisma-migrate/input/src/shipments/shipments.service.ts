export class ShipmentsService {
  constructor(private readonly prisma: { shipment: { count(): Promise<number> } }) {}

  count(): Promise<number> {
    return this.prisma.shipment.count();
  }
}
