// Applies pending migrations in order, each in its own transaction, and reports what it did.
import type { Kysely } from 'kysely'
import { Migrator, type MigrationResultSet } from 'kysely/migration'
import { AppError } from '../errors.ts'
import { migrations } from './migrations/index.ts'
import type { Database } from './schema.ts'

export interface MigrationReport {
  readonly applied: readonly string[]
  readonly current: string | undefined
}

function migrator(db: Kysely<Database>): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'schema_migration',
    migrationLockTableName: 'schema_migration_lock',
  })
}

export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationReport> {
  return report(await migrator(db).migrateToLatest())
}

/** Reverts the most recent migration (operators' escape hatch; never run automatically). */
export async function migrateDown(db: Kysely<Database>): Promise<MigrationReport> {
  return report(await migrator(db).migrateDown())
}

export async function pendingMigrations(db: Kysely<Database>): Promise<string[]> {
  const all = await migrator(db).getMigrations()
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name)
}

function report({ error, results = [] }: MigrationResultSet): MigrationReport {
  const failed = results.find((r) => r.status === 'Error')
  if (error) {
    throw new AppError('internal_error', `Migration ${failed?.migrationName ?? '(unknown)'} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
  }
  const applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName)
  return { applied, current: Object.keys(migrations).at(-1) }
}
