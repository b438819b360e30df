import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.js';
import { UserAuthService, type SignUpInput } from './user-auth.service.js';
import { OTPService } from './otp.service.js';

const INDIAN_MOBILE = '^\\+91[6-9][0-9]{9}$';

/** Every mutating route accepts an Idempotency-Key (none of these operations acts on it yet). */
const mutationHeaders = {
  type: 'object',
  properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 255 } },
} as const;

const phoneBody = {
  type: 'object',
  required: ['phone'],
  properties: { phone: { type: 'string', pattern: INDIAN_MOBILE } },
} as const;

export function registerUserOnboardingRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.post<{ Body: SignUpInput }>(
    '/onboarding/sign-up',
    {
      schema: {
        headers: mutationHeaders,
        body: {
          type: 'object',
          required: ['fullName', 'phone', 'password'],
          properties: {
            fullName: { type: 'string', minLength: 1, maxLength: 120, pattern: '\\S' },
            phone: { type: 'string', pattern: INDIAN_MOBILE },
            email: { type: 'string', format: 'email', maxLength: 254 },
            password: { type: 'string', minLength: 10, maxLength: 128 },
          },
        },
      },
    },
    async (request, reply) => {
      const { db } = request;
      const user = await new UserAuthService(db).signUp(request.body);
      return reply.status(201).send(user);
    },
  );

  app.get<{ Params: { userId: string } }>(
    '/onboarding/users/:userId',
    { schema: { params: { type: 'object', required: ['userId'], properties: { userId: { type: 'string', format: 'uuid' } } } } },
    async (request) => {
      const { db } = request;
      return new UserAuthService(db).getUser(request.params.userId);
    },
  );

  app.post<{ Body: { phone: string } }>(
    '/onboarding/otp/send',
    { schema: { headers: mutationHeaders, body: phoneBody } },
    async (request, reply) => {
      const { db } = request;
      const otp = await new OTPService(db, deps.redis).sendOtp(request.body.phone);
      return reply.status(201).send(otp);
    },
  );

  app.post<{ Body: { phone: string; code: string } }>(
    '/onboarding/otp/verify',
    {
      schema: {
        headers: mutationHeaders,
        body: {
          type: 'object',
          required: ['phone', 'code'],
          properties: { ...phoneBody.properties, code: { type: 'string', pattern: '^[0-9]{6}$' } },
        },
      },
    },
    async (request) => {
      const { db } = request;
      return new OTPService(db, deps.redis).verifyOtp(request.body.phone, request.body.code);
    },
  );
}
