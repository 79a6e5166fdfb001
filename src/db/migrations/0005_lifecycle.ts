// Frozen: what the lifecycle job needs (src/lifecycle). Change it with a new numbered migration.
// - child.left_england_on: the day the child was first known to have left England; it starts the
//   window after which the record is archived (docs/operations.md, "Record lifecycle").
// - postcode_district: which local authority a postcode district (the outward code, "NT4") lies
//   in, so that responsibility follows a child whose current address moves to another authority.
// - Partial indexes so the daily run reads only the records a rule can apply to.
import { sql, type Kysely } from 'kysely'

const statements = [
  'ALTER TABLE child ADD COLUMN left_england_on date',
  `CREATE TABLE postcode_district (
     district text PRIMARY KEY CHECK (district ~ '^[A-Z]{1,2}[0-9][0-9A-Z]?$'),
     authority_id uuid NOT NULL REFERENCES organisation (id),
     updated_at timestamptz NOT NULL DEFAULT now()
   )`,
  'CREATE INDEX postcode_district_authority ON postcode_district (authority_id)',
  `CREATE INDEX child_delete_due ON child (delete_due_on) WHERE status = 'archived'`,
  `CREATE INDEX child_died ON child (date_of_death) WHERE status = 'active' AND date_of_death IS NOT NULL`,
  `CREATE INDEX child_left_england ON child (left_england_on) WHERE address_status = 'left_england' OR left_england_on IS NOT NULL`,
  `CREATE INDEX child_retention_extended ON child (retention_extended_to) WHERE status = 'active' AND retention_extended_to IS NOT NULL`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    'DROP INDEX IF EXISTS child_retention_extended', 'DROP INDEX IF EXISTS child_left_england', 'DROP INDEX IF EXISTS child_died',
    'DROP INDEX IF EXISTS child_delete_due', 'DROP TABLE IF EXISTS postcode_district', 'ALTER TABLE child DROP COLUMN IF EXISTS left_england_on',
  ]) await sql.raw(statement).execute(db)
}
