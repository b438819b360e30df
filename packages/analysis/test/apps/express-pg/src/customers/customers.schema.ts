import { z } from 'zod';

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
