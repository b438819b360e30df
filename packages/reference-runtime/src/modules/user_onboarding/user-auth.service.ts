import type { DbSession } from '../../db/session.js';
import { notFound } from '../../core/http/errors.js';
import { hashPassword } from '../settings/auth/credentials.js';

export interface SignUpInput {
  fullName: string;
  phone: string;
  email?: string;
  password: string;
}

export interface OnboardingUser {
  id: string;
  fullName: string;
  phone: string;
  email: string | null;
  status: 'pending_verification' | 'active' | 'disabled';
  phoneVerifiedAt: Date | null;
  createdAt: Date;
}

const USER_COLUMNS = `id, full_name AS "fullName", phone, email, status, phone_verified_at AS "phoneVerifiedAt",
  created_at AS "createdAt"`;

/** Self-service sign-up of traders: an account that stays `pending_verification` until its phone is verified. */
export class UserAuthService {
  constructor(private readonly db: DbSession) {}

  async getUser(userId: string): Promise<OnboardingUser> {
    const { rows } = await this.db.execute<OnboardingUser>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [userId]);
    if (!rows[0]) throw notFound('user', userId);
    return rows[0];
  }

  async signUp(input: SignUpInput): Promise<OnboardingUser> {
    const passwordHash = await hashPassword(input.password);
    // A phone or e-mail that is already registered fails the unique index and is answered 409 by the app.
    const { rows } = await this.db.execute<OnboardingUser>(
      `INSERT INTO users (full_name, phone, email, password_hash, status, password_changed_at)
       VALUES ($1, $2, $3, $4, 'pending_verification', now())
       RETURNING ${USER_COLUMNS}`,
      [input.fullName.trim(), input.phone, input.email ?? null, passwordHash],
    );
    const user = rows[0]!;
    // New accounts can look around read-only until an administrator gives them a working role. Before the roles
    // are seeded there is no viewer role and the account simply starts with none.
    await this.db.execute(
      `INSERT INTO user_roles (user_id, role_id) SELECT $1, id FROM roles WHERE name = 'viewer'`,
      [user.id],
    );
    await this.db.commit();
    return user;
  }
}
