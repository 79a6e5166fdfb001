// Finding a child on a real store (PGlite, and PostgreSQL under test:pg): tolerant name matching,
// dates, places, ranking, the 50-result limit, shielded children, merged and archived records,
// the user's scope, the audit event, the search keys kept by triggers, and the query plan.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { sql } from 'kysely'
import type { Organisation } from '../db/schema.ts'
import { AppError } from '../errors.ts'
import type { UserWithRoles } from '../people/user.repository.ts'
import { createServices, type Services } from '../services.ts'
import { FakeClock } from '../system/clock.ts'
import { createTestDatabase, type TestDatabase } from '../testing/database.ts'
import { buildAuthority, buildChild } from '../testing/factories.ts'
import { buildStaff, TEST_CONTEXT } from '../testing/people.ts'
import { presentSearch } from './search.presenter.ts'
import type { SearchForm } from './search-criteria.ts'

let handle: TestDatabase
let services: Services
let north: Organisation
let south: Organisation
let practitioner: UserWithRoles
const clock = new FakeClock('2026-11-24T10:00:00Z')

const address = (line: string, town: string, postcode: string) => ({ lines: [line], town, postcode })

before(async () => {
  handle = await createTestDatabase()
  services = createServices(handle, { clock, encryptionKey: randomBytes(32) })
  north = await buildAuthority(handle.db, { name: 'Northshire County Council' })
  south = await buildAuthority(handle.db, { name: 'Southshire Council' })
  practitioner = (await buildStaff(services, north, 'practitioner', north.id)).user
  const child = (overrides: Parameters<typeof buildChild>[2]) => buildChild(handle.db, north, overrides)
  await child({ givenName: 'Alexander', familyName: 'Fairweather', gender: 'male', dateOfBirth: '2015-03-14', currentAddress: address('12 Mill Road', 'Northtown', 'NM1 2AB') })
  await child({ givenName: 'Alex', familyName: 'Fayreweather', gender: 'male', dateOfBirth: '2015-04-02', currentAddress: address('3 Hill View', 'Easton', 'NM4 7CD') })
  await child({ givenName: 'Alexandra', familyName: 'Fairwether', gender: 'female', dateOfBirth: '2015-03-15', currentAddress: address('9 Church Street', 'Northtown', 'NM1 2XY') })
  await child({ givenName: 'Mohammed', familyName: 'Okonkwo-Mensah', gender: 'male', dateOfBirth: '2012-07-01', currentAddress: address('1 Station Road', 'Westby', 'NM2 1AA') })
  await child({ givenName: 'Grace', familyName: 'Lindqvist', gender: 'female', dateOfBirth: '2013-02-05', formerNames: [{ familyName: 'Fairweather' }], currentAddress: address('44 Long Lane', 'Northtown', 'NM1 5PQ') })
  await child({ givenName: 'Zoë', middleNames: 'Alexandra', familyName: "O'Brien", gender: 'female', dateOfBirth: '2016-12-03', currentAddress: address('2 Quay Side', 'Porthaven', 'NM9 9ZZ') })
  await child({ givenName: 'Ellis', familyName: 'Fairweather', gender: 'not_specified', dateOfBirth: '2015-03-14' })
  // Shielded: lives at 12 Mill Road too.
  await child({ givenName: 'Harriet', familyName: 'Fairweather', gender: 'female', dateOfBirth: '2014-09-09', shielded: true, currentAddress: address('7 Hidden Close', 'Secretby', 'NM7 7SS') })
  // Another authority's child, found by practitioners anywhere.
  await buildChild(handle.db, south, { givenName: 'Alexander', familyName: 'Fairweather', gender: 'male', dateOfBirth: '2015-03-16', currentAddress: address('5 South Street', 'Southam', 'SM1 1AA') })
})
after(async () => handle.close())

const run = (form: SearchForm, actor: UserWithRoles = practitioner) => services.search.search(actor, form, TEST_CONTEXT)
const names = async (form: SearchForm, actor?: UserWithRoles) => (await run(form, actor)).results.map((r) => `${r.given_name} ${r.family_name}`)

describe('tolerant name matching', () => {
  test('an exact family name with a given name finds the child; familiar forms and other spellings follow', async () => {
    const result = await run({ familyName: 'Fairweather', givenName: 'Alex' })
    const found = result.results.map((r) => [`${r.given_name} ${r.family_name}`, r.strict, r.family_how, r.given_how])
    assert.deepEqual(found[0], ['Alexander Fairweather', false, 'exact', 'variant'], 'exact family name ranks first')
    assert.ok(found.some(([n, , fam, giv]) => n === 'Alex Fayreweather' && fam === 'sound' && giv === 'exact'), 'sounds-alike family name')
    assert.ok(found.some(([n, , fam]) => n === 'Alexandra Fairwether' && fam !== 'exact'), 'misspelt family name')
    assert.ok(found.some(([n]) => n === 'Alexander Fairweather'))
    assert.ok(!found.some(([n]) => n === 'Ellis Fairweather'), 'a different given name is not a match')
  })

  test('strict matches come first, then tolerant ones, each ranked', async () => {
    const result = await run({ familyName: 'Fairweather', dobDay: '14', dobMonth: '3', dobYear: '2015' })
    const strictFlags = result.results.map((r) => r.strict)
    assert.deepEqual(strictFlags, [...strictFlags].sort((a, b) => Number(b) - Number(a)), 'no tolerant match before a strict one')
    const strictNames = result.results.filter((r) => r.strict).map((r) => r.given_name).sort()
    assert.deepEqual(strictNames, ['Alexander', 'Ellis'])
    const tolerant = result.results.filter((r) => !r.strict)
    assert.ok(tolerant.some((r) => r.given_name === 'Alexandra' && r.dob_how === 'day_differs'))
    assert.ok(tolerant.some((r) => r.responsible_authority_id === south.id && r.dob_how === 'day_differs'))
    const scores = tolerant.map((r) => r.score)
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a))
  })

  test('former family names, parts of double-barrelled names, apostrophes and accents', async () => {
    const former = await run({ familyName: 'Fairweather', givenName: 'Grace' })
    assert.deepEqual(former.results.map((r) => [r.given_name, r.family_name, r.family_how, r.matched_family_name, r.strict]), [['Grace', 'Lindqvist', 'former', 'Fairweather', true]])
    assert.deepEqual(await names({ familyName: 'Mensah', givenName: 'Muhammad' }), ['Mohammed Okonkwo-Mensah'])
    assert.deepEqual(await names({ familyName: 'okonkwo mensah', dobYear: '2012' }), ['Mohammed Okonkwo-Mensah'])
    assert.deepEqual(await names({ familyName: 'OBrien', givenName: 'Zoe' }), ['Zoë O\'Brien'])
    assert.deepEqual(await names({ familyName: "o'brien", givenName: 'Alexandra' }), ['Zoë O\'Brien'], 'a middle name is a given name too')
    assert.deepEqual(await names({ familyName: "O'Brien", givenName: 'Z' }), ['Zoë O\'Brien'], 'an initial')
  })
})

describe('dates of birth, gender and places', () => {
  test('a partial date: the year, or the month and year', async () => {
    assert.deepEqual((await names({ familyName: 'Fairweather', dobYear: '2014' })).sort(), ['Harriet Fairweather'])
    const march = await run({ familyName: 'Fairweather', dobMonth: '3', dobYear: '2015' })
    assert.ok(march.results.every((r) => r.date_of_birth.startsWith('2015-03')))
    assert.ok(march.results.filter((r) => r.family_how === 'exact').every((r) => r.strict && r.dob_how === 'within'))
  })

  test('a date with day and month the other way round is a tolerant match', async () => {
    const result = await run({ familyName: 'Okonkwo-Mensah', dobDay: '7', dobMonth: '1', dobYear: '2012' })
    assert.deepEqual(result.results.map((r) => [r.given_name, r.dob_how, r.strict]), [['Mohammed', 'swapped', false]])
  })

  test('gender: the same, or not specified on the record', async () => {
    const result = await run({ familyName: 'Fairweather', gender: 'male', dobYear: '2015' })
    assert.deepEqual(result.results.filter((r) => r.family_how === 'exact').map((r) => [r.given_name, r.gender_how]).sort(), [['Alexander', 'exact'], ['Alexander', 'exact'], ['Ellis', 'not_specified']])
  })

  test('a postcode, the first part of one, or words of an address', async () => {
    const full = await run({ familyName: 'Fairweather', postcode: 'nm12ab' })
    assert.deepEqual(full.results.map((r) => [r.given_name, r.strict, r.postcode_how]), [
      ['Alexander', true, 'exact'], ['Harriet', true, 'ignored'], ['Grace', false, 'district'], ['Alexandra', false, 'sector'],
    ], 'a former family name and the same district outrank a misspelling and the same sector')
    const district = await run({ familyName: 'Fairweather', postcode: 'NM1' })
    assert.ok(district.results.some((r) => r.given_name === 'Alexandra' && r.postcode_how === 'exact'))
    assert.deepEqual((await run({ familyName: 'Fairweather', address: '12 mill rd' })).results.filter((r) => !r.shielded).map((r) => [r.given_name, r.address_how]), [['Alexander', 'exact']])
  })
})

describe('shielded children', () => {
  test('are matched on name, gender and date of birth only, and carry no location', async () => {
    // The shielded child lives at NM7 7SS, yet a search for another postcode finds them just the same…
    for (const form of [{ familyName: 'Fairweather', postcode: 'NM1 2AB' }, { familyName: 'Fairweather', postcode: 'NM7 7SS' }, { familyName: 'Fairweather', address: 'Hidden Close' }, { familyName: 'Fairweather', address: 'Anything At All' }]) {
      const shielded = (await run(form)).results.filter((r) => r.shielded)
      assert.deepEqual(shielded.map((r) => [r.given_name, r.town, r.postcode, r.postcode_how ?? r.address_how]), [['Harriet', null, null, 'ignored']], JSON.stringify(form))
    }
    // …and what they are matched on still counts.
    assert.equal((await run({ familyName: 'Fairweather', gender: 'male', postcode: 'NM7 7SS' })).results.filter((r) => r.shielded).length, 0)
    assert.equal((await run({ familyName: 'Fairweather', dobYear: '2015', postcode: 'NM7' })).results.filter((r) => r.shielded).length, 0)
    const page = presentSearch(await run({ familyName: 'Fairweather', givenName: 'Harriet' }))
    assert.deepEqual(page.strict.map((r) => [r.name, r.place, r.shielded]), [['Harriet Fairweather', null, true]])
    assert.ok(!JSON.stringify(page).includes('Secretby') && !JSON.stringify(page).includes('NM7'))
  })
})

describe('limits', () => {
  test('more than 50 matches: too many, unless 50 or fewer are strict', async () => {
    const authority = await buildAuthority(handle.db)
    for (let i = 0; i < 55; i += 1) {
      await buildChild(handle.db, authority, { givenName: 'Sam', familyName: 'Quellington', gender: i % 2 ? 'male' : 'female', dateOfBirth: `2016-${String((i % 12) + 1).padStart(2, '0')}-01` })
    }
    for (let i = 0; i < 55; i += 1) await buildChild(handle.db, authority, { givenName: 'Sam', familyName: 'Quelington', dateOfBirth: '2017-01-01' })
    const tooMany = await run({ familyName: 'Quellington', givenName: 'Sam' })
    assert.equal(tooMany.outcome, 'too_many')
    assert.equal(tooMany.results.length, 0)
    assert.match(presentSearch(tooMany).advice, /Add a date of birth/)
    const strictOnly = await run({ familyName: 'Quellington', dobYear: '2016', gender: 'male' })
    assert.equal(strictOnly.outcome, 'results')
    const narrowed = await run({ familyName: 'Quellington', givenName: 'Sam', dobYear: '2016' })
    assert.equal(narrowed.outcome, 'too_many')
    const strict = await run({ familyName: 'Quellington', gender: 'female' })
    assert.equal(strict.outcome, 'strict_only', '28 strict, 55 + tolerant in all')
    assert.equal(strict.results.length, 28)
    assert.ok(strict.results.every((r) => r.strict))
  })
})

describe('record states and scope', () => {
  test('a merged record is found as the record that replaced it; archived records are not found', async () => {
    const authority = await buildAuthority(handle.db)
    const kept = await buildChild(handle.db, authority, { givenName: 'Pippa', familyName: 'Trevelyan', dateOfBirth: '2018-06-06' })
    const merged = await buildChild(handle.db, authority, { givenName: 'Pippa', familyName: 'Trevellian', dateOfBirth: '2018-06-06' })
    await buildChild(handle.db, authority, { givenName: 'Pippa', familyName: 'Trevelyan', dateOfBirth: '2008-01-01' })
    await sql`UPDATE child SET status = 'merged', replaced_by_id = ${kept.id} WHERE id = ${merged.id}`.execute(handle.db)
    await sql`UPDATE child SET status = 'archived', archived_at = now() WHERE given_name = 'Pippa' AND date_of_birth = '2008-01-01'`.execute(handle.db)
    const result = await run({ familyName: 'Trevellian', givenName: 'Pippa' })
    assert.deepEqual(result.results.map((r) => [r.contactpoint_id, r.status]), [[kept.contactpoint_id, 'active']], 'one live record, no archived one')
    const byId = await run({ contactPointId: merged.contactpoint_id })
    assert.deepEqual(byId.results.map((r) => [r.contactpoint_id, r.merged_from]), [[kept.contactpoint_id, merged.contactpoint_id]])
    assert.match(presentSearch(byId).strict[0]?.reasons[0] ?? '', /merged into this one/)
  })

  test('a data manager finds only their own authority\'s children; a user without a search role is refused', async () => {
    const manager = (await buildStaff(services, south, 'authority_data_manager', south.id)).user
    const found = await run({ familyName: 'Fairweather', givenName: 'Alexander' }, manager)
    assert.deepEqual(found.results.map((r) => r.responsible_authority_id), [south.id])
    const admin = (await buildStaff(services, north, 'authority_user_admin', north.id)).user
    assert.equal(services.search.maySearch(admin), false)
    await assert.rejects(run({ familyName: 'Fairweather', givenName: 'Alexander' }, admin), (e: unknown) => e instanceof AppError && e.code === 'forbidden')
  })

  test('too few criteria are refused with the field to fix', async () => {
    for (const [form, field] of [[{ familyName: 'Fairweather' }, 'givenName'], [{ givenName: 'Alex', dobYear: '2015' }, 'familyName'], [{ familyName: 'X', dobDay: '31', dobMonth: '2', dobYear: '2015' }, 'dob-day'], [{ contactPointId: '123456789012' }, 'contactPointId']] as const) {
      await assert.rejects(run(form), (e: unknown) => e instanceof AppError && e.code === 'validation_failed' && e.fields[0]?.field === field, JSON.stringify(form))
    }
  })
})

test('each search is audited with the kinds of criteria and the number of results, never the values typed', async () => {
  const user = (await buildStaff(services, north, 'practitioner', north.id)).user
  await run({ familyName: 'Fairweather', givenName: 'Harriet', postcode: 'NM7' }, user)
  const events = await handle.db.selectFrom('audit_event').selectAll().where('actor_user_id', '=', user.id).execute()
  assert.equal(events.length, 1)
  const [event] = events
  assert.equal(event?.action, 'child.search')
  assert.deepEqual(event?.details, { criteria: ['family_name', 'given_name', 'postcode:district'], outcome: 'results', results: 1, shielded: 1, tolerant: 0 })
  assert.doesNotMatch(JSON.stringify(event), /Fairweather|Harriet|NM7/)
})

test('search keys follow changes of name and date of birth, and former names added or removed', async () => {
  const authority = await buildAuthority(handle.db)
  const child = await buildChild(handle.db, authority, { givenName: 'Wren', familyName: 'Ashdown', dateOfBirth: '2019-05-05' })
  await sql`UPDATE child SET family_name = 'Blakemore', date_of_birth = '2019-05-06' WHERE id = ${child.id}`.execute(handle.db)
  assert.deepEqual(await names({ familyName: 'Blakemore', dobDay: '6', dobMonth: '5', dobYear: '2019' }), ['Wren Blakemore'])
  assert.deepEqual(await names({ familyName: 'Ashdown', givenName: 'Wren' }), [])
  await handle.db.insertInto('child_name').values({ child_id: child.id, kind: 'former', family_name: 'Ashdown', given_name: null, middle_names: null, used_until: null }).execute()
  assert.deepEqual(await names({ familyName: 'Ashdown', givenName: 'Wren' }), ['Wren Blakemore'])
  await handle.db.deleteFrom('child_name').where('child_id', '=', child.id).execute()
  assert.deepEqual(await names({ familyName: 'Ashdown', givenName: 'Wren' }), [])
})

test('on PostgreSQL, candidates come through the search indexes, never a scan of the child table', { skip: !process.env.DATABASE_URL && 'PostgreSQL only (npm run test:pg)' }, async () => {
  await sql`ANALYZE`.execute(handle.db)
  const keys = await services.repositories.search.keysFor('Fairweather', null)
  // The test tables are tiny, so the planner would rightly read them whole: forbid that, to show the indexes answer.
  const rows = await handle.db.transaction().execute(async (trx) => {
    await sql`SET LOCAL enable_seqscan = off`.execute(trx)
    return (await sql<{ 'QUERY PLAN': string }>`EXPLAIN SELECT count(*) FROM child_search_name s WHERE
      (s.family_key = ${keys.family.key} OR s.family_parts @> ARRAY[${keys.family.key}::text] OR s.family_key % ${keys.family.key}
       OR s.family_sound = ANY(${keys.family.sounds}::text[]) OR s.family_sound_alt = ANY(${keys.family.sounds}::text[]))`.execute(trx)).rows
  })
  const plan = rows.map((r) => r['QUERY PLAN']).join('\n')
  assert.match(plan, /Bitmap Index Scan on child_search_name_family/)
  assert.match(plan, /Bitmap Index Scan on child_search_name_trigram/)
  assert.doesNotMatch(plan, /Seq Scan/)
})
