// Opens the system of record: embedded PGlite in a data folder by default, or a PostgreSQL server
// when DATABASE_URL is set. Both speak the same SQL and return the same JavaScript types: dates as
// 'YYYY-MM-DD' strings (no time-zone drift), bigints as strings, timestamps as Date.
import fs from 'node:fs'
import path from 'node:path'
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch'
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import type { Config } from '../config/config.ts'
import { AppError } from '../errors.ts'
import type { Database } from './schema.ts'

export interface DatabaseHandle {
  readonly db: Kysely<Database>
  readonly kind: 'pglite' | 'postgres'
  /** Round trip to the store; false when it cannot answer. */
  ping(): Promise<boolean>
  close(): Promise<void>
}

const OID = { int8: 20, date: 1082, dateArray: 1182 }
const keepText = (value: string): string => value

export async function openDatabase(database: Config['database']): Promise<DatabaseHandle> {
  return database.kind === 'pglite' ? openPglite(database.dataDir) : openPostgres(database.url, database.poolSize)
}

/** An embedded store that lives only in memory: for tests and throwaway runs. */
export async function openMemoryDatabase(): Promise<DatabaseHandle> {
  return openPgliteAt(undefined, () => undefined)
}

async function openPglite(dataDir: string): Promise<DatabaseHandle> {
  fs.mkdirSync(dataDir, { recursive: true })
  const release = acquireDataDirLock(dataDir)
  try {
    return await openPgliteAt(dataDir, release)
  } catch (error) {
    release()
    throw error
  }
}

async function openPgliteAt(dataDir: string | undefined, release: () => void): Promise<DatabaseHandle> {
  const client = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    extensions: { pg_trgm, fuzzystrmatch },
    parsers: { [OID.int8]: keepText, [OID.date]: keepText, [OID.dateArray]: parseTextArray },
    serializers: { [pgliteTypes.DATE]: (value: unknown) => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value)) },
  })
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite: client }) })
  return {
    db,
    kind: 'pglite',
    ping: () => ping(db),
    close: async () => {
      await db.destroy()
      release()
    },
  }
}

async function openPostgres(url: string, poolSize: number): Promise<DatabaseHandle> {
  const typeParsers = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
      if (oid === OID.int8 || oid === OID.date) return keepText
      if (oid === OID.dateArray) return parseTextArray
      return pg.types.getTypeParser(oid, format)
    }) as typeof pg.types.getTypeParser,
  }
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types: typeParsers, application_name: 'contactpoint' })
  // An idle client's network error must not crash the process; the next query reports it.
  pool.on('error', () => undefined)
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  return { db, kind: 'postgres', ping: () => ping(db), close: () => db.destroy() }
}

async function ping(db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`SELECT 1`.execute(db)
    return true
  } catch {
    return false
  }
}

function parseTextArray(value: string): string[] {
  // Only used for date[]: elements never contain commas or quotes.
  const inner = value.slice(1, -1)
  return inner === '' ? [] : inner.split(',')
}

/**
 * PGlite is single-process: two processes on one data folder would corrupt it. An exclusive lock
 * file holding our pid refuses the second process; a lock left by a dead process is taken over.
 */
export function acquireDataDirLock(dataDir: string): () => void {
  const lockPath = path.join(dataDir, 'contactpoint.lock')
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' })
      let released = false
      return () => {
        if (released) return
        released = true
        fs.rmSync(lockPath, { force: true })
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const holder = Number(fs.readFileSync(lockPath, 'utf8'))
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new AppError(
          'service_unavailable',
          `The embedded store in ${dataDir} is in use by process ${holder}. Stop that process, or set DATABASE_URL to use a PostgreSQL server shared by several processes.`,
        )
      }
      fs.rmSync(lockPath, { force: true })
    }
  }
  throw new AppError('service_unavailable', `Could not lock the embedded store in ${dataDir}`)
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
