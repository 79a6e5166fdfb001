// Frozen: the child-index data model as first released. Change it with a new numbered migration.
// Closed vocabularies are CHECK constraints so that no path (feed, web, API, SQL console) can store
// a value the service does not understand; the ContactPoint ID's check digit is verified in SQL too.
import { sql, type Kysely } from 'kysely'

const list = (values: readonly string[]): string => values.map((v) => `'${v}'`).join(', ')

const GENDERS = ['female', 'male', 'not_specified']
const ADDRESS_STATUSES = ['current', 'last_known', 'no_known_address', 'left_england']
const RETURN_INTENTS = ['intends_to_return', 'does_not_intend_to_return', 'unknown']
const RELATIONSHIPS = ['mother', 'father', 'step_parent', 'grandparent', 'other_relative', 'foster_carer', 'special_guardian', 'local_authority', 'other']
const SENSITIVE = ['sexual_health', 'mental_health', 'substance_misuse']
const SERVICE_TYPES = [
  'early_years', 'school', 'further_education', 'gp_practice', 'health_visitor', 'school_nurse',
  'community_paediatrics', 'childrens_social_care', 'early_help', 'youth_offending', 'youth_service',
  'connexions', 'education_welfare', 'send_support', 'camhs_universal', 'voluntary_sector', 'housing',
  'police_liaison', 'other', ...SENSITIVE,
]
const ORGANISATION_KINDS = [
  'local_authority', 'national_body', 'school', 'early_years', 'further_education', 'gp_practice',
  'health_service', 'social_care', 'youth_offending', 'youth_service', 'voluntary', 'police', 'housing', 'other',
]
const ROLES = [
  'practitioner', 'practitioner_shield_override', 'authority_data_manager', 'authority_user_admin',
  'authority_privacy_officer', 'national_admin', 'data_supplier', 'cms_client',
]
const PROVENANCE_FIELDS = [
  'given_name', 'middle_names', 'family_name', 'gender', 'date_of_birth', 'date_of_death', 'address', 'address_status',
]

const statements = [
  'CREATE EXTENSION IF NOT EXISTS pg_trgm',
  'CREATE EXTENSION IF NOT EXISTS fuzzystrmatch',

  // Damm check digit: catches every single-digit error and every adjacent transposition.
  // Mirrors src/children/contactpoint-id.ts; a test proves they agree.
  `CREATE FUNCTION contactpoint_id_is_valid(id text) RETURNS boolean
   LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
   DECLARE
     t constant int[] := ARRAY[
       0,3,1,7,5,9,8,6,4,2, 7,0,9,2,1,5,4,8,6,3, 4,2,0,6,8,7,1,3,5,9, 1,7,5,0,9,8,3,4,2,6,
       6,1,2,3,0,4,5,9,7,8, 3,6,7,4,2,0,9,5,8,1, 5,8,6,9,7,2,0,1,3,4, 8,9,4,5,3,6,2,0,1,7,
       9,4,3,8,6,1,7,2,0,5, 2,5,8,1,4,3,6,7,9,0];
     interim int := 0;
     i int;
   BEGIN
     IF id !~ '^[1-9][0-9]{11}$' THEN RETURN false; END IF;
     FOR i IN 1..12 LOOP
       interim := t[interim * 10 + substr(id, i, 1)::int + 1];
     END LOOP;
     RETURN interim = 0;
   END $$`,

  `CREATE TABLE organisation (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     code text NOT NULL UNIQUE,
     name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
     kind text NOT NULL CHECK (kind IN (${list(ORGANISATION_KINDS)})),
     authority_id uuid REFERENCES organisation (id),
     la_number text UNIQUE CHECK (la_number ~ '^[0-9]{3}$'),
     ons_code text UNIQUE,
     accreditation_status text NOT NULL DEFAULT 'pending'
       CHECK (accreditation_status IN ('pending', 'accredited', 'suspended', 'withdrawn')),
     accredited_at timestamptz,
     phone text, email text, address text, postcode text,
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now(),
     CHECK ((kind = 'local_authority') = (la_number IS NOT NULL))
   )`,
  'CREATE INDEX organisation_authority ON organisation (authority_id)',

  `CREATE TABLE app_user (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     username text NOT NULL CHECK (username ~ '^[a-z0-9][a-z0-9._@-]{2,99}$'),
     display_name text NOT NULL,
     email text, phone text, job_title text,
     organisation_id uuid NOT NULL REFERENCES organisation (id),
     kind text NOT NULL DEFAULT 'person' CHECK (kind IN ('person', 'system')),
     status text NOT NULL DEFAULT 'invited' CHECK (status IN ('invited', 'active', 'suspended', 'removed')),
     status_reason text,
     password_hash text,
     dbs_checked_on date,
     training_completed_on date,
     agreement_signed_on date,
     access_channel text NOT NULL DEFAULT 'web' CHECK (access_channel IN ('web', 'cms', 'both', 'none')),
     failed_sign_ins integer NOT NULL DEFAULT 0,
     locked_until timestamptz,
     last_sign_in_at timestamptz,
     created_by uuid REFERENCES app_user (id),
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now()
   )`,
  'CREATE UNIQUE INDEX app_user_username ON app_user (username)',
  'CREATE INDEX app_user_organisation ON app_user (organisation_id)',

  `CREATE TABLE user_role (
     user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
     role text NOT NULL CHECK (role IN (${list(ROLES)})),
     authority_id uuid REFERENCES organisation (id),
     granted_by uuid REFERENCES app_user (id),
     granted_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (user_id, role)
   )`,

  `CREATE TABLE child (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     contactpoint_id text NOT NULL UNIQUE CHECK (contactpoint_id_is_valid(contactpoint_id)),
     given_name text NOT NULL CHECK (length(given_name) BETWEEN 1 AND 100),
     middle_names text CHECK (length(middle_names) <= 200),
     family_name text NOT NULL CHECK (length(family_name) BETWEEN 1 AND 100),
     gender text NOT NULL CHECK (gender IN (${list(GENDERS)})),
     date_of_birth date NOT NULL,
     date_of_death date CHECK (date_of_death >= date_of_birth),
     address_status text NOT NULL DEFAULT 'current' CHECK (address_status IN (${list(ADDRESS_STATUSES)})),
     return_intent text CHECK (return_intent IN (${list(RETURN_INTENTS)})),
     responsible_authority_id uuid NOT NULL REFERENCES organisation (id),
     shielded boolean NOT NULL DEFAULT false,
     status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived', 'merged')),
     replaced_by_id uuid REFERENCES child (id),
     archive_due_on date NOT NULL,
     retention_extended_to date,
     retention_extension_basis text CHECK (retention_extension_basis IN ('care_leaver', 'learning_difficulty_or_disability')),
     archived_at timestamptz,
     delete_due_on date,
     version integer NOT NULL DEFAULT 1,
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now(),
     CHECK ((return_intent IS NULL) = (address_status <> 'left_england')),
     CHECK ((status = 'merged') = (replaced_by_id IS NOT NULL)),
     CHECK ((retention_extended_to IS NULL) = (retention_extension_basis IS NULL)),
     CHECK (retention_extended_to IS NULL OR retention_extended_to <= (date_of_birth + interval '25 years')::date),
     CHECK (replaced_by_id <> id)
   )`,
  'CREATE INDEX child_date_of_birth ON child (date_of_birth)',
  'CREATE INDEX child_authority ON child (responsible_authority_id)',
  'CREATE INDEX child_replaced_by ON child (replaced_by_id) WHERE replaced_by_id IS NOT NULL',

  `CREATE TABLE child_name (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     child_id uuid NOT NULL REFERENCES child (id) ON DELETE CASCADE,
     kind text NOT NULL CHECK (kind IN ('former', 'alias')),
     given_name text,
     middle_names text,
     family_name text NOT NULL,
     used_until date,
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
  'CREATE INDEX child_name_child ON child_name (child_id)',

  `CREATE TABLE child_address (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     child_id uuid NOT NULL REFERENCES child (id) ON DELETE CASCADE,
     lines text[] NOT NULL CHECK (cardinality(lines) BETWEEN 1 AND 6),
     town text,
     postcode text,
     is_current boolean NOT NULL,
     valid_from date,
     valid_to date,
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
  'CREATE UNIQUE INDEX child_address_one_current ON child_address (child_id) WHERE is_current',
  'CREATE INDEX child_address_postcode ON child_address (postcode)',

  `CREATE TABLE data_source (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     code text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
     name text NOT NULL,
     scope text NOT NULL CHECK (scope IN ('national', 'local')),
     organisation_id uuid NOT NULL REFERENCES organisation (id),
     authority_id uuid REFERENCES organisation (id),
     supplies text[] NOT NULL DEFAULT ARRAY['identity']::text[],
     precedence integer NOT NULL DEFAULT 50 CHECK (precedence BETWEEN 0 AND 100),
     active boolean NOT NULL DEFAULT true,
     created_at timestamptz NOT NULL DEFAULT now(),
     CHECK ((scope = 'local') = (authority_id IS NOT NULL)),
     CHECK (supplies <@ ARRAY['identity', 'carers', 'involvements']::text[])
   )`,

  `CREATE TABLE source_record (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     source_id uuid NOT NULL REFERENCES data_source (id),
     record_id text NOT NULL CHECK (length(record_id) BETWEEN 1 AND 100),
     given_name text,
     middle_names text,
     family_name text,
     former_family_names text[] NOT NULL DEFAULT '{}',
     date_of_birth date,
     date_of_death date,
     gender text CHECK (gender IN (${list(GENDERS)})),
     address_lines text[],
     town text,
     postcode text,
     address_status text CHECK (address_status IN (${list(ADDRESS_STATUSES)})),
     return_intent text CHECK (return_intent IN (${list(RETURN_INTENTS)})),
     nhs_number text CHECK (nhs_number ~ '^[0-9]{10}$'),
     upn text CHECK (upn ~ '^[A-Z][0-9]{11}[0-9A-Z]$'),
     payload jsonb NOT NULL,
     content_hash text NOT NULL,
     status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deleted')),
     received_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now(),
     deleted_at timestamptz,
     UNIQUE (source_id, record_id),
     CHECK ((status = 'deleted') = (deleted_at IS NOT NULL))
   )`,
  'CREATE INDEX source_record_nhs_number ON source_record (nhs_number) WHERE nhs_number IS NOT NULL',
  'CREATE INDEX source_record_upn ON source_record (upn) WHERE upn IS NOT NULL',

  // A source record's relation to candidate children. At most one 'linked' row per source record;
  // 'review' rows wait for a person; 'rejected' rows are kept decisions that are never re-proposed.
  `CREATE TABLE record_link (
     source_record_id uuid NOT NULL REFERENCES source_record (id) ON DELETE CASCADE,
     child_id uuid NOT NULL REFERENCES child (id),
     state text NOT NULL CHECK (state IN ('linked', 'review', 'rejected')),
     match_weight double precision,
     match_probability double precision CHECK (match_probability BETWEEN 0 AND 1),
     decided_by text NOT NULL CHECK (decided_by IN ('engine', 'person', 'practitioner_created', 'demo_truth')),
     decided_by_user_id uuid REFERENCES app_user (id),
     decided_at timestamptz NOT NULL DEFAULT now(),
     model_version text,
     explanation jsonb,
     PRIMARY KEY (source_record_id, child_id),
     CHECK ((decided_by = 'person') = (decided_by_user_id IS NOT NULL))
   )`,
  `CREATE UNIQUE INDEX record_link_one_linked ON record_link (source_record_id) WHERE state = 'linked'`,
  'CREATE INDEX record_link_child ON record_link (child_id)',
  `CREATE INDEX record_link_review ON record_link (decided_at) WHERE state = 'review'`,

  // Identifiers issued by other bodies: held for matching, shown only to the issuer's staff.
  `CREATE TABLE child_identifier (
     child_id uuid NOT NULL REFERENCES child (id) ON DELETE CASCADE,
     scheme text NOT NULL CHECK (scheme IN ('nhs_number', 'upn')),
     value text NOT NULL,
     issuer_organisation_id uuid NOT NULL REFERENCES organisation (id),
     source_record_id uuid REFERENCES source_record (id) ON DELETE SET NULL,
     PRIMARY KEY (child_id, scheme, value)
   )`,
  'CREATE INDEX child_identifier_value ON child_identifier (scheme, value)',

  // Which source supplied the value a child record currently shows for each field.
  `CREATE TABLE field_provenance (
     child_id uuid NOT NULL REFERENCES child (id) ON DELETE CASCADE,
     field text NOT NULL CHECK (field IN (${list(PROVENANCE_FIELDS)})),
     source_record_id uuid REFERENCES source_record (id) ON DELETE SET NULL,
     source_id uuid REFERENCES data_source (id),
     recorded_by_user_id uuid REFERENCES app_user (id),
     recorded_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (child_id, field),
     CHECK (source_id IS NOT NULL OR recorded_by_user_id IS NOT NULL)
   )`,

  `CREATE TABLE carer (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     child_id uuid NOT NULL REFERENCES child (id) ON DELETE CASCADE,
     given_name text NOT NULL,
     family_name text NOT NULL,
     relationship text NOT NULL CHECK (relationship IN (${list(RELATIONSHIPS)})),
     parental_responsibility boolean NOT NULL,
     phone text, email text,
     address_lines text[], town text, postcode text,
     source_record_id uuid REFERENCES source_record (id) ON DELETE SET NULL,
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now()
   )`,
  'CREATE INDEX carer_child ON carer (child_id)',

  `CREATE TABLE involvement (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     child_id uuid NOT NULL REFERENCES child (id) ON DELETE CASCADE,
     service_type text NOT NULL CHECK (service_type IN (${list(SERVICE_TYPES)})),
     organisation_id uuid NOT NULL REFERENCES organisation (id),
     practitioner_user_id uuid REFERENCES app_user (id),
     practitioner_name text,
     phone text, email text,
     started_on date NOT NULL,
     ended_on date CHECK (ended_on >= started_on),
     is_lead_professional boolean NOT NULL DEFAULT false,
     holds_caf boolean NOT NULL DEFAULT false,
     is_sensitive boolean NOT NULL DEFAULT false,
     consent_basis text CHECK (consent_basis IN ('consent', 'significant_harm')),
     source_record_id uuid REFERENCES source_record (id) ON DELETE SET NULL,
     supplier_involvement_id text,
     created_by_user_id uuid REFERENCES app_user (id),
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now(),
     CHECK (is_sensitive = (service_type IN (${list(SENSITIVE)}))),
     CHECK (is_sensitive = (consent_basis IS NOT NULL)),
     CHECK ((source_record_id IS NULL) = (supplier_involvement_id IS NULL)),
     UNIQUE (source_record_id, supplier_involvement_id)
   )`,
  'CREATE INDEX involvement_child ON involvement (child_id)',
  'CREATE INDEX involvement_organisation ON involvement (organisation_id)',

  // A marker says only "this practitioner has a concern: contact them". It carries no details.
  `CREATE TABLE concern_marker (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     child_id uuid NOT NULL REFERENCES child (id) ON DELETE CASCADE,
     organisation_id uuid NOT NULL REFERENCES organisation (id),
     set_by_user_id uuid NOT NULL REFERENCES app_user (id),
     contact_name text NOT NULL,
     contact_phone text,
     contact_email text,
     set_at timestamptz NOT NULL DEFAULT now(),
     removed_at timestamptz,
     removed_by_user_id uuid REFERENCES app_user (id),
     CHECK ((removed_at IS NULL) = (removed_by_user_id IS NULL)),
     CHECK (contact_phone IS NOT NULL OR contact_email IS NOT NULL)
   )`,
  'CREATE INDEX concern_marker_child ON concern_marker (child_id)',

  `CREATE TABLE shield_decision (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     child_id uuid NOT NULL REFERENCES child (id) ON DELETE CASCADE,
     reason text NOT NULL CHECK (reason IN ('domestic_violence', 'witness_protection', 'adoption', 'other_risk')),
     note text CHECK (length(note) <= 500),
     decided_by_user_id uuid REFERENCES app_user (id),
     decided_at timestamptz NOT NULL DEFAULT now(),
     review_due_on date NOT NULL,
     lifted_at timestamptz,
     lifted_by_user_id uuid REFERENCES app_user (id)
   )`,
  'CREATE UNIQUE INDEX shield_decision_one_open ON shield_decision (child_id) WHERE lifted_at IS NULL',

  // Append-only and hash-chained: each event's hash covers its content and the previous hash.
  `CREATE TABLE audit_event (
     seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     id uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
     occurred_at timestamptz NOT NULL,
     actor_user_id uuid,
     actor_organisation_id uuid,
     on_behalf_of text,
     channel text NOT NULL CHECK (channel IN ('web', 'api', 'phone', 'cli', 'system', 'feed')),
     action text NOT NULL CHECK (action ~ '^[a-z_]+(\\.[a-z_]+)+$'),
     outcome text NOT NULL CHECK (outcome IN ('success', 'denied', 'failure')),
     subject_type text,
     subject_id text,
     reason_code text,
     reason_text text,
     details jsonb NOT NULL DEFAULT '{}'::jsonb,
     client_ip text,
     request_id text,
     prev_hash text,
     hash text NOT NULL
   )`,
  'CREATE INDEX audit_event_subject ON audit_event (subject_type, subject_id, seq)',
  'CREATE INDEX audit_event_actor ON audit_event (actor_user_id, seq)',
  `CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
   END $$`,
  `CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event
     FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()`,
  `CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
     FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()`,

  `CREATE TABLE system_state (
     key text PRIMARY KEY,
     value jsonb NOT NULL,
     updated_at timestamptz NOT NULL DEFAULT now()
   )`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'system_state', 'audit_event', 'shield_decision', 'concern_marker', 'involvement', 'carer', 'field_provenance',
    'child_identifier', 'record_link', 'source_record', 'data_source', 'child_address', 'child_name', 'child',
    'user_role', 'app_user', 'organisation',
  ]) {
    await sql.raw(`DROP TABLE IF EXISTS ${table} CASCADE`).execute(db)
  }
  await sql.raw('DROP FUNCTION IF EXISTS audit_event_append_only()').execute(db)
  await sql.raw('DROP FUNCTION IF EXISTS contactpoint_id_is_valid(text)').execute(db)
}
