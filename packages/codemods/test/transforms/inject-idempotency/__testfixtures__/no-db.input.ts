// fixture: src/modules/pricing/pricing.service.ts
export class PricingService {
  constructor(private readonly rates: Map<string, number>) {}

  quote(item: string, quantity: number): number {
    return (this.rates.get(item) ?? 0) * quantity;
  }
}
