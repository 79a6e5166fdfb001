// Small facts about the store itself (for example, whether the demo data has been loaded).
import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../db/schema.ts'

export class SystemStateRepository {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  async get<T>(key: string, db: Kysely<Database> | Transaction<Database> = this.#db): Promise<T | undefined> {
    const row = await db.selectFrom('system_state').select('value').where('key', '=', key).executeTakeFirst()
    return row?.value as T | undefined
  }

  async set(key: string, value: unknown, db: Kysely<Database> | Transaction<Database> = this.#db): Promise<void> {
    await db.insertInto('system_state').values({ key, value: JSON.stringify(value) })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: new Date() })).execute()
  }
}
