// Frozen: what practitioners' own recording needs (src/practice). Change it with a new numbered migration.
// - data_error_report: a practitioner's report that something on a record is wrong, queued for the
//   child's authority's data team, who resolve it with a note. It names the part of the record and
//   says what is wrong; it is not a place for case details (length-limited, and the page says so).
// - phone_enquiry: an authorised user searching for a caller. It lasts for the user's session until
//   ended; every search and view made meanwhile is audited on the phone channel, on the caller's behalf.
import { sql, type Kysely } from 'kysely'

const ERROR_PARTS = ['name', 'date_of_birth', 'gender', 'address', 'carers', 'involvements', 'other']
const IDENTITY_CHECKS = ['called_back_known_number', 'verified_with_organisation', 'known_colleague', 'other']
const list = (values: readonly string[]): string => values.map((v) => `'${v}'`).join(', ')

const statements = [
  `CREATE TABLE data_error_report (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     child_id uuid NOT NULL REFERENCES child (id) ON DELETE CASCADE,
     authority_id uuid NOT NULL REFERENCES organisation (id),
     reported_by_user_id uuid NOT NULL REFERENCES app_user (id),
     reporter_organisation_id uuid NOT NULL REFERENCES organisation (id),
     part text NOT NULL CHECK (part IN (${list(ERROR_PARTS)})),
     description text NOT NULL CHECK (length(description) BETWEEN 1 AND 500),
     status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
     created_at timestamptz NOT NULL DEFAULT now(),
     resolved_at timestamptz,
     resolved_by_user_id uuid REFERENCES app_user (id),
     resolution_note text CHECK (length(resolution_note) <= 500),
     CHECK ((status = 'resolved') = (resolved_at IS NOT NULL AND resolved_by_user_id IS NOT NULL AND resolution_note IS NOT NULL))
   )`,
  `CREATE INDEX data_error_report_queue ON data_error_report (authority_id, created_at) WHERE status = 'open'`,
  'CREATE INDEX data_error_report_child ON data_error_report (child_id)',

  `CREATE TABLE phone_enquiry (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     user_id uuid NOT NULL REFERENCES app_user (id),
     session_id text NOT NULL,
     caller_name text NOT NULL CHECK (length(caller_name) BETWEEN 1 AND 100),
     caller_organisation text NOT NULL CHECK (length(caller_organisation) BETWEEN 1 AND 200),
     caller_phone text NOT NULL CHECK (length(caller_phone) BETWEEN 1 AND 30),
     identity_check text NOT NULL CHECK (identity_check IN (${list(IDENTITY_CHECKS)})),
     identity_check_detail text CHECK (length(identity_check_detail) <= 300),
     started_at timestamptz NOT NULL,
     ended_at timestamptz
   )`,
  'CREATE UNIQUE INDEX phone_enquiry_one_open ON phone_enquiry (session_id) WHERE ended_at IS NULL',
  'CREATE INDEX phone_enquiry_user ON phone_enquiry (user_id, started_at)',
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw('DROP TABLE IF EXISTS phone_enquiry').execute(db)
  await sql.raw('DROP TABLE IF EXISTS data_error_report').execute(db)
}
