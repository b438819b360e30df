import { z } from 'zod';

export const OrderLineSchema = z.object({
  sku: z.string().min(1).max(64),
  quantity: z.number().int().positive(),
  unitPriceCents: z.number().int().nonnegative(),
});

export const NewOrderSchema = z.object({
  customerId: z.string().uuid(),
  lines: z.array(OrderLineSchema).min(1).max(100),
});

export const CancelOrderSchema = z.object({ reason: z.string().min(3).max(500) });

export const ShipOrderSchema = z.object({ trackingNumber: z.string().min(4).max(64) });

export const OrderNoteSchema = z.object({ body: z.string().min(1).max(2000) });

export type NewOrder = z.infer<typeof NewOrderSchema>;

export const RegistrationSchema = z.object({
  email: z.string().email(),
  name: z.string().min(1).max(200),
  address: z.object({
    line1: z.string().min(1),
    city: z.string().min(1),
    postcode: z.string().min(2).max(16),
    country: z.string().length(2),
  }),
});

export const RenameSchema = z.object({ name: z.string().min(1).max(200) });

export const ChangeEmailSchema = z.object({ email: z.string().email() });

export type Registration = z.infer<typeof RegistrationSchema>;
