// Adding a child a practitioner could not find, on a store loaded like an authority's (the demo's
// initial data set, with a trained linkage model): the details are matched exactly as a feed record
// would be; a probable existing child is offered first; a shielded child is never offered, and a
// record that might be one is held for the data team — it never becomes a new, unshielded child.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { sql } from 'kysely'
import type { Organisation } from '../db/schema.ts'
import { DemoLoader } from '../demo/demo-loader.ts'
import { AppError } from '../errors.ts'
import type { UserWithRoles } from '../people/user.repository.ts'
import { createServices, type Services } from '../services.ts'
import { createTestDatabase, type TestDatabase } from '../testing/database.ts'
import { buildStaff, TEST_CONTEXT } from '../testing/people.ts'
import type { NewChildForm } from './practice.service.ts'

let handle: TestDatabase
let services: Services
let authority: Organisation
let practitioner: UserWithRoles
let manager: UserWithRoles
const KEY = randomBytes(32)

interface Known { id: string; contactpoint_id: string; given_name: string; family_name: string; date_of_birth: string; gender: 'female' | 'male'; lines: string[]; town: string | null; postcode: string | null }

/** An existing child as the index shows it (not a twin: twins are rightly offered as each other's possible match). */
async function someChild(shielded: boolean): Promise<Known> {
  const { rows } = await sql<Known>`
    SELECT c.id, c.contactpoint_id, c.given_name, c.family_name, c.date_of_birth, c.gender, a.lines, a.town, a.postcode
    FROM child c JOIN child_address a ON a.child_id = c.id AND a.is_current
    WHERE c.shielded = ${shielded} AND c.status = 'active' AND c.gender <> 'not_specified' AND a.postcode IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM child o WHERE o.id <> c.id AND o.family_name = c.family_name AND o.date_of_birth = c.date_of_birth)
    ORDER BY c.family_name, c.given_name, c.date_of_birth LIMIT 1`.execute(handle.db)
  assert.ok(rows[0])
  return rows[0]
}

const formFor = (c: Pick<Known, 'given_name' | 'family_name' | 'date_of_birth' | 'gender'> & Partial<Known>, extra: Partial<NewChildForm> = {}): NewChildForm => {
  const [y, m, d] = c.date_of_birth.split('-') as [string, string, string]
  return {
    givenName: c.given_name, middleNames: '', familyName: c.family_name, dobDay: String(Number(d)), dobMonth: String(Number(m)), dobYear: y,
    gender: c.gender, addressLine1: c.lines?.[0] ?? '', addressLine2: '', town: c.town ?? '', postcode: c.postcode ?? '', serviceType: 'youth_service', ...extra,
  }
}
const count = async (table: 'child' | 'match_review') => Number((await handle.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n)
const createEvents = async () => (await sql<{ outcome: string; subject_type: string | null; subject_id: string | null; details: Record<string, unknown> }>`
  SELECT outcome, subject_type, subject_id, details FROM audit_event WHERE action = 'child.create' ORDER BY seq DESC`.execute(handle.db)).rows

before(async () => {
  handle = await createTestDatabase()
  await new DemoLoader(handle, KEY).load({ children: 300, seed: 7 })
  services = createServices(handle, { encryptionKey: KEY })
  authority = await handle.db.selectFrom('organisation').selectAll().where('kind', '=', 'local_authority').executeTakeFirstOrThrow()
  const club = await handle.db.selectFrom('organisation').selectAll().where('kind', '=', 'youth_service').executeTakeFirstOrThrow()
  practitioner = (await buildStaff(services, club, 'practitioner', authority.id, { phone: '01632 960400' })).user
  manager = (await buildStaff(services, authority, 'authority_data_manager', authority.id)).user
})
after(async () => handle.close())

describe('a child who is not on ContactPoint', () => {
  test('the details are checked first', async () => {
    await assert.rejects(services.practice.addChild(practitioner, formFor({ given_name: '', family_name: 'X', date_of_birth: '2030-01-01', gender: 'female' }, { postcode: 'nowhere' }), { offerMatches: true }, TEST_CONTEXT),
      (e: unknown) => e instanceof AppError && e.fields.map((f) => f.field).join() === 'givenName,dob-day,postcode,addressLine1')
  })

  test('nobody like them: a new record at once, from the authority\'s own source, with the practitioner\'s involvement', async () => {
    const children = await count('child')
    const outcome = await services.practice.addChild(practitioner, formFor({ given_name: 'Zephyrine', family_name: 'Quillfeather', date_of_birth: '2019-07-04', gender: 'female' }, { addressLine1: '3 Lark Rise', town: 'Northtown', postcode: 'nt1 9zz' }), { offerMatches: true }, TEST_CONTEXT)
    assert.equal(outcome.kind, 'created')
    assert.equal(await count('child'), children + 1)
    const id = outcome.kind === 'created' ? outcome.contactPointId : ''
    const detail = await services.repositories.children.detail((await services.repositories.children.findByContactPointId(id))?.id as string)
    assert.deepEqual([detail?.child.given_name, detail?.child.family_name, detail?.child.responsible_authority_id, detail?.addresses[0]?.postcode], ['Zephyrine', 'Quillfeather', authority.id, 'NT1 9ZZ'])
    assert.deepEqual(detail?.involvements.map((i) => [i.service_type, i.practitioner_name, i.phone]), [['youth_service', practitioner.display_name, '01632 960400']])
    assert.equal(detail?.provenance.find((p) => p.field === 'family_name')?.source_name, 'Recorded in ContactPoint by a practitioner')
    const link = await sql<{ decided_by: string }>`SELECT l.decided_by FROM record_link l JOIN source_record r ON r.id = l.source_record_id
      JOIN data_source s ON s.id = r.source_id WHERE l.child_id = ${detail?.child.id} AND s.code LIKE 'contactpoint-users-%'`.execute(handle.db)
    assert.deepEqual(link.rows.map((r) => r.decided_by), ['practitioner_created'])
    assert.deepEqual((await createEvents())[0], { outcome: 'success', subject_type: 'child', subject_id: id, details: { stage: 'created', involvement: 'youth_service' } })
  })

  test('probably a known child: that child is offered first; "none of these" sends the record to the data team', async () => {
    const known = await someChild(false)
    const children = await count('child')
    const outcome = await services.practice.addChild(practitioner, formFor(known), { offerMatches: true }, TEST_CONTEXT)
    assert.equal(outcome.kind, 'offer')
    assert.deepEqual(outcome.kind === 'offer' ? outcome.matches.map((m) => m.contactPointId) : [], [known.contactpoint_id])
    assert.deepEqual((await createEvents())[0]?.details, { stage: 'matches_offered', offered: [known.contactpoint_id] })
    const reviews = await count('match_review')
    const held = await services.practice.addChild(practitioner, formFor(known), { offerMatches: false }, TEST_CONTEXT)
    assert.deepEqual(held, { kind: 'held' })
    assert.equal(await count('child'), children, 'no duplicate child')
    assert.equal(await count('match_review'), reviews + 1)
    const queue = await services.review.queue(manager, authority.id)
    assert.ok(queue.some((q) => JSON.stringify(q).includes(known.id)), 'the data team sees the proposal against the known child')
  })

  test('might be a shielded child: never offered, never a new child; held, and when the data team joins it the shield holds', async () => {
    const shielded = await someChild(true)
    const children = await count('child')
    const outcome = await services.practice.addChild(practitioner, formFor(shielded), { offerMatches: true }, TEST_CONTEXT)
    assert.deepEqual(outcome, { kind: 'held' }, 'told only that it is being checked, as for any doubt')
    assert.equal(await count('child'), children)
    const events = JSON.stringify(await createEvents())
    assert.ok(!events.includes(shielded.contactpoint_id), 'the shielded child is not named to the practitioner, even in the audit of what was offered')
    const { rows } = await sql<{ id: string }>`SELECT id FROM match_review WHERE child_id = ${shielded.id} AND status = 'open' AND kind = 'record'`.execute(handle.db)
    assert.ok(rows[0], 'a review against the shielded child')
    await services.review.decide(manager, rows[0].id, 'same', { channel: 'cli' })
    const linked = await sql<{ shielded: boolean }>`SELECT c.shielded FROM record_link l JOIN child c ON c.id = l.child_id
      JOIN source_record r ON r.id = l.source_record_id WHERE l.state = 'linked' AND r.record_id LIKE ${`${practitioner.id}-%`} AND c.id = ${shielded.id}`.execute(handle.db)
    assert.deepEqual(linked.rows, [{ shielded: true }])
  })

  test('only roles the policy allows', async () => {
    const admin = (await buildStaff(services, authority, 'authority_user_admin', authority.id)).user
    await assert.rejects(services.practice.addChild(admin, formFor({ given_name: 'A', family_name: 'B', date_of_birth: '2019-01-01', gender: 'male' }), { offerMatches: true }, TEST_CONTEXT),
      (e: unknown) => e instanceof AppError && e.code === 'forbidden')
  })
})
