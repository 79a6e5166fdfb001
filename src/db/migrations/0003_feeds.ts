// Frozen: feed loading, matching decisions and data-quality work (issue 4).
// A load is keyed by (source, file digest) so the same file is applied at most once; its
// checkpoint (next_line) advances in the same transaction as each batch, so a killed loader
// resumes exactly where the last committed batch ended.
import { sql, type Kysely } from 'kysely'

const statements = [
  // Per-field precedence overrides for a source ({"address": 95}); the source's precedence otherwise.
  `ALTER TABLE data_source ADD COLUMN field_precedence jsonb NOT NULL DEFAULT '{}'::jsonb`,

  // The linkage blocking keys of each record, so an incoming record finds its candidates by index.
  `ALTER TABLE source_record ADD COLUMN block_keys text[] NOT NULL DEFAULT '{}'`,
  'CREATE INDEX source_record_block_keys ON source_record USING gin (block_keys)',
  // Carers' names as the linkage engine compares them ("given family; given family").
  'ALTER TABLE source_record ADD COLUMN carer_names text',
  // A held record waits in the review queue before it is part of any child.
  `ALTER TABLE source_record ADD COLUMN held boolean NOT NULL DEFAULT false`,
  // The load that last carried the record: a full extract ends records it no longer carries.
  'ALTER TABLE source_record ADD COLUMN last_load_id uuid',
  'CREATE INDEX source_record_source_load ON source_record (source_id, last_load_id)',

  `CREATE TABLE feed_load (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     source_id uuid NOT NULL REFERENCES data_source (id),
     file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
     file_sha256 text NOT NULL CHECK (file_sha256 ~ '^[0-9a-f]{64}$'),
     format text NOT NULL CHECK (format IN ('jsonl', 'csv')),
     kind text NOT NULL CHECK (kind IN ('full', 'incremental')),
     -- 'bulk': linked with every other file of its group at once (an initial load); else record by record
     method text NOT NULL CHECK (method IN ('bulk', 'incremental')),
     group_id uuid,
     status text NOT NULL CHECK (status IN ('loading', 'applied', 'refused')),
     phase text NOT NULL DEFAULT 'records' CHECK (phase IN ('records', 'ending', 'done')),
     next_line integer NOT NULL DEFAULT 1 CHECK (next_line >= 1),
     rows_read integer NOT NULL DEFAULT 0,
     rows_rejected integer NOT NULL DEFAULT 0,
     counts jsonb NOT NULL DEFAULT '{}'::jsonb,
     refusal text,
     channel text NOT NULL CHECK (channel IN ('cli', 'api', 'system')),
     loaded_by_user_id uuid REFERENCES app_user (id),
     started_at timestamptz NOT NULL DEFAULT now(),
     finished_at timestamptz,
     UNIQUE (source_id, file_sha256),
     CHECK ((status = 'refused') = (refusal IS NOT NULL))
   )`,
  // One load in progress per source: updates from one supplier apply in the order they arrive.
  `CREATE UNIQUE INDEX feed_load_one_in_progress ON feed_load (source_id) WHERE status = 'loading'`,

  `CREATE TABLE feed_rejection (
     load_id uuid NOT NULL REFERENCES feed_load (id) ON DELETE CASCADE,
     line integer NOT NULL,
     record_id text,
     reason text NOT NULL,
     PRIMARY KEY (load_id, line)
   )`,

  // The trained linkage model in use, versioned; exactly one is active.
  `CREATE TABLE linkage_model (
     version text PRIMARY KEY,
     model text NOT NULL,
     trained_on integer NOT NULL,
     active boolean NOT NULL DEFAULT false,
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
  'CREATE UNIQUE INDEX linkage_model_one_active ON linkage_model (active) WHERE active',

  // The data-quality queue. 'record': a held source record that may belong to child_id.
  // 'children': two children that may be one. A person decides; merging two children needs a second
  // person's approval. A 'different' decision is kept and the pair is never proposed again.
  `CREATE TABLE match_review (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     kind text NOT NULL CHECK (kind IN ('record', 'children')),
     authority_id uuid NOT NULL REFERENCES organisation (id),
     source_record_id uuid REFERENCES source_record (id) ON DELETE CASCADE,
     child_id uuid NOT NULL REFERENCES child (id) ON DELETE CASCADE,
     other_child_id uuid REFERENCES child (id) ON DELETE CASCADE,
     match_probability double precision NOT NULL CHECK (match_probability BETWEEN 0 AND 1),
     reason text NOT NULL,
     explanation jsonb,
     status text NOT NULL DEFAULT 'open'
       CHECK (status IN ('open', 'awaiting_approval', 'same', 'different', 'withdrawn')),
     decided_by_user_id uuid REFERENCES app_user (id),
     decided_at timestamptz,
     approved_by_user_id uuid REFERENCES app_user (id),
     approved_at timestamptz,
     created_at timestamptz NOT NULL DEFAULT now(),
     CHECK ((kind = 'record') = (source_record_id IS NOT NULL)),
     CHECK ((kind = 'children') = (other_child_id IS NOT NULL)),
     CHECK (other_child_id IS NULL OR other_child_id <> child_id),
     CHECK (approved_by_user_id IS NULL OR approved_by_user_id <> decided_by_user_id),
     CHECK ((status = 'open') = (decided_by_user_id IS NULL))
   )`,
  `CREATE UNIQUE INDEX match_review_record_pair ON match_review (source_record_id, child_id) WHERE kind = 'record'`,
  `CREATE UNIQUE INDEX match_review_children_pair ON match_review (LEAST(child_id, other_child_id), GREATEST(child_id, other_child_id)) WHERE kind = 'children'`,
  `CREATE INDEX match_review_queue ON match_review (authority_id, created_at) WHERE status IN ('open', 'awaiting_approval')`,

  // A merge moves the records of one child into another; the merged child is kept, pointing at the
  // survivor (replaced_by_id), so an old ContactPoint ID still leads to the child. A split undoes it.
  `CREATE TABLE child_merge (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     merged_child_id uuid NOT NULL REFERENCES child (id) ON DELETE CASCADE,
     into_child_id uuid NOT NULL REFERENCES child (id) ON DELETE CASCADE,
     review_id uuid REFERENCES match_review (id) ON DELETE SET NULL,
     moved_record_ids uuid[] NOT NULL,
     decided_by_user_id uuid NOT NULL REFERENCES app_user (id),
     approved_by_user_id uuid NOT NULL REFERENCES app_user (id),
     merged_at timestamptz NOT NULL DEFAULT now(),
     split_by_user_id uuid REFERENCES app_user (id),
     split_at timestamptz,
     CHECK (approved_by_user_id <> decided_by_user_id),
     CHECK ((split_at IS NULL) = (split_by_user_id IS NULL))
   )`,
  'CREATE INDEX child_merge_into ON child_merge (into_child_id)',

  // Disagreements between sources that matter, for the data-quality queue.
  `CREATE TABLE record_conflict (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     child_id uuid NOT NULL REFERENCES child (id) ON DELETE CASCADE,
     field text NOT NULL CHECK (field IN ('date_of_birth', 'gender', 'address_status')),
     values jsonb NOT NULL,
     status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
     created_at timestamptz NOT NULL DEFAULT now(),
     resolved_by_user_id uuid REFERENCES app_user (id),
     resolved_at timestamptz,
     CHECK ((status = 'resolved') = (resolved_at IS NOT NULL))
   )`,
  `CREATE UNIQUE INDEX record_conflict_one_open ON record_conflict (child_id, field) WHERE status = 'open'`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['record_conflict', 'child_merge', 'match_review', 'linkage_model', 'feed_rejection', 'feed_load']) {
    await sql.raw(`DROP TABLE IF EXISTS ${table} CASCADE`).execute(db)
  }
  for (const column of ['last_load_id', 'held', 'carer_names', 'block_keys']) {
    await sql.raw(`ALTER TABLE source_record DROP COLUMN IF EXISTS ${column}`).execute(db)
  }
  await sql.raw('ALTER TABLE data_source DROP COLUMN IF EXISTS field_precedence').execute(db)
}
