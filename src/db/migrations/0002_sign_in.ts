// Frozen: server-side sessions and second factors (TOTP, WebAuthn) with one-time enrolment invitations.
import { sql, type Kysely } from 'kysely'

const statements = [
  // The session token itself is never stored: only its SHA-256, so a database read cannot replay it.
  `CREATE TABLE user_session (
     id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{64}$'),
     user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
     created_at timestamptz NOT NULL,
     last_seen_at timestamptz NOT NULL,
     expires_at timestamptz NOT NULL,
     purpose text NOT NULL CHECK (purpose IN ('sign_in', 'enrolment')),
     second_factor text CHECK (second_factor IN ('webauthn', 'totp')),
     second_factor_at timestamptz,
     challenge text,
     client_ip text,
     ended_at timestamptz,
     end_reason text CHECK (end_reason IN ('signed_out', 'signed_out_everywhere', 'idle_timeout', 'absolute_timeout', 'account_not_active', 'factor_reset')),
     CHECK ((second_factor IS NULL) = (second_factor_at IS NULL)),
     CHECK ((ended_at IS NULL) = (end_reason IS NULL))
   )`,
  'CREATE INDEX user_session_open ON user_session (user_id) WHERE ended_at IS NULL',

  // TOTP secrets must be recoverable to compute codes, so they are encrypted (AES-256-GCM) with a
  // key kept outside the database. last_used_step makes every code single use.
  `CREATE TABLE totp_credential (
     user_id uuid PRIMARY KEY REFERENCES app_user (id) ON DELETE CASCADE,
     secret_ciphertext text NOT NULL,
     confirmed_at timestamptz,
     last_used_step bigint,
     created_at timestamptz NOT NULL DEFAULT now()
   )`,

  `CREATE TABLE webauthn_credential (
     id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]+$'),
     user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
     public_key bytea NOT NULL,
     sign_count bigint NOT NULL DEFAULT 0,
     transports text[] NOT NULL DEFAULT '{}',
     label text,
     created_at timestamptz NOT NULL DEFAULT now(),
     last_used_at timestamptz
   )`,
  'CREATE INDEX webauthn_credential_user ON webauthn_credential (user_id)',

  `CREATE TABLE enrolment_invitation (
     token_hash text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
     user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
     created_by uuid REFERENCES app_user (id),
     created_at timestamptz NOT NULL DEFAULT now(),
     expires_at timestamptz NOT NULL,
     used_at timestamptz
   )`,
  'CREATE INDEX enrolment_invitation_user ON enrolment_invitation (user_id)',
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['enrolment_invitation', 'webauthn_credential', 'totp_credential', 'user_session']) {
    await sql.raw(`DROP TABLE IF EXISTS ${table}`).execute(db)
  }
}
