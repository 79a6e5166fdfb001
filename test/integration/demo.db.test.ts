// The demo local authority: what `npm start` loads the first time. Its content is checked on a
// fresh store, and a load killed at a random moment (kill -9) and then resumed must end in exactly
// the state of one clean load: nothing lost, nothing doubled.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { sql, type Kysely } from 'kysely'
import { openDatabase, type DatabaseHandle } from '../../src/db/client.ts'
import type { Database } from '../../src/db/schema.ts'
import { DEMO_PASSWORD, DEMO_USERS } from '../../src/demo/demo-users.ts'
import { DemoLoader } from '../../src/demo/demo-loader.ts'
import { loadConfig } from '../../src/config/config.ts'

const KEY = loadConfig({}).dataEncryptionKey
import { isValidContactPointId } from '../../src/children/contactpoint-id.ts'
import { createServices } from '../../src/services.ts'
import { createTestDatabase, type TestDatabase } from '../../src/testing/database.ts'
import { CLI } from '../support/server.ts'

const CHILDREN = 600

/** Everything a load produces, by natural keys (ContactPoint IDs are random, so they are left out). */
async function snapshot(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ line: string }>`
    SELECT concat_ws('|', s.code, r.record_id, l.state, c.given_name, c.family_name, c.date_of_birth, c.shielded,
      (SELECT count(*) FROM involvement i WHERE i.child_id = c.id),
      (SELECT count(*) FROM carer k WHERE k.child_id = c.id),
      (SELECT count(*) FROM field_provenance p WHERE p.child_id = c.id)) AS line
    FROM source_record r JOIN data_source s ON s.id = r.source_id
    JOIN record_link l ON l.source_record_id = r.id JOIN child c ON c.id = l.child_id
    ORDER BY 1`.execute(db)
  return rows.map((r) => r.line)
}

describe('a clean demo load', () => {
  let handle: TestDatabase
  before(async () => {
    handle = await createTestDatabase()
    const loader = new DemoLoader(handle, KEY)
    assert.equal(await loader.isEmpty(), true)
    const summary = await loader.load({ children: CHILDREN, seed: 7 })
    // the children arrive through the linkage engine, which may keep a few records apart that the
    // generator knows belong together (they wait in the review queue); it must never be far off
    assert.ok(Math.abs(summary.children - CHILDREN) <= CHILDREN * 0.05, `${summary.children} children`)
    assert.equal(summary.rejected, 0)
  })
  after(async () => handle.close())

  test('every child has a valid ContactPoint ID, an archive date at 18 and at least one linked source record', async () => {
    const { rows } = await sql<{ contactpoint_id: string; date_of_birth: string; archive_due_on: string; links: string }>`
      SELECT c.contactpoint_id, c.date_of_birth, c.archive_due_on,
        (SELECT count(*) FROM record_link l WHERE l.child_id = c.id AND l.state = 'linked') AS links
      FROM child c`.execute(handle.db)
    assert.ok(Math.abs(rows.length - CHILDREN) <= CHILDREN * 0.05)
    for (const row of rows) {
      assert.ok(isValidContactPointId(row.contactpoint_id))
      assert.ok(Number(row.links) >= 1)
      assert.equal(row.archive_due_on.slice(5), row.date_of_birth.slice(5) === '02-29' ? row.archive_due_on.slice(5) : row.date_of_birth.slice(5))
      assert.equal(Number(row.archive_due_on.slice(0, 4)) - Number(row.date_of_birth.slice(0, 4)), 18)
    }
    const unlinked = await sql<{ n: string }>`SELECT count(*) AS n FROM source_record r WHERE NOT EXISTS (SELECT 1 FROM record_link l WHERE l.source_record_id = r.id)`.execute(handle.db)
    assert.equal(unlinked.rows[0]?.n, '0')
  })

  test('several sources see the children, national and local, with provenance for each shown field', async () => {
    const { rows } = await sql<{ scope: string; n: string }>`
      SELECT s.scope, count(*) AS n FROM source_record r JOIN data_source s ON s.id = r.source_id GROUP BY s.scope`.execute(handle.db)
    const byScope = Object.fromEntries(rows.map((r) => [r.scope, Number(r.n)]))
    assert.ok((byScope.national ?? 0) > CHILDREN * 2, JSON.stringify(byScope))
    assert.ok((byScope.local ?? 0) > 0, JSON.stringify(byScope))
    const missing = await sql<{ n: string }>`
      SELECT count(*) AS n FROM child c WHERE NOT EXISTS (SELECT 1 FROM field_provenance p WHERE p.child_id = c.id AND p.field = 'date_of_birth')`.execute(handle.db)
    assert.equal(missing.rows[0]?.n, '0')
  })

  test('shielded children exist, each with an open shield decision, and everyone at a shielded address is shielded', async () => {
    const services = createServices(handle, { encryptionKey: KEY })
    const { rows } = await sql<{ id: string; decisions: string }>`
      SELECT c.id, (SELECT count(*) FROM shield_decision d WHERE d.child_id = c.id AND d.lifted_at IS NULL) AS decisions
      FROM child c WHERE c.shielded`.execute(handle.db)
    assert.ok(rows.length > 0, 'a few shielded children')
    for (const row of rows) assert.equal(row.decisions, '1')
    assert.ok(rows.length < CHILDREN * 0.1)
    const split = await sql<{ n: string }>`
      SELECT count(*) AS n FROM child_address a JOIN child c ON c.id = a.child_id
      JOIN child_address b ON b.is_current AND b.lines = a.lines AND b.postcode = a.postcode JOIN child d ON d.id = b.child_id
      WHERE a.is_current AND c.shielded AND NOT d.shielded`.execute(handle.db)
    assert.equal(split.rows[0]?.n, '0', 'no unshielded child lives at a shielded child\'s address')
    assert.ok(await services.repositories.children.detail(rows[0]?.id as string))
  })

  test('involvements span many services and settings, and some have ended', async () => {
    const { rows } = await sql<{ services: string; organisations: string; ended: string; total: string }>`
      SELECT count(DISTINCT service_type) AS services, count(DISTINCT organisation_id) AS organisations,
        count(*) FILTER (WHERE ended_on IS NOT NULL) AS ended, count(*) AS total
      FROM involvement`.execute(handle.db)
    const r = rows[0]
    assert.ok(r && Number(r.total) > CHILDREN, JSON.stringify(r))
    assert.ok(Number(r.services) >= 6, JSON.stringify(r))
    assert.ok(Number(r.organisations) >= 10, JSON.stringify(r))
    assert.ok(Number(r.ended) > 0, JSON.stringify(r))
  })

  test('the authority\'s postcode districts are mapped to it, so responsibility can follow a child who moves', async () => {
    const { rows } = await sql<{ mapped: string; unmapped: string }>`
      SELECT count(*) FILTER (WHERE pd.district IS NOT NULL AND pd.authority_id = c.responsible_authority_id) AS mapped,
             count(*) FILTER (WHERE pd.district IS NULL) AS unmapped
      FROM child c JOIN child_address a ON a.child_id = c.id AND a.is_current
      LEFT JOIN postcode_district pd ON pd.district = upper(regexp_replace(regexp_replace(a.postcode, '\\s', '', 'g'), '[0-9][A-Za-z]{2}$', ''))
      WHERE a.postcode IS NOT NULL`.execute(handle.db)
    const r = rows[0]
    assert.ok(r && Number(r.mapped) > CHILDREN / 2, JSON.stringify(r))
    assert.equal(Number(r?.unmapped), 0, 'every current postcode of a demo child is in a mapped district')
  })

  test('there is a demo user for every role; the people among them sign in with the password and their demo code', async () => {
    const services = createServices(handle, { encryptionKey: KEY })
    const roles = await services.repositories.users.countByRole()
    for (const role of ['practitioner', 'practitioner_shield_override', 'authority_data_manager', 'authority_user_admin',
      'authority_privacy_officer', 'national_admin', 'data_supplier', 'cms_client'] as const) {
      assert.ok((roles.get(role) ?? 0) >= 1, role)
    }
    const context = { clientIp: '127.0.0.1', requestId: 'test-request' }
    const teacher = DEMO_USERS.find((u) => u.username === 'demo.teacher')
    assert.ok(teacher)
    const step = await services.signIn.signInWithPassword(teacher.username, DEMO_PASSWORD, context)
    assert.equal(step.outcome, 'second_factor')
    assert.ok(step.outcome === 'second_factor')
    const code = spawnSync(process.execPath, [CLI, 'demo', 'code', 'demo.teacher'], { env: { ...process.env, DEMO_SEED: '7' }, encoding: 'utf8' })
    assert.equal(code.status, 0, code.stderr)
    assert.match(code.stdout.trim(), /^\d{6}$/)
    assert.equal(await services.signIn.verifyTotp(step.token, code.stdout.trim(), context), 'signed_in')
    const system = await services.signIn.signInWithPassword('demo.cms', DEMO_PASSWORD, context)
    assert.notEqual(system.outcome, 'second_factor', 'system accounts never sign in on the web')
    const refused = spawnSync(process.execPath, [CLI, 'demo', 'code', 'demo.cms'], { encoding: 'utf8' })
    assert.equal(refused.status, 1)
    assert.match(refused.stderr, /not a demo user who signs in on the web/)
  })

  test('the same seed gives the same children', async () => {
    const again = await createTestDatabase()
    try {
      await new DemoLoader(again, KEY).load({ children: CHILDREN, seed: 7 })
      assert.deepEqual(await snapshot(again.db), await snapshot(handle.db))
    } finally {
      await again.close()
    }
  })
})

describe('an interrupted demo load', () => {
  const dirs: string[] = []
  after(() => { for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true }) })

  /** A fresh store for the CLI to load into: a database on the server under test:pg, else a data folder. */
  async function freshStore(): Promise<{ env: NodeJS.ProcessEnv; open: () => Promise<DatabaseHandle>; dispose: () => Promise<void> }> {
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' }
    if (process.env.DATABASE_URL) {
      const server = await createTestDatabase()
      env.DATABASE_URL = server.url
      return { env, open: async () => server, dispose: () => server.close() }
    }
    delete env.DATABASE_URL
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cp-demo-kill-'))
    dirs.push(dir)
    env.DATA_DIR = dir
    let handle: DatabaseHandle | undefined
    return {
      env,
      open: async () => (handle = await openDatabase({ kind: 'pglite', dataDir: dir })),
      dispose: async () => { await handle?.close() },
    }
  }

  test('killed with SIGKILL at random moments and resumed, it ends exactly as one clean load', async () => {
    const clean = await createTestDatabase()
    await new DemoLoader(clean, KEY).load({ children: 1200, seed: 11 })
    const expected = await snapshot(clean.db)
    await clean.close()

    for (const killAfterMs of [300 + Math.floor(Math.random() * 700), 800 + Math.floor(Math.random() * 1500)]) {
      const store = await freshStore()
      try {
        assert.equal(spawnSync(process.execPath, [CLI, 'migrate'], { env: store.env }).status, 0)
        const child = spawn(process.execPath, [CLI, 'demo', 'load', '--children', '1200', '--seed', '11'], { env: store.env, stdio: 'ignore' })
        const exited = new Promise((r) => child.once('exit', r))
        await new Promise((r) => setTimeout(r, killAfterMs))
        // On a fast store the load may finish first: then the resumed load must be a no-op.
        child.kill('SIGKILL')
        await exited
        const resumed = spawnSync(process.execPath, [CLI, 'demo', 'load', '--children', '1200', '--seed', '11'], { env: store.env, encoding: 'utf8' })
        assert.equal(resumed.status, 0, resumed.stderr)
        const handle = await store.open()
        assert.deepEqual(await snapshot(handle.db), expected, `killed after ${killAfterMs} ms`)
        assert.equal(await new DemoLoader(handle, KEY).isLoaded(), true)
      } finally {
        await store.dispose()
      }
    }
  })
})
