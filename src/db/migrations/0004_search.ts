// Frozen once released. Finding a child, and the shield-override alert.
//
// child_search_name holds one row for every name a child is known by (the current name and each
// former name or alias) with keys a search can look up through an index: the folded family name,
// its Double Metaphone codes (fuzzystrmatch), its parts (double-barrelled names) and trigrams
// (pg_trgm), each with the date of birth so that a name and a date range are one index range.
// Statement-level triggers keep it in step with child and child_name whichever path writes them
// (feeds, the web, the demo loader, SQL), so search never scans the child table.
//
// shield_override records each time a user opened a shielded record with the override right: the
// alert the child's authority investigates (status 'open' until the privacy officer closes it).
import { sql, type Kysely } from 'kysely'

const statements = [
  // Lower case, common Latin accents removed, ß æ œ spelt out. Mirrors foldText in src/linkage/standardise.ts.
  `CREATE FUNCTION cp_fold(value text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
     SELECT replace(replace(replace(translate(lower(value),
       'àáâãäåāăąçćĉċčďđèéêëēĕėęěĝğġģĥħìíîïĩīĭįıĵķĺļľŀłñńņňòóôõöøōŏőŕŗřśŝşšţťŧùúûüũūŭůűųŵýÿŷźżžþð',
       'aaaaaaaaacccccddeeeeeeeeegggghhiiiiiiiiijklllllnnnnooooooooorrrssssttttuuuuuuuuuuwyyyzzztd'),
       'ß', 'ss'), 'æ', 'ae'), 'œ', 'oe')
   $$`,
  // A family name as one key: folded, Mac written Mc (as the linkage standardiser does), no spaces,
  // hyphens or apostrophes ("O'Brien" and "Obrien", "Okonkwo-Mensah" and "Okonkwo Mensah" agree).
  `CREATE FUNCTION cp_name_key(value text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
     SELECT nullif(regexp_replace(
       regexp_replace(regexp_replace(cp_fold(value), '[''’‘\`.]', '', 'g'), '(^|[^a-z])mac[^a-z]*([a-z]{4,})', '\\1mc\\2', 'g'),
       '[^a-z]', '', 'g'), '')
   $$`,
  // The parts of a multi-word family name ("okonkwo", "mensah"); empty for a one-word name.
  `CREATE FUNCTION cp_name_parts(value text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
     SELECT CASE WHEN cardinality(words) > 1 THEN ARRAY(SELECT cp_name_key(w) FROM unnest(words) AS w WHERE length(w) >= 2) ELSE '{}' END
     FROM (SELECT regexp_split_to_array(trim(regexp_replace(regexp_replace(cp_fold(value), '[''’‘\`.]', '', 'g'), '[^a-z]+', ' ', 'g')), ' ') AS words) s
   $$`,
  // The first given name as one key (a hyphenated name stays one name: Mary-Jane → maryjane).
  `CREATE FUNCTION cp_given_key(value text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
     SELECT cp_name_key(split_part(trim(regexp_replace(regexp_replace(cp_fold(value), '([a-z])-([a-z])', '\\1\\2', 'g'), '[^a-z'']+', ' ', 'g')), ' ', 1))
   $$`,
  // Every other given or middle name, as keys.
  `CREATE FUNCTION cp_other_given_keys(given text, middle text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
     SELECT coalesce(array_agg(cp_name_key(w)) FILTER (WHERE cp_name_key(w) IS NOT NULL), '{}') FROM (
       SELECT w FROM unnest((regexp_split_to_array(trim(regexp_replace(regexp_replace(cp_fold(coalesce(given, '')), '([a-z])-([a-z])', '\\1\\2', 'g'), '[^a-z'']+', ' ', 'g')), ' '))[2:]) AS w
       UNION ALL
       SELECT w FROM unnest(regexp_split_to_array(trim(regexp_replace(cp_fold(coalesce(middle, '')), '[^a-z'']+', ' ', 'g')), ' ')) AS w
     ) words
   $$`,
  // The live record a merged record now lives on (follows replaced_by to its end).
  `CREATE FUNCTION child_final_id(start uuid) RETURNS uuid LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
     WITH RECURSIVE chain(id, replaced_by_id, depth) AS (
       SELECT id, replaced_by_id, 0 FROM child WHERE id = start
       UNION ALL
       SELECT c.id, c.replaced_by_id, chain.depth + 1 FROM child c JOIN chain ON c.id = chain.replaced_by_id WHERE chain.depth < 50
     )
     SELECT id FROM chain WHERE replaced_by_id IS NULL LIMIT 1
   $$`,

  `CREATE TABLE child_search_name (
     name_ref uuid PRIMARY KEY,
     child_id uuid NOT NULL REFERENCES child (id) ON DELETE CASCADE,
     kind text NOT NULL CHECK (kind IN ('current', 'former', 'alias')),
     given_key text,
     other_given_keys text[] NOT NULL DEFAULT '{}',
     family_key text NOT NULL,
     family_sound text NOT NULL,
     family_sound_alt text NOT NULL,
     family_parts text[] NOT NULL DEFAULT '{}',
     date_of_birth date NOT NULL,
     CHECK ((kind = 'current') = (name_ref = child_id))
   )`,
  'CREATE INDEX child_search_name_child ON child_search_name (child_id)',
  'CREATE INDEX child_search_name_family ON child_search_name (family_key, date_of_birth)',
  'CREATE INDEX child_search_name_sound ON child_search_name (family_sound, date_of_birth)',
  'CREATE INDEX child_search_name_sound_alt ON child_search_name (family_sound_alt, date_of_birth)',
  'CREATE INDEX child_search_name_trigram ON child_search_name USING gin (family_key gin_trgm_ops)',
  'CREATE INDEX child_search_name_parts ON child_search_name USING gin (family_parts)',
  // Previous addresses of a found child are compared too; 0001 indexed only the current one.
  'CREATE INDEX child_address_child ON child_address (child_id)',

  // Rows for a set of children: the current name and every former name or alias (whose missing
  // given name is the child's current one).
  `CREATE FUNCTION child_search_name_rebuild(children uuid[]) RETURNS void LANGUAGE plpgsql AS $$
   BEGIN
     DELETE FROM child_search_name WHERE child_id = ANY (children);
     INSERT INTO child_search_name (name_ref, child_id, kind, given_key, other_given_keys, family_key, family_sound, family_sound_alt, family_parts, date_of_birth)
     SELECT c.id, c.id, 'current', cp_given_key(c.given_name), cp_other_given_keys(c.given_name, c.middle_names), k.key,
            dmetaphone(k.key), dmetaphone_alt(k.key), cp_name_parts(c.family_name), c.date_of_birth
       FROM child c CROSS JOIN LATERAL (SELECT coalesce(cp_name_key(c.family_name), '?') AS key) k
      WHERE c.id = ANY (children)
     UNION ALL
     SELECT n.id, c.id, n.kind, cp_given_key(coalesce(n.given_name, c.given_name)),
            cp_other_given_keys(coalesce(n.given_name, c.given_name), coalesce(n.middle_names, c.middle_names)), k.key,
            dmetaphone(k.key), dmetaphone_alt(k.key), cp_name_parts(n.family_name), c.date_of_birth
       FROM child_name n JOIN child c ON c.id = n.child_id CROSS JOIN LATERAL (SELECT coalesce(cp_name_key(n.family_name), '?') AS key) k
      WHERE n.child_id = ANY (children);
   END $$`,
  `CREATE FUNCTION child_search_name_on_child_insert() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     PERFORM child_search_name_rebuild(ARRAY(SELECT id FROM new_rows));
     RETURN NULL;
   END $$`,
  `CREATE FUNCTION child_search_name_on_child_update() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     PERFORM child_search_name_rebuild(ARRAY(
       SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE (n.given_name, n.middle_names, n.family_name, n.date_of_birth) IS DISTINCT FROM (o.given_name, o.middle_names, o.family_name, o.date_of_birth)));
     RETURN NULL;
   END $$`,
  `CREATE FUNCTION child_search_name_on_name_change() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP = 'INSERT' THEN
       PERFORM child_search_name_rebuild(ARRAY(SELECT DISTINCT child_id FROM new_rows));
     ELSIF TG_OP = 'UPDATE' THEN
       PERFORM child_search_name_rebuild(ARRAY(SELECT child_id FROM new_rows UNION SELECT child_id FROM old_rows));
     ELSE
       PERFORM child_search_name_rebuild(ARRAY(SELECT DISTINCT child_id FROM old_rows));
     END IF;
     RETURN NULL;
   END $$`,
  `CREATE TRIGGER child_search_name_insert AFTER INSERT ON child REFERENCING NEW TABLE AS new_rows
     FOR EACH STATEMENT EXECUTE FUNCTION child_search_name_on_child_insert()`,
  `CREATE TRIGGER child_search_name_update AFTER UPDATE ON child REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
     FOR EACH STATEMENT EXECUTE FUNCTION child_search_name_on_child_update()`,
  `CREATE TRIGGER child_name_search_insert AFTER INSERT ON child_name REFERENCING NEW TABLE AS new_rows
     FOR EACH STATEMENT EXECUTE FUNCTION child_search_name_on_name_change()`,
  `CREATE TRIGGER child_name_search_update AFTER UPDATE ON child_name REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
     FOR EACH STATEMENT EXECUTE FUNCTION child_search_name_on_name_change()`,
  `CREATE TRIGGER child_name_search_delete AFTER DELETE ON child_name REFERENCING OLD TABLE AS old_rows
     FOR EACH STATEMENT EXECUTE FUNCTION child_search_name_on_name_change()`,
  // Children already in the store.
  'SELECT child_search_name_rebuild(ARRAY(SELECT id FROM child))',

  `CREATE TABLE shield_override (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     child_id uuid NOT NULL REFERENCES child (id) ON DELETE CASCADE,
     authority_id uuid NOT NULL REFERENCES organisation (id),
     user_id uuid NOT NULL REFERENCES app_user (id),
     session_id text NOT NULL,
     reason_code text NOT NULL,
     reason_text text NOT NULL CHECK (length(reason_text) BETWEEN 1 AND 1000),
     created_at timestamptz NOT NULL,
     status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
     closed_at timestamptz,
     closed_by_user_id uuid REFERENCES app_user (id),
     outcome text,
     CHECK ((status = 'closed') = (closed_at IS NOT NULL))
   )`,
  'CREATE INDEX shield_override_session ON shield_override (session_id, child_id)',
  `CREATE INDEX shield_override_open ON shield_override (authority_id, created_at) WHERE status = 'open'`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    'DROP TABLE IF EXISTS shield_override',
    'DROP TRIGGER IF EXISTS child_name_search_delete ON child_name',
    'DROP TRIGGER IF EXISTS child_name_search_update ON child_name',
    'DROP TRIGGER IF EXISTS child_name_search_insert ON child_name',
    'DROP TRIGGER IF EXISTS child_search_name_update ON child',
    'DROP TRIGGER IF EXISTS child_search_name_insert ON child',
    'DROP FUNCTION IF EXISTS child_search_name_on_name_change()',
    'DROP FUNCTION IF EXISTS child_search_name_on_child_update()',
    'DROP FUNCTION IF EXISTS child_search_name_on_child_insert()',
    'DROP FUNCTION IF EXISTS child_search_name_rebuild(uuid[])',
    'DROP INDEX IF EXISTS child_address_child',
    'DROP TABLE IF EXISTS child_search_name',
    'DROP FUNCTION IF EXISTS child_final_id(uuid)',
    'DROP FUNCTION IF EXISTS cp_other_given_keys(text, text)',
    'DROP FUNCTION IF EXISTS cp_given_key(text)',
    'DROP FUNCTION IF EXISTS cp_name_parts(text)',
    'DROP FUNCTION IF EXISTS cp_name_key(text)',
    'DROP FUNCTION IF EXISTS cp_fold(text)',
  ]) await sql.raw(statement).execute(db)
}
