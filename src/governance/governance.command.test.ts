// The governance commands as an operator runs them against an embedded store on disk: monitoring
// run (idempotent), the alert queue as a named privacy officer, closing an alert, the monthly
// report as CSV, and the subject access report written as a PDF.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { openDatabase } from '../db/client.ts'
import { migrateToLatest } from '../db/migrate.ts'
import { createServices } from '../services.ts'
import { buildAuthority, buildChild, buildOrganisation } from '../testing/factories.ts'
import { buildStaff } from '../testing/people.ts'

const CLI = fileURLToPath(new URL('../../bin/contactpoint.js', import.meta.url))
let dir: string
let env: NodeJS.ProcessEnv
let childId: string
let privacyUsername: string

const contactpoint = (...args: string[]) => {
  const result = spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8', timeout: 120_000 })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cp-governance-cli-'))
  env = { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'warn', DATA_DIR: path.join(dir, 'data'), AUDIT_CHECKPOINT_DIR: path.join(dir, 'checkpoints'), AUDIT_SIGNING_KEY_FILE: path.join(dir, 'key.pem') }
  delete env.DATABASE_URL
  const handle = await openDatabase({ kind: 'pglite', dataDir: path.join(dir, 'data') })
  try {
    await migrateToLatest(handle.db)
    const services = createServices(handle, { encryptionKey: Buffer.alloc(32, 1) })
    const north = await buildAuthority(handle.db, { code: 'NORTH', name: 'Northshire County Council' })
    const south = await buildAuthority(handle.db, { code: 'SOUTH' })
    const school = await buildOrganisation(handle.db, north)
    const teacher = await buildStaff(services, school, 'practitioner', north.id)
    privacyUsername = (await buildStaff(services, north, 'authority_privacy_officer', north.id)).user.username
    const away = await buildChild(handle.db, south)
    childId = (await buildChild(handle.db, north, { givenName: 'Pip', familyName: 'Printed' })).contactpoint_id
    for (const id of [away.contactpoint_id, childId]) {
      await services.repositories.audit.append({ channel: 'web', action: 'child.view', outcome: 'success', actorUserId: teacher.user.id, actorOrganisationId: school.id,
        subjectType: 'child', subjectId: id, details: { restricted: false }, occurredAt: new Date('2026-03-10T10:00:00Z') })
    }
  } finally {
    await handle.close()
  }
})
after(async () => rm(dir, { recursive: true, force: true }))

test('monitoring run raises an out-of-area alert once; the privacy officer lists and closes it', () => {
  const first = contactpoint('monitoring', 'run', '--day', '2026-03-10')
  assert.equal(first.status, 0, first.stderr)
  assert.match(first.stdout, /2026-03-10: 2 searches and views checked; 1 alert raised \(out_of_area 1\)/)
  assert.match(contactpoint('monitoring', 'run', '--day', '2026-03-10').stdout, /0 alerts raised/)
  const list = contactpoint('monitoring', 'alerts', '--as', privacyUsername)
  assert.equal(list.status, 0, list.stderr)
  const id = /^([0-9a-f-]{36})\s/m.exec(list.stdout)?.[1] as string
  assert.ok(id, list.stdout)
  const refused = contactpoint('monitoring', 'close', id, '--as', privacyUsername, '--outcome', 'maybe', '--note', 'x')
  assert.equal(refused.status, 1)
  assert.match(refused.stderr, /Select the outcome/)
  assert.equal(contactpoint('monitoring', 'close', id, '--as', privacyUsername, '--outcome', 'legitimate', '--note', 'Cross-border school').status, 0)
  assert.match(contactpoint('monitoring', 'alerts', '--as', privacyUsername, '--closed').stdout, /closed/)
})

test('reports monthly as CSV, and the subject access report as a PDF', async () => {
  const csv = contactpoint('reports', 'monthly', '--authority', 'NORTH', '--month', '2026-03', '--csv')
  assert.equal(csv.status, 0, csv.stderr)
  assert.match(csv.stdout, /usage,views,2/)
  const out = path.join(dir, 'sar.pdf')
  const sar = contactpoint('subject-access', childId, '--as', privacyUsername, '--out', out)
  assert.equal(sar.status, 0, sar.stderr)
  const pdf = await readFile(out)
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-')
  assert.match(pdf.toString('latin1'), /Pip Printed/)
})
