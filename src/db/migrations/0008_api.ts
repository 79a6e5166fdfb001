// Frozen: the integration API for case management systems (src/api, src/fhir, src/notifications).
// - api_client: a CMS registered to an accredited organisation, with its scopes; api_client_key its
//   public keys (JWK), several at once so that a client can rotate without a gap.
// - api_assertion: the jti of every client assertion until it expires, so none is accepted twice.
// - api_token: short-lived access tokens, stored only as SHA-256 (a database read cannot replay one).
// - api_idempotency: the first answer to each Idempotency-Key, replayed for a retry.
// - change_event: the outbox. Services write a change in the same transaction as the change itself;
//   the dispatcher fans it out to webhook_delivery rows for each interested subscription.
import { sql, type Kysely } from 'kysely'

const statements = [
  `CREATE TABLE api_client (
     id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{2,62}$'),
     name text NOT NULL,
     organisation_id uuid NOT NULL REFERENCES organisation (id),
     system_user_id uuid NOT NULL UNIQUE REFERENCES app_user (id),
     scopes text[] NOT NULL,
     status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'revoked')),
     created_by text,
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now()
   )`,
  'CREATE INDEX api_client_organisation ON api_client (organisation_id)',
  `CREATE TABLE api_client_key (
     client_id text NOT NULL REFERENCES api_client (id) ON DELETE CASCADE,
     kid text NOT NULL,
     jwk jsonb NOT NULL,
     status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
     created_at timestamptz NOT NULL DEFAULT now(),
     retired_at timestamptz,
     PRIMARY KEY (client_id, kid)
   )`,
  `CREATE TABLE api_assertion (
     client_id text NOT NULL REFERENCES api_client (id) ON DELETE CASCADE,
     jti text NOT NULL,
     expires_at timestamptz NOT NULL,
     PRIMARY KEY (client_id, jti)
   )`,
  'CREATE INDEX api_assertion_expiry ON api_assertion (expires_at)',
  `CREATE TABLE api_token (
     token_hash text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
     client_id text NOT NULL REFERENCES api_client (id) ON DELETE CASCADE,
     scopes text[] NOT NULL,
     issued_at timestamptz NOT NULL,
     expires_at timestamptz NOT NULL
   )`,
  'CREATE INDEX api_token_expiry ON api_token (expires_at)',
  `CREATE TABLE api_idempotency (
     client_id text NOT NULL REFERENCES api_client (id) ON DELETE CASCADE,
     key text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
     request_hash text NOT NULL,
     status integer,
     response jsonb,
     created_at timestamptz NOT NULL,
     PRIMARY KEY (client_id, key)
   )`,
  'CREATE INDEX api_idempotency_created ON api_idempotency (created_at)',
  `CREATE TABLE webhook_subscription (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     client_id text NOT NULL REFERENCES api_client (id) ON DELETE CASCADE,
     url text NOT NULL CHECK (url ~ '^https?://'),
     secret_ciphertext text NOT NULL,
     status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),
     created_at timestamptz NOT NULL DEFAULT now(),
     ended_at timestamptz
   )`,
  'CREATE INDEX webhook_subscription_client ON webhook_subscription (client_id) WHERE status = \'active\'',
  `CREATE TABLE change_event (
     seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     id uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
     type text NOT NULL CHECK (type ~ '^[a-z_]+(\\.[a-z_]+)+$'),
     child_id uuid NOT NULL,
     contactpoint_id text NOT NULL,
     replaced_by text,
     occurred_at timestamptz NOT NULL,
     fanned_out boolean NOT NULL DEFAULT false
   )`,
  'CREATE INDEX change_event_pending ON change_event (seq) WHERE NOT fanned_out',
  `CREATE TABLE webhook_delivery (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     subscription_id uuid NOT NULL REFERENCES webhook_subscription (id) ON DELETE CASCADE,
     event_id uuid NOT NULL REFERENCES change_event (id),
     status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
     attempts integer NOT NULL DEFAULT 0,
     next_attempt_at timestamptz NOT NULL,
     last_error text,
     delivered_at timestamptz,
     created_at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (subscription_id, event_id)
   )`,
  'CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE status = \'pending\'',
  'CREATE INDEX webhook_delivery_dead ON webhook_delivery (subscription_id, created_at) WHERE status = \'dead\'',
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['webhook_delivery', 'change_event', 'webhook_subscription', 'api_idempotency', 'api_token', 'api_assertion', 'api_client_key', 'api_client']) {
    await sql.raw(`DROP TABLE IF EXISTS ${table}`).execute(db)
  }
}
