// All SQL of finding a child. Candidates come only through the indexes of child_search_name
// (migration 0004): the family name's key, its parts, its Double Metaphone codes and its trigrams,
// each narrowed by a date-of-birth range when one is given. Everything else is compared on those
// candidates only, so no search reads the whole child table.
//
// Shielded children are compared on name, gender and date of birth only: their address never
// takes part, so whether one is found cannot depend on the postcode or street typed.
import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { ChildStatus, Database } from '../db/schema.ts'
import type { Gender } from '../feeds/feed-record.ts'
import type { DateOfBirthCriterion, PostcodeCriterion } from './search-criteria.ts'

export type FamilyHow = 'exact' | 'former' | 'part' | 'sound' | 'spelling'
export type GivenHow = 'exact' | 'initial' | 'variant' | 'middle' | 'sound' | 'spelling'
export type DobHow = 'exact' | 'within' | 'swapped' | 'day_differs' | 'month_differs' | 'year_differs'
export type GenderHow = 'exact' | 'not_specified'
export type PlaceHow = 'exact' | 'sector' | 'district' | 'previous' | 'partial' | 'ignored'

/** The query's family name as the index keys it. */
export interface FamilyKeys {
  readonly key: string
  readonly parts: readonly string[]
  readonly sounds: readonly string[]
}

/** Given names among the candidates, sorted by how they relate to the one typed (decided in the service). */
export interface GivenKeys {
  readonly exact: readonly string[]
  readonly initial: readonly string[]
  readonly variant: readonly string[]
  readonly sound: readonly string[]
  readonly spelling: readonly string[]
}

export interface CandidateQuery {
  readonly family: FamilyKeys
  readonly given: GivenKeys | null
  readonly dateOfBirth: DateOfBirthCriterion | null
  readonly gender: Gender | null
  readonly postcode: PostcodeCriterion | null
  /** One regular expression per address word (see addressPatterns). */
  readonly addressPatterns: readonly string[] | null
  /** Record states the user may find (from the policy). */
  readonly statuses: readonly ChildStatus[]
  /** Authorities whose children the user may find; null for every authority. */
  readonly authorityIds: readonly string[] | null
  readonly limit: number
}

export interface SearchRow {
  readonly id: string
  readonly contactpoint_id: string
  readonly given_name: string
  readonly middle_names: string | null
  readonly family_name: string
  readonly gender: Gender
  readonly date_of_birth: string
  readonly shielded: boolean
  readonly status: ChildStatus
  readonly responsible_authority_id: string
  readonly town: string | null
  readonly postcode: string | null
  /** The ContactPoint ID of the merged record the match came through, if any. */
  readonly merged_from: string | null
  readonly matched_family_name: string | null
  readonly family_how: FamilyHow | null
  readonly given_how: GivenHow | null
  readonly dob_how: DobHow | null
  readonly gender_how: GenderHow | null
  readonly postcode_how: PlaceHow | null
  readonly address_how: PlaceHow | null
  readonly strict: boolean
  readonly score: number
}

export class SearchRepository {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  /** The index keys of a typed family name and given name, made by the same SQL functions as the stored keys. */
  async keysFor(familyName: string, givenName: string | null): Promise<{ family: FamilyKeys; given: string | null }> {
    const { rows } = await sql<{ key: string; parts: string[]; s1: string; s2: string; given: string | null }>`
      SELECT q.key, q.parts, dmetaphone(q.key) AS s1, dmetaphone_alt(q.key) AS s2, cp_given_key(${givenName}::text) AS given
      FROM (SELECT coalesce(cp_name_key(${familyName}::text), '?') AS key, cp_name_parts(${familyName}::text) AS parts) q`.execute(this.#db)
    const row = rows[0] as { key: string; parts: string[]; s1: string; s2: string; given: string | null }
    return { family: { key: row.key, parts: row.parts, sounds: [...new Set([row.s1, row.s2].filter(Boolean))] }, given: row.given }
  }

  /** Every given and middle name among the children a family name (and date range) finds, at most `limit`. */
  async candidateGivenNames(family: FamilyKeys, dateOfBirth: DateOfBirthCriterion | null, limit = 5000): Promise<string[]> {
    const { rows } = await sql<{ name: string }>`
      SELECT DISTINCT name FROM (
        SELECT unnest(array_prepend(s.given_key, s.other_given_keys)) AS name
        FROM child_search_name s WHERE ${familyArms(family)} ${dobRange(dateOfBirth)}
      ) n WHERE name IS NOT NULL LIMIT ${limit}`.execute(this.#db)
    return rows.map((r) => r.name)
  }

  /** Matching children, strict matches first then by score, at most `limit`. */
  async candidates(q: CandidateQuery): Promise<SearchRow[]> {
    const k = q.family.key
    const sounds = q.family.sounds.length ? q.family.sounds : ['']
    const given = q.given
    const givenHow = given
      ? sql`CASE WHEN s.given_key = ANY(${[...given.exact]}::text[]) THEN 'exact'
                 WHEN s.given_key = ANY(${[...given.initial]}::text[]) THEN 'initial'
                 WHEN s.given_key = ANY(${[...given.variant]}::text[]) THEN 'variant'
                 WHEN s.other_given_keys && ${[...given.exact, ...given.variant]}::text[] THEN 'middle'
                 WHEN s.given_key = ANY(${[...given.sound]}::text[]) THEN 'sound'
                 WHEN s.given_key = ANY(${[...given.spelling]}::text[]) THEN 'spelling' END`
      : sql`NULL::text`
    const { rows } = await sql<SearchRow>`
      WITH hits AS (
        SELECT s.child_id, s.kind,
          CASE WHEN s.family_key = ${k} THEN CASE WHEN s.kind = 'current' THEN 'exact' ELSE 'former' END
               WHEN s.family_key = ANY(${[...q.family.parts]}::text[]) OR s.family_parts @> ARRAY[${k}::text] THEN 'part'
               WHEN s.family_sound = ANY(${sounds}::text[]) OR s.family_sound_alt = ANY(${sounds}::text[]) THEN 'sound'
               WHEN s.family_key % ${k} AND levenshtein(s.family_key, ${k}) <= greatest(1, length(${k}) / 3) THEN 'spelling'
          END AS family_how,
          ${givenHow} AS given_how
        FROM child_search_name s
        WHERE ${familyArms(q.family)} ${dobRange(q.dateOfBirth)}
      ),
      best AS (
        SELECT DISTINCT ON (final_id) final_id, merged_from, family_how, given_how, kind
        FROM (
          SELECT CASE WHEN c0.status = 'merged' THEN child_final_id(c0.id) ELSE c0.id END AS final_id,
                 CASE WHEN c0.status = 'merged' THEN c0.contactpoint_id END AS merged_from,
                 h.family_how, h.given_how, h.kind,
                 ${familyPoints('h')} + ${givenPoints('h')} AS points
          FROM hits h JOIN child c0 ON c0.id = h.child_id
          WHERE h.family_how IS NOT NULL ${given ? sql`AND h.given_how IS NOT NULL` : sql``}
        ) x
        WHERE final_id IS NOT NULL
        ORDER BY final_id, points DESC, merged_from NULLS FIRST
      ),
      judged AS (
        SELECT c.id, c.contactpoint_id, c.given_name, c.middle_names, c.family_name, c.gender, c.date_of_birth, c.shielded, c.status,
               c.responsible_authority_id, CASE WHEN NOT c.shielded THEN a.town END AS town, CASE WHEN NOT c.shielded THEN a.postcode END AS postcode,
               b.merged_from, b.family_how, b.given_how,
               (SELECT n.family_name FROM child_name n WHERE n.child_id = c.id AND b.family_how = 'former' AND cp_name_key(n.family_name) = ${k} LIMIT 1) AS matched_family_name,
               ${dobHow(q.dateOfBirth)} AS dob_how,
               ${q.gender ? sql`CASE WHEN c.gender = ${q.gender} THEN 'exact' WHEN c.gender = 'not_specified' THEN 'not_specified' END` : sql`NULL::text`} AS gender_how,
               CASE WHEN c.shielded THEN ${q.postcode ? sql`'ignored'` : sql`NULL`} ELSE ${postcodeHow(q.postcode)} END AS postcode_how,
               CASE WHEN c.shielded THEN ${q.addressPatterns ? sql`'ignored'` : sql`NULL`} ELSE ${addressHow(q.addressPatterns)} END AS address_how
        FROM best b
        JOIN child c ON c.id = b.final_id
        LEFT JOIN child_address a ON a.child_id = c.id AND a.is_current
        WHERE c.status = ANY(${[...q.statuses]}::text[])
          ${q.authorityIds ? sql`AND c.responsible_authority_id = ANY(${[...q.authorityIds]}::uuid[])` : sql``}
      ),
      scored AS (
        SELECT j.*,
          (j.family_how IN ('exact', 'former')
            AND coalesce(j.given_how IN ('exact', 'initial'), ${given === null}::boolean)
            AND coalesce(j.dob_how IN ('exact', 'within'), ${q.dateOfBirth === null}::boolean)
            AND coalesce(j.gender_how = 'exact', ${q.gender === null}::boolean)
            AND coalesce(j.postcode_how IN ('exact', 'ignored'), ${q.postcode === null}::boolean)
            AND coalesce(j.address_how IN ('exact', 'ignored'), ${q.addressPatterns === null}::boolean)) AS strict,
          ${familyPoints('j')} + ${givenPoints('j')}
            + CASE j.dob_how WHEN 'exact' THEN 8 WHEN 'within' THEN 6 WHEN 'swapped' THEN 5 ELSE 3 END * (j.dob_how IS NOT NULL)::int
            + CASE j.gender_how WHEN 'exact' THEN 1 ELSE 0 END
            + CASE j.postcode_how WHEN 'exact' THEN 5 WHEN 'sector' THEN 3 WHEN 'district' THEN 2 WHEN 'previous' THEN 2 ELSE 0 END
            + CASE j.address_how WHEN 'exact' THEN 4 WHEN 'previous' THEN 2 WHEN 'partial' THEN 1 ELSE 0 END AS score
        FROM judged j
        WHERE ${q.dateOfBirth ? sql`j.dob_how IS NOT NULL` : sql`true`}
          AND ${q.gender ? sql`j.gender_how IS NOT NULL` : sql`true`}
          AND ${q.postcode ? sql`j.postcode_how IS NOT NULL` : sql`true`}
          AND ${q.addressPatterns ? sql`j.address_how IS NOT NULL` : sql`true`}
      )
      SELECT * FROM scored ORDER BY strict DESC, score DESC, family_name, given_name, date_of_birth, contactpoint_id
      LIMIT ${q.limit}`.execute(this.#db)
    return rows.map((row) => ({ ...row, score: Number(row.score) }))
  }

  /** Live children spread across the store, in a fixed order: for `npm run bench:web` to look for (reads the whole table). */
  async sampleForBenchmark(limit: number): Promise<{ contactpoint_id: string; given_name: string; family_name: string; date_of_birth: string; gender: Gender }[]> {
    return this.#db.selectFrom('child').select(['contactpoint_id', 'given_name', 'family_name', 'date_of_birth', 'gender'])
      .where('status', '=', 'active').orderBy(sql`md5(contactpoint_id)`).limit(limit).execute()
  }

  /** The child an ID names, on the record that replaced it when it was merged. */
  async byContactPointId(contactPointId: string): Promise<Omit<SearchRow, 'family_how' | 'given_how' | 'dob_how' | 'gender_how' | 'postcode_how' | 'address_how' | 'matched_family_name'> | undefined> {
    const { rows } = await sql<SearchRow>`
      SELECT c.id, c.contactpoint_id, c.given_name, c.middle_names, c.family_name, c.gender, c.date_of_birth, c.shielded, c.status,
             c.responsible_authority_id, CASE WHEN NOT c.shielded THEN a.town END AS town, CASE WHEN NOT c.shielded THEN a.postcode END AS postcode,
             CASE WHEN c0.id <> c.id THEN c0.contactpoint_id END AS merged_from, true AS strict, 0 AS score
      FROM child c0
      JOIN child c ON c.id = child_final_id(c0.id)
      LEFT JOIN child_address a ON a.child_id = c.id AND a.is_current
      WHERE c0.contactpoint_id = ${contactPointId}`.execute(this.#db)
    return rows[0]
  }
}

// Points for ranking: closer agreement on more details ranks higher.
const familyPoints = (alias: string) => sql`CASE ${sql.ref(`${alias}.family_how`)} WHEN 'exact' THEN 10 WHEN 'former' THEN 9 WHEN 'part' THEN 7 WHEN 'sound' THEN 6 WHEN 'spelling' THEN 5 ELSE 0 END`
const givenPoints = (alias: string) => sql`coalesce(CASE ${sql.ref(`${alias}.given_how`)} WHEN 'exact' THEN 8 WHEN 'variant' THEN 6 WHEN 'initial' THEN 5 WHEN 'middle' THEN 5 WHEN 'sound' THEN 4 WHEN 'spelling' THEN 3 END, 0)`

/** The index arms: every way a stored family name can answer the typed one. */
function familyArms(f: FamilyKeys): RawBuilder<unknown> {
  const arms = [
    sql`s.family_key = ${f.key}`,
    sql`s.family_parts @> ARRAY[${f.key}::text]`,
    sql`s.family_key % ${f.key}`,
  ]
  if (f.parts.length) arms.push(sql`s.family_key = ANY(${[...f.parts]}::text[])`)
  if (f.sounds.length) arms.push(sql`s.family_sound = ANY(${[...f.sounds]}::text[])`, sql`s.family_sound_alt = ANY(${[...f.sounds]}::text[])`)
  return sql`(${sql.join(arms, sql` OR `)})`
}

/** The widest date range any tolerated difference can reach (a year either side for a full date). */
function dobRange(dob: DateOfBirthCriterion | null): RawBuilder<unknown> {
  if (!dob) return sql``
  const [from, to] = dobBounds(dob)
  return sql`AND s.date_of_birth BETWEEN ${from}::date AND ${to}::date`
}

function dobBounds(dob: DateOfBirthCriterion): [string, string] {
  const pad = (n: number) => String(n).padStart(2, '0')
  switch (dob.precision) {
    case 'day': return [`${dob.year - 1}-01-01`, `${dob.year + 1}-12-31`]
    case 'month': return [`${dob.year}-${pad(dob.month)}-01`, `${dob.year}-${pad(dob.month)}-${pad(new Date(Date.UTC(dob.year, dob.month, 0)).getUTCDate())}`]
    case 'year': return [`${dob.year}-01-01`, `${dob.year}-12-31`]
  }
}

function dobHow(dob: DateOfBirthCriterion | null): RawBuilder<unknown> {
  if (!dob) return sql`NULL::text`
  if (dob.precision !== 'day') {
    const [from, to] = dobBounds(dob)
    return sql`CASE WHEN c.date_of_birth BETWEEN ${from}::date AND ${to}::date THEN 'within' END`
  }
  const y = sql`extract(year FROM c.date_of_birth)::int`
  const m = sql`extract(month FROM c.date_of_birth)::int`
  const d = sql`extract(day FROM c.date_of_birth)::int`
  return sql`CASE
    WHEN c.date_of_birth = ${dob.iso}::date THEN 'exact'
    WHEN ${y} = ${dob.year} AND ${m} = ${dob.day} AND ${d} = ${dob.month} THEN 'swapped'
    WHEN ${y} = ${dob.year} AND ${m} = ${dob.month} AND (abs(${d} - ${dob.day}) <= 3 OR ${d} % 10 = ${dob.day % 10} OR ${d} / 10 = ${Math.floor(dob.day / 10)}) THEN 'day_differs'
    WHEN ${y} = ${dob.year} AND ${d} = ${dob.day} THEN 'month_differs'
    WHEN abs(${y} - ${dob.year}) = 1 AND ${m} = ${dob.month} AND ${d} = ${dob.day} THEN 'year_differs'
  END`
}

const compact = (column: RawBuilder<unknown>) => sql`upper(replace(${column}, ' ', ''))`

/** How a child's addresses answer a postcode: current one first, then any earlier one. */
function postcodeHow(postcode: PostcodeCriterion | null): RawBuilder<unknown> {
  if (!postcode) return sql`NULL::text`
  const current = compact(sql`a.postcode`)
  const previous = compact(sql`p.postcode`)
  const part = (value: RawBuilder<unknown>, precision: 'sector' | 'district') =>
    precision === 'district' ? sql`left(${value}, length(${value}) - 3)` : sql`left(${value}, length(${value}) - 2)`
  const matches = (value: RawBuilder<unknown>) => postcode.precision === 'full' ? sql`${value} = ${postcode.compact}` : sql`${part(value, postcode.precision)} = ${postcode.compact}`
  const previousMatch = sql`EXISTS (SELECT 1 FROM child_address p WHERE p.child_id = c.id AND NOT p.is_current AND ${matches(previous)})`
  if (postcode.precision !== 'full') return sql`CASE WHEN ${matches(current)} THEN 'exact' WHEN ${previousMatch} THEN 'previous' END`
  const sector = postcode.compact.slice(0, -2)
  const district = postcode.compact.slice(0, -3)
  return sql`CASE WHEN ${current} = ${postcode.compact} THEN 'exact'
    WHEN ${part(current, 'sector')} = ${sector} THEN 'sector'
    WHEN ${previousMatch} THEN 'previous'
    WHEN ${part(current, 'district')} = ${district} THEN 'district' END`
}

/** How a child's addresses answer address words: all in the current address, all in an earlier one, or some in the current. */
function addressHow(patterns: readonly string[] | null): RawBuilder<unknown> {
  if (!patterns) return sql`NULL::text`
  const list = sql`${[...patterns]}::text[]`
  const text = (alias: string) => sql`cp_fold(array_to_string(${sql.ref(`${alias}.lines`)}, ' ') || ' ' || coalesce(${sql.ref(`${alias}.town`)}, ''))`
  return sql`CASE
    WHEN a.child_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM unnest(${list}) w WHERE ${text('a')} !~ w) THEN 'exact'
    WHEN EXISTS (SELECT 1 FROM child_address p WHERE p.child_id = c.id AND NOT p.is_current
                 AND NOT EXISTS (SELECT 1 FROM unnest(${list}) w WHERE ${text('p')} !~ w)) THEN 'previous'
    WHEN ${patterns.length >= 2}::boolean AND a.child_id IS NOT NULL AND EXISTS (SELECT 1 FROM unnest(${list}) w WHERE ${text('a')} ~ w) THEN 'partial'
  END`
}
