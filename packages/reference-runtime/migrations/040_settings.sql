-- Settings owns identity and access control: users, roles and permissions (RBAC), login sessions, password resets
-- and the mail queue that carries reset links. User onboarding (045) signs users up into the same users table.

CREATE TABLE users (
  id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  full_name           text        NOT NULL CHECK (length(btrim(full_name)) > 0),
  email               text,
  phone               text        CHECK (phone ~ '^\+91[6-9][0-9]{9}$'),
  password_hash       text,
  status              text        NOT NULL DEFAULT 'active'
                                  CHECK (status IN ('pending_verification', 'active', 'disabled')),
  phone_verified_at   timestamptz,
  last_login_at       timestamptz,
  password_changed_at timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  -- Staff accounts are created with an e-mail, traders sign up with a phone: one of the two must be there to log in.
  CONSTRAINT users_contact_present CHECK (email IS NOT NULL OR phone IS NOT NULL)
);
-- Logins compare e-mail addresses case-insensitively, so uniqueness has to as well.
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE UNIQUE INDEX users_phone_key ON users (phone);

CREATE TABLE roles (
  id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text        NOT NULL UNIQUE CHECK (name ~ '^[a-z][a-z0-9_]{1,49}$'),
  description text        NOT NULL DEFAULT '',
  -- Seeded roles the platform itself relies on (admin, …): they can be described but not renamed or deleted.
  is_system   boolean     NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE permissions (
  id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  -- `<area>.<action>`, e.g. `partners.approve`, `trade_desk.availability.approve`.
  code        text        NOT NULL UNIQUE CHECK (code ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'),
  description text        NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE role_permissions (
  role_id       uuid        NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
  permission_id uuid        NOT NULL REFERENCES permissions (id) ON DELETE CASCADE,
  granted_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (role_id, permission_id)
);

CREATE TABLE user_roles (
  user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role_id     uuid        NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
  assigned_by uuid,
  assigned_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, role_id)
);
CREATE INDEX user_roles_role_idx ON user_roles (role_id);

-- Tokens are stored as SHA-256 hashes only: a leaked table does not log anyone in.
CREATE TABLE user_sessions (
  id                 uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id            uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  access_token_hash  text        NOT NULL UNIQUE,
  refresh_token_hash text        NOT NULL UNIQUE,
  access_expires_at  timestamptz NOT NULL,
  refresh_expires_at timestamptz NOT NULL,
  user_agent         text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  rotated_at         timestamptz,
  revoked_at         timestamptz
);
CREATE INDEX user_sessions_live_idx ON user_sessions (user_id) WHERE revoked_at IS NULL;

CREATE TABLE password_reset_tokens (
  id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash text        NOT NULL UNIQUE,
  expires_at timestamptz NOT NULL,
  used_at    timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Mail waiting for the mailer job (reset links, welcome mail). Written in the same transaction as the row it is
-- about, so a rolled-back reset request sends nothing.
CREATE TABLE email_messages (
  id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  recipient  text        NOT NULL,
  template   text        NOT NULL,
  subject    text        NOT NULL,
  body       text        NOT NULL,
  status     text        NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at    timestamptz
);

-- Who changed access control, and how: RBAC changes are security-relevant and are kept even when the role is gone.
CREATE TABLE rbac_audit_log (
  id          bigserial   PRIMARY KEY,
  action      text        NOT NULL,
  entity_type text        NOT NULL,
  entity_id   text        NOT NULL,
  actor_id    uuid,
  details     jsonb       NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rbac_audit_log_entity_idx ON rbac_audit_log (entity_type, entity_id);
