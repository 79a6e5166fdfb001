// A fresh, migrated store for one test suite. By default an in-memory PGlite; when DATABASE_URL is
// set (as `npm run test:pg` and CI do) a new database on that PostgreSQL server, dropped afterwards.
// Either way the suite runs the same SQL against a real PostgreSQL engine: no mocks.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { openDatabase, openMemoryDatabase, type DatabaseHandle } from '../db/client.ts'
import { migrateToLatest } from '../db/migrate.ts'

export interface TestDatabase extends DatabaseHandle {
  /** The URL of the throwaway server database, when running against PostgreSQL. */
  readonly url: string | undefined
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL
  if (!serverUrl) {
    const handle = await openMemoryDatabase()
    await migrateToLatest(handle.db)
    return { ...handle, url: undefined }
  }
  const name = `cp_test_${randomBytes(6).toString('hex')}`
  await admin(serverUrl, `CREATE DATABASE ${name}`)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const handle = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 5 })
  await migrateToLatest(handle.db)
  return {
    ...handle,
    url: url.toString(),
    close: async () => {
      await handle.close()
      await admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    },
  }
}

async function admin(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}
