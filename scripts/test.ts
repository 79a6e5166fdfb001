// The test entry points behind `npm test`, `npm run test:pg` and `npm run test:e2e`.
//   unit — every suite, database suites on the embedded store (PGlite, in memory)
//   pg   — the database suites (*.db.test.ts) against a PostgreSQL server (DATABASE_URL)
//   e2e  — browser journeys in Debian's chromium (CHROMIUM_PATH, default /usr/bin/chromium)
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'

const mode = process.argv[2]
const env = { ...process.env }
let patterns: string[]

switch (mode) {
  case 'unit':
    delete env.DATABASE_URL
    patterns = ['src/**/*.test.ts', 'test/integration/**/*.test.ts']
    break
  case 'pg':
    env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres'
    console.log(`Database suites against ${new URL(env.DATABASE_URL).host} (each suite creates and drops its own database)`)
    patterns = ['src/**/*.db.test.ts', 'test/integration/**/*.db.test.ts']
    break
  case 'e2e': {
    const chromium = env.CHROMIUM_PATH ?? '/usr/bin/chromium'
    if (!fs.existsSync(chromium)) {
      console.error(`Browser tests need Chromium at ${chromium}: apt-get install -y chromium (or set CHROMIUM_PATH).`)
      process.exit(1)
    }
    delete env.DATABASE_URL
    patterns = ['test/e2e/**/*.test.ts']
    break
  }
  default:
    console.error('usage: node scripts/test.ts unit|pg|e2e [extra node --test arguments]')
    process.exit(2)
}

const extra = process.argv.slice(3)
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...extra, ...patterns], { stdio: 'inherit', env })
process.exit(result.status ?? 1)
