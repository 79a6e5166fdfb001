// All SQL about organisations: local authorities, accredited settings and services, national bodies.
import type { Kysely, Transaction } from 'kysely'
import type { Database, NewOrganisation, Organisation } from '../db/schema.ts'

export class OrganisationRepository {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  async insert(organisation: NewOrganisation): Promise<Organisation> {
    return this.#db.insertInto('organisation').values(organisation).returningAll().executeTakeFirstOrThrow()
  }

  /** Inserts many at once; returns them keyed by code. */
  async insertMany(organisations: readonly NewOrganisation[], db: Kysely<Database> | Transaction<Database> = this.#db): Promise<Map<string, Organisation>> {
    const byCode = new Map<string, Organisation>()
    for (let i = 0; i < organisations.length; i += 1000) {
      const rows = await db.insertInto('organisation').values(organisations.slice(i, i + 1000)).returningAll().execute()
      for (const row of rows) byCode.set(row.code, row)
    }
    return byCode
  }

  async findByCode(code: string): Promise<Organisation | undefined> {
    return this.#db.selectFrom('organisation').selectAll().where('code', '=', code).executeTakeFirst()
  }

  async findById(id: string): Promise<Organisation | undefined> {
    return this.#db.selectFrom('organisation').selectAll().where('id', '=', id).executeTakeFirst()
  }

  async listAuthorities(): Promise<Organisation[]> {
    return this.#db.selectFrom('organisation').selectAll().where('kind', '=', 'local_authority').orderBy('name').execute()
  }

  async setAccreditation(id: string, status: Organisation['accreditation_status'], now: Date): Promise<void> {
    await this.#db.updateTable('organisation')
      .set({ accreditation_status: status, updated_at: now, ...(status === 'accredited' ? { accredited_at: now } : {}) })
      .where('id', '=', id).execute()
  }

  async listInAuthority(authorityId: string): Promise<Organisation[]> {
    return this.#db.selectFrom('organisation').selectAll().where('authority_id', '=', authorityId).orderBy('name').execute()
  }
}
