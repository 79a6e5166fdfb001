// `contactpoint lifecycle run`, `lifecycle districts` and `coverage` as an operator runs them, against
// an embedded store on disk: counts out, nothing personal, a dry run that changes nothing, no look-ahead.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { openDatabase } from '../db/client.ts'
import { migrateToLatest } from '../db/migrate.ts'
import { buildAuthority, buildChild } from '../testing/factories.ts'

const CLI = fileURLToPath(new URL('../../bin/contactpoint.js', import.meta.url))
let dir: string
let env: NodeJS.ProcessEnv

function contactpoint(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8', timeout: 120_000 })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

async function statuses(): Promise<string[]> {
  const handle = await openDatabase({ kind: 'pglite', dataDir: path.join(dir, 'data') })
  try {
    return (await handle.db.selectFrom('child').select('status').orderBy('date_of_birth').execute()).map((r) => r.status)
  } finally {
    await handle.close()
  }
}

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cp-lifecycle-cli-'))
  env = { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'warn', DATA_DIR: path.join(dir, 'data') }
  delete env.DATABASE_URL
  const handle = await openDatabase({ kind: 'pglite', dataDir: path.join(dir, 'data') })
  try {
    await migrateToLatest(handle.db)
    const authority = await buildAuthority(handle.db, { code: 'E06000921', name: 'Clishire Council' })
    await buildAuthority(handle.db, { code: 'E06000922', name: 'Othershire Council' })
    await buildChild(handle.db, authority, { givenName: 'Ottilie', dateOfBirth: '2000-01-01' })
    await buildChild(handle.db, authority, { givenName: 'Wilhelmina', dateOfBirth: '2016-01-01', currentAddress: { lines: ['1 Lane'], postcode: 'OT1 5ZZ' } })
  } finally {
    await handle.close()
  }
})
after(async () => rm(dir, { recursive: true, force: true }))

test('a dry run reports what a run would do and changes nothing; the run then does it; a second run does nothing', async () => {
  const dry = contactpoint('lifecycle', 'run', '--dry-run', '--as-of', '2026-01-01')
  assert.equal(dry.status, 0, dry.stderr)
  assert.match(dry.stdout, /DRY RUN/)
  assert.match(dry.stdout, /reached 18\s+1\n/)
  assert.deepEqual(await statuses(), ['active', 'active'])

  const real = contactpoint('lifecycle', 'run', '--as-of', '2026-01-01', '--json')
  assert.equal(real.status, 0, real.stderr)
  assert.equal((JSON.parse(real.stdout) as { archived: { age: number } }).archived.age, 1)
  assert.deepEqual(await statuses(), ['archived', 'active'])
  assert.match(contactpoint('lifecycle', 'run', '--as-of', '2026-01-01').stdout, /Archived\s+0\n/)
  assert.doesNotMatch(dry.stdout + real.stdout, /Ottilie|Wilhelmina|2000-01-01/)
})

test('a run may not look ahead; a bad date is refused by the option parser', () => {
  const ahead = contactpoint('lifecycle', 'run', '--as-of', '2999-01-01')
  assert.equal(ahead.status, 1)
  assert.match(ahead.stderr, /cannot be as of a date after today/)
  assert.match(contactpoint('lifecycle', 'run', '--as-of', '2026-02-30').stderr, /expected a date as YYYY-MM-DD/)
})

test('the district map loads from CSV, refuses bad lines whole, and transfers follow it', async () => {
  const bad = path.join(dir, 'bad.csv')
  await writeFile(bad, 'district,authority\nOT1,E06000922\nnot a district,E06000922\nOT2,E99\n')
  const refused = contactpoint('lifecycle', 'districts', bad)
  assert.equal(refused.status, 1)
  assert.match(refused.stderr, /line 3: "not a district" is not a postcode district/)
  assert.match(refused.stderr, /no local authority has the code E99/)
  assert.match(contactpoint('lifecycle', 'districts').stdout, /mapped to authorities: 0\./)

  const good = path.join(dir, 'good.csv')
  await writeFile(good, '# ONS postcode directory extract\nOT1,E06000922\n')
  assert.match(contactpoint('lifecycle', 'districts', good).stdout, /Loaded 1 postcode districts; 1 are mapped in all\./)
  assert.match(contactpoint('lifecycle', 'run', '--as-of', '2026-01-02').stdout, /Transferred to another authority\s+1\n/)
})

test('coverage prints counts, and ContactPoint IDs only with --list', () => {
  const counts = contactpoint('coverage', '--authority', 'E06000922', '--as-of', '2026-01-02')
  assert.equal(counts.status, 0, counts.stderr)
  assert.match(counts.stdout, /Live children\s+1\n/)
  assert.match(counts.stdout, /with no current school place\s+1\n/)
  assert.doesNotMatch(counts.stdout, /\d{12}/)
  const list = contactpoint('coverage', '--authority', 'E06000922', '--as-of', '2026-01-02', '--list')
  const ids = list.stdout.split('\n').filter((line) => /^\s+\d{12}$/.test(line))
  assert.equal(ids.length, 2, list.stdout)
  assert.doesNotMatch(list.stdout, /Wilhelmina|2016-01-01|OT1/)
  assert.match(contactpoint('coverage', '--authority', 'NOPE').stderr, /No local authority with the code or LA number "NOPE"/)
})
