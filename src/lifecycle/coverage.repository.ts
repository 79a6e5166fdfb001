// All SQL of the coverage report: the authority's live children with no current school place (at
// compulsory school age) or no GP practice — the universal services every child should have, so a
// gap is a child the authority may need to find ("children missing education").
import { sql, type Kysely, type SqlBool } from 'kysely'
import type { Database } from '../db/schema.ts'

/** Involvements that count as a school place. */
export const EDUCATION_SERVICES = ['school', 'early_years', 'further_education'] as const

export interface CoverageCounts {
  /** Live children the authority is responsible for (not archived, merged, dead or gone from England). */
  readonly children: number
  readonly ofCompulsorySchoolAge: number
  readonly ofSchoolAgeWithoutSchool: number
  readonly withoutGp: number
  readonly shieldedInGaps: number
}

export interface CoverageLists {
  readonly withoutSchool: readonly string[]
  readonly withoutGp: readonly string[]
}

export class CoverageRepository {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  /** One row per live child of the authority with the three facts the report counts. */
  #facts(authorityId: string, asOf: string) {
    const current = (services: readonly string[]) => sql<SqlBool>`EXISTS (
      SELECT 1 FROM involvement i
      WHERE i.child_id = c.id AND i.service_type IN (${sql.join(services)})
        AND i.started_on <= ${asOf}::date AND (i.ended_on IS NULL OR i.ended_on >= ${asOf}::date))`
    return this.#db.selectFrom('child as c')
      .select([
        'c.contactpoint_id', 'c.shielded',
        // PostgreSQL adds years as lifecycle.ts birthdayAt does: 29 February + 5 years is 28 February.
        sql<SqlBool>`(c.date_of_birth + interval '5 years')::date <= ${asOf}::date AND (c.date_of_birth + interval '16 years')::date > ${asOf}::date`.as('school_age'),
        current(EDUCATION_SERVICES).as('has_school'),
        current(['gp_practice']).as('has_gp'),
      ])
      .where('c.responsible_authority_id', '=', authorityId).where('c.status', '=', 'active')
      .where('c.date_of_death', 'is', null).where('c.address_status', '<>', 'left_england')
      .where('c.date_of_birth', '<=', asOf)
  }

  async counts(authorityId: string, asOf: string): Promise<CoverageCounts> {
    const row = await this.#db.selectFrom(this.#facts(authorityId, asOf).as('f'))
      .select([
        sql<string>`count(*)`.as('children'),
        sql<string>`count(*) FILTER (WHERE f.school_age)`.as('school_age'),
        sql<string>`count(*) FILTER (WHERE f.school_age AND NOT f.has_school)`.as('without_school'),
        sql<string>`count(*) FILTER (WHERE NOT f.has_gp)`.as('without_gp'),
        sql<string>`count(*) FILTER (WHERE f.shielded AND ((f.school_age AND NOT f.has_school) OR NOT f.has_gp))`.as('shielded'),
      ])
      .executeTakeFirstOrThrow()
    return {
      children: Number(row.children), ofCompulsorySchoolAge: Number(row.school_age),
      ofSchoolAgeWithoutSchool: Number(row.without_school), withoutGp: Number(row.without_gp), shieldedInGaps: Number(row.shielded),
    }
  }

  /** The ContactPoint IDs in each gap, in ID order. Nothing else: the authority looks each child up in the service. */
  async lists(authorityId: string, asOf: string): Promise<CoverageLists> {
    const rows = await this.#db.selectFrom(this.#facts(authorityId, asOf).as('f'))
      .select(['f.contactpoint_id', 'f.school_age', 'f.has_school', 'f.has_gp'])
      .where((eb) => eb.or([eb.and([eb('f.school_age', '=', true), eb('f.has_school', '=', false)]), eb('f.has_gp', '=', false)]))
      .orderBy('f.contactpoint_id').execute()
    return {
      withoutSchool: rows.filter((r) => r.school_age && !r.has_school).map((r) => r.contactpoint_id),
      withoutGp: rows.filter((r) => !r.has_gp).map((r) => r.contactpoint_id),
    }
  }

  async findAuthority(codeOrLaNumber: string): Promise<{ id: string; code: string; name: string } | undefined> {
    return this.#db.selectFrom('organisation').select(['id', 'code', 'name']).where('kind', '=', 'local_authority')
      .where((eb) => eb.or([eb('code', '=', codeOrLaNumber), eb('la_number', '=', codeOrLaNumber)])).executeTakeFirst()
  }
}
