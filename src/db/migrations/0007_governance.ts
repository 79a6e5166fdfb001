// Frozen: what governance needs beyond the audit trail (src/governance). Change it with a new migration.
// - monitoring_alert: one alert a misuse rule raised about a user, in the privacy officer queue of
//   the user's authority (null: the national team's queue). dedupe_key makes re-running a rule over
//   the same window a no-op, so the scheduled job and the CLI can both run it.
// - shield_override.outcome_code: how the privacy officer closed the investigation of an override
//   (outcome stays the free-text finding).
// - app_user.home_street / home_postcode: the street and postcode a user declares at registration,
//   so that a search or view of a child on their own street can be noticed (never shown to others).
// - organisation.potential_users: the workforce analysis' estimate of staff who will need access.
import { sql, type Kysely } from 'kysely'

const statements = [
  `CREATE TABLE monitoring_alert (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     authority_id uuid REFERENCES organisation (id),
     user_id uuid NOT NULL REFERENCES app_user (id),
     rule text NOT NULL CHECK (rule IN ('volume', 'own_surname', 'own_street', 'views_without_involvement', 'out_of_area', 'shielded_access', 'unusual_hours')),
     window_start timestamptz NOT NULL,
     window_end timestamptz NOT NULL,
     summary text NOT NULL,
     evidence jsonb NOT NULL DEFAULT '{}'::jsonb,
     dedupe_key text NOT NULL UNIQUE,
     raised_at timestamptz NOT NULL,
     status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
     user_suspended_at timestamptz,
     closed_at timestamptz,
     closed_by_user_id uuid REFERENCES app_user (id),
     outcome_code text CHECK (outcome_code IN ('legitimate', 'misuse_confirmed', 'training_needed', 'referred')),
     outcome text,
     CHECK ((status = 'closed') = (closed_at IS NOT NULL))
   )`,
  `CREATE INDEX monitoring_alert_queue ON monitoring_alert (authority_id, raised_at) WHERE status = 'open'`,
  'CREATE INDEX monitoring_alert_raised ON monitoring_alert (raised_at)',
  'CREATE INDEX monitoring_alert_user ON monitoring_alert (user_id, raised_at)',
  `ALTER TABLE shield_override ADD COLUMN outcome_code text CHECK (outcome_code IN ('justified', 'not_justified', 'referred'))`,
  'CREATE INDEX shield_override_created ON shield_override (authority_id, created_at)',
  'ALTER TABLE app_user ADD COLUMN home_street text',
  'ALTER TABLE app_user ADD COLUMN home_postcode text',
  'ALTER TABLE organisation ADD COLUMN potential_users integer CHECK (potential_users >= 0)',
  // Reads by time for monitoring and monthly reports.
  'CREATE INDEX audit_event_occurred ON audit_event (occurred_at)',
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    'DROP INDEX IF EXISTS audit_event_occurred',
    'ALTER TABLE organisation DROP COLUMN IF EXISTS potential_users',
    'ALTER TABLE app_user DROP COLUMN IF EXISTS home_postcode',
    'ALTER TABLE app_user DROP COLUMN IF EXISTS home_street',
    'DROP INDEX IF EXISTS shield_override_created',
    'ALTER TABLE shield_override DROP COLUMN IF EXISTS outcome_code',
    'DROP TABLE IF EXISTS monitoring_alert',
  ]) await sql.raw(statement).execute(db)
}
