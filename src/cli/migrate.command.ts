import type { Command } from 'commander'
import { describeStore } from '../config/config.ts'
import { migrateDown, migrateToLatest, pendingMigrations } from '../db/migrate.ts'
import { withRuntime } from './runtime.ts'

export function registerMigrateCommand(program: Command): void {
  program.command('migrate')
    .description('Apply pending database migrations to the store (the embedded one, or DATABASE_URL).')
    .option('--status', 'list pending migrations without applying them')
    .option('--down', 'revert the most recent migration (for operators recovering from a failed release)')
    .action((options: { status?: boolean; down?: boolean }) => withRuntime(async ({ config, database }) => {
      console.log(`Store: ${describeStore(config)}`)
      if (options.status) {
        const pending = await pendingMigrations(database.db)
        console.log(pending.length ? `Pending: ${pending.join(', ')}` : 'Up to date: no pending migrations.')
        return
      }
      const report = options.down ? await migrateDown(database.db) : await migrateToLatest(database.db)
      console.log(report.applied.length
        ? `${options.down ? 'Reverted' : 'Applied'}: ${report.applied.join(', ')}`
        : 'Up to date: no migrations to apply.')
    }))
}
