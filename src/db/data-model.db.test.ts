// The data model on a real PostgreSQL engine (PGlite by default, the server under `npm run test:pg`):
// everything BRIEF.md says a record holds round-trips exactly, and the database itself refuses
// states the service must never hold.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { sql } from 'kysely'
import { ChildRepository } from '../children/child.repository.ts'
import { isValidContactPointId, newContactPointId } from '../children/contactpoint-id.ts'
import { SourceRepository } from '../feeds/source.repository.ts'
import { UserRepository } from '../people/user.repository.ts'
import { PracticeRepository } from '../practice/practice.repository.ts'
import { SystemStateRepository } from '../system/state.repository.ts'
import { createTestDatabase, type TestDatabase } from '../testing/database.ts'
import { buildAuthority, buildChild, buildOrganisation } from '../testing/factories.ts'
import type { Organisation } from './schema.ts'

let handle: TestDatabase
let authority: Organisation

before(async () => {
  handle = await createTestDatabase()
  authority = await buildAuthority(handle.db)
})
after(async () => handle.close())

/** Runs a statement expected to fail and returns the PostgreSQL error message. */
async function refusal(run: () => Promise<unknown>): Promise<string> {
  try {
    await run()
  } catch (error) {
    return (error as Error).message
  }
  assert.fail('the database accepted a value it must refuse')
}

describe('child records', () => {
  test('names, dates and addresses survive Unicode and round-trip exactly', async () => {
    const repo = new ChildRepository(handle.db)
    const names = [
      ['Zoë', 'Siobhán Máire', "O'Brien"], ['Nguyễn', null, 'Thị Hương'], ['Øyvind', null, 'Ødegård-Smith'],
      ['Aoife', null, 'Ní Bhriain'], ['Chloé', 'Anaïs', 'Lefèvre'], ['Mohammed', null, 'Al-Hāshimī'],
    ] as const
    for (const [given, middle, family] of names) {
      const created = await repo.create({
        givenName: given, middleNames: middle, familyName: family, gender: 'not_specified', dateOfBirth: '2012-02-29',
        responsibleAuthorityId: authority.id, archiveDueOn: '2030-02-28',
        currentAddress: { lines: ['Flat 2, Ty Newydd', '14 Heol yr Eglwys'], town: 'Llanfair', postcode: 'CF10 1AA' },
        formerNames: [{ givenName: given, familyName: 'Müller-Lüdenscheidt', usedUntil: '2019-12-31' }],
      })
      const detail = await repo.detail(created.id)
      assert.ok(detail)
      assert.equal(detail.child.given_name, given)
      assert.equal(detail.child.middle_names, middle)
      assert.equal(detail.child.family_name, family)
      assert.equal(detail.child.date_of_birth, '2012-02-29')
      assert.equal(detail.child.archive_due_on, '2030-02-28')
      assert.deepEqual(detail.addresses[0]?.lines, ['Flat 2, Ty Newydd', '14 Heol yr Eglwys'])
      assert.equal(detail.names[0]?.family_name, 'Müller-Lüdenscheidt')
      assert.equal(detail.names[0]?.used_until, '2019-12-31')
    }
  })

  test('each child gets a distinct, valid ContactPoint ID', async () => {
    const ids = new Set<string>()
    for (let i = 0; i < 25; i += 1) ids.add((await buildChild(handle.db, authority)).contactpoint_id)
    assert.equal(ids.size, 25)
    for (const id of ids) assert.ok(isValidContactPointId(id), id)
  })

  test('bulk creation keeps input order and re-draws only the IDs that collide', async () => {
    const existing = await buildChild(handle.db, authority)
    // The allocator hands out an ID already in use for the 2nd and 1,201st draws.
    let draws = 0
    const repo = new ChildRepository(handle.db, () => {
      draws += 1
      return draws === 2 || draws === 1201 ? existing.contactpoint_id : newContactPointId()
    })
    const inputs = Array.from({ length: 1500 }, (_, i) => ({
      givenName: `Child${i}`, familyName: 'Bulk', gender: 'male' as const, dateOfBirth: '2014-07-01',
      responsibleAuthorityId: authority.id, archiveDueOn: '2032-07-01',
      currentAddress: { lines: [`${i} Long Row`], postcode: 'ZZ1 1ZZ' },
      formerNames: i % 2 ? [{ familyName: `Former${i}` }] : [],
    }))
    const created = await handle.db.transaction().execute((trx) => repo.createMany(inputs, trx))
    assert.equal(created.length, 1500)
    assert.deepEqual(created.map((c) => c.given_name), inputs.map((i) => i.givenName))
    assert.equal(new Set(created.map((c) => c.contactpoint_id)).size, 1500)
    assert.ok(!created.some((c) => c.contactpoint_id === existing.contactpoint_id))
    assert.equal(draws, 1502, 'exactly the two colliding rows drew again')
    const detail = await repo.detail(created[1]?.id as string)
    assert.equal(detail?.names[0]?.family_name, 'Former1')
    assert.deepEqual(detail?.addresses[0]?.lines, ['1 Long Row'])
    const [first] = inputs
    assert.ok(first)
    await assert.rejects(handle.db.transaction().execute((trx) => repo.createMany([{ ...first, contactPointId: existing.contactpoint_id }], trx)), /already exists/)
  })

  test('the database refuses an invalid ContactPoint ID, even from raw SQL', async () => {
    const valid = newContactPointId()
    const invalid = valid.slice(0, 11) + String((Number(valid[11]) + 1) % 10)
    const message = await refusal(() => buildChild(handle.db, authority, { contactPointId: invalid }))
    assert.match(message, /contactpoint_id_is_valid|check constraint/)
    const ok = await buildChild(handle.db, authority, { contactPointId: valid })
    assert.equal(ok.contactpoint_id, valid)
    const { rows } = await sql<{ valid: boolean }>`SELECT contactpoint_id_is_valid(${valid}) AS valid`.execute(handle.db)
    assert.equal(rows[0]?.valid, true)
  })

  test('closed vocabularies and consistency rules are enforced by the database', async () => {
    const child = await buildChild(handle.db, authority)
    const update = (values: Record<string, unknown>) => () =>
      handle.db.updateTable('child').set(values as never).where('id', '=', child.id).execute()
    assert.match(await refusal(update({ gender: 'unknown' })), /check constraint/)
    assert.match(await refusal(update({ date_of_death: '2000-01-01' })), /check constraint/)
    // left England needs an intent to return; other statuses must not carry one
    assert.match(await refusal(update({ address_status: 'left_england' })), /check constraint/)
    await update({ address_status: 'left_england', return_intent: 'intends_to_return' })()
    assert.match(await refusal(update({ address_status: 'current' })), /check constraint/)
    // retention may be extended only to the 25th birthday, with a recorded basis
    assert.match(await refusal(update({ retention_extended_to: '2040-03-15', retention_extension_basis: 'care_leaver' })), /check constraint/)
    await update({ retention_extended_to: '2040-03-13', retention_extension_basis: 'care_leaver' })()
    // a merged record must say what replaced it
    assert.match(await refusal(update({ status: 'merged' })), /check constraint/)
  })

  test('a child has at most one current address', async () => {
    const child = await buildChild(handle.db, authority, { currentAddress: { lines: ['1 High Street'], postcode: 'AB1 2CD' } })
    const message = await refusal(() => handle.db.insertInto('child_address')
      .values({ child_id: child.id, lines: ['2 Low Road'], is_current: true }).execute())
    assert.match(message, /child_address_one_current|duplicate key/)
  })
})

describe('involvements, carers and markers', () => {
  test('a full record reads back with involvements, carers, markers, identifiers and provenance', async () => {
    const school = await buildOrganisation(handle.db, authority, { name: 'St Brigid’s RC Primary' })
    const clinic = await buildOrganisation(handle.db, authority, { kind: 'health_service', name: 'Riverside Clinic' })
    const users = new UserRepository(handle.db)
    const teacher = await users.insert({
      username: `teacher.${Date.now()}`, display_name: 'Siân Evans', organisation_id: school.id,
    }, [{ role: 'practitioner', authorityId: authority.id }])
    const child = await buildChild(handle.db, authority, {
      identifiers: [{ scheme: 'nhs_number', value: '9990000018', issuerOrganisationId: clinic.id }],
    })
    const practice = new PracticeRepository(handle.db)
    await practice.insertCarers([{
      child_id: child.id, given_name: 'Dorota', family_name: 'Wiśniewska', relationship: 'mother',
      parental_responsibility: true, phone: '07700 900123', email: null, address_lines: null, town: null, postcode: null, source_record_id: null,
    }])
    const [education, sensitive] = await practice.insertInvolvements([
      { child_id: child.id, service_type: 'school', organisation_id: school.id, practitioner_user_id: teacher.id,
        practitioner_name: 'Siân Evans', started_on: '2019-09-04', is_lead_professional: true, holds_caf: true, consent_basis: null,
        source_record_id: null, supplier_involvement_id: null, created_by_user_id: teacher.id, phone: null, email: null, ended_on: null },
      { child_id: child.id, service_type: 'sexual_health', organisation_id: clinic.id, practitioner_user_id: null,
        practitioner_name: null, started_on: '2024-01-10', is_sensitive: true, consent_basis: 'consent',
        source_record_id: null, supplier_involvement_id: null, created_by_user_id: null, phone: null, email: null, ended_on: null },
    ])
    assert.ok(education && sensitive)
    assert.equal(await practice.endInvolvement(education.id, '2024-07-19'), true)
    assert.equal(await practice.endInvolvement(education.id, '2024-07-20'), false, 'an ended involvement cannot end twice')
    const markerId = await practice.setMarker({ childId: child.id, organisationId: school.id, setByUserId: teacher.id, contactName: 'Siân Evans', contactPhone: '01632 960002' })

    const detail = await new ChildRepository(handle.db).detail(child.id)
    assert.ok(detail)
    assert.equal(detail.carers[0]?.family_name, 'Wiśniewska')
    assert.equal(detail.involvements.length, 2)
    const ended = detail.involvements.find((i) => i.id === education.id)
    assert.equal(ended?.ended_on, '2024-07-19')
    assert.equal(ended?.organisation_name, 'St Brigid’s RC Primary')
    assert.equal(ended?.holds_caf, true)
    assert.equal(detail.involvements.find((i) => i.id === sensitive.id)?.is_sensitive, true)
    assert.deepEqual(detail.markers.map((m) => m.id), [markerId])
    assert.deepEqual(detail.identifiers, [{ scheme: 'nhs_number', value: '9990000018', issuer_organisation_id: clinic.id }])
    assert.equal(await practice.removeMarker(markerId, teacher.id), true)
    assert.equal((await new ChildRepository(handle.db).detail(child.id))?.markers.length, 0)
  })

  test('a sensitive service needs a consent basis; an ordinary one must not have one', async () => {
    const child = await buildChild(handle.db, authority)
    const org = await buildOrganisation(handle.db, authority)
    const base = { child_id: child.id, organisation_id: org.id, started_on: '2024-01-01', practitioner_user_id: null, practitioner_name: null,
      phone: null, email: null, ended_on: null, source_record_id: null, supplier_involvement_id: null, created_by_user_id: null }
    const practice = new PracticeRepository(handle.db)
    assert.match(await refusal(() => practice.insertInvolvements([{ ...base, service_type: 'mental_health', consent_basis: null }])), /check constraint/)
    assert.match(await refusal(() => practice.insertInvolvements([{ ...base, service_type: 'school', consent_basis: 'consent' }])), /check constraint/)
    assert.match(await refusal(() => practice.insertInvolvements([{ ...base, service_type: 'school', consent_basis: null, ended_on: '2023-01-01' }])), /check constraint/)
  })
})

describe('sources, links and provenance', () => {
  test('a source record links to at most one child; review and rejected candidates are kept', async () => {
    const sources = new SourceRepository(handle.db)
    const org = await buildOrganisation(handle.db, authority, { kind: 'health_service' })
    const source = await sources.insertSource({ code: `nhs-pds-${Date.now()}`, name: 'NHS demographics', scope: 'national',
      organisationId: org.id, authorityId: null, supplies: ['identity', 'involvements'], precedence: 90 })
    const [record] = await sources.insertRecords([{ source_id: source.id, record_id: 'PDS-1', given_name: 'Zoë', family_name: "O'Brien",
      date_of_birth: '2016-05-01', middle_names: null, date_of_death: null, gender: 'female', address_lines: ['1 Lane'], town: null,
      postcode: 'AB1 2CD', address_status: 'current', return_intent: null, nhs_number: '9990000026', upn: null,
      payload: JSON.stringify({ given_name: 'Zoë' }), content_hash: 'h1', deleted_at: null }])
    assert.ok(record)
    assert.deepEqual(record.former_family_names, [])
    const [a, b, c] = [await buildChild(handle.db, authority), await buildChild(handle.db, authority), await buildChild(handle.db, authority)]
    await sources.insertLinks([
      { sourceRecordId: record.id, childId: a.id, state: 'linked', decidedBy: 'engine', matchWeight: 21.5, matchProbability: 0.9999, modelVersion: 'm1', explanation: { dob: 'exact' } },
      { sourceRecordId: record.id, childId: b.id, state: 'rejected', decidedBy: 'demo_truth' },
    ])
    assert.match(await refusal(() => sources.insertLinks([{ sourceRecordId: record.id, childId: c.id, state: 'linked', decidedBy: 'engine' }])), /record_link_one_linked|duplicate key/)
    assert.match(await refusal(() => sources.insertLinks([{ sourceRecordId: record.id, childId: c.id, state: 'review', decidedBy: 'person' }])), /check constraint/)
    assert.deepEqual((await sources.linksOfChild(a.id)).map((l) => [l.record_id, l.state]), [['PDS-1', 'linked']])
    assert.match(await refusal(() => sources.insertRecords([{ source_id: source.id, record_id: 'PDS-1', payload: '{}', content_hash: 'x',
      given_name: null, family_name: null, middle_names: null, date_of_birth: null, date_of_death: null, gender: null, address_lines: null,
      town: null, postcode: null, address_status: null, return_intent: null, nhs_number: null, upn: null, deleted_at: null }])), /duplicate key/)

    await sources.recordProvenance([{ childId: a.id, field: 'given_name', sourceRecordId: record.id, sourceId: source.id }])
    await sources.recordProvenance([{ childId: a.id, field: 'given_name', sourceRecordId: record.id, sourceId: source.id }])
    const detail = await new ChildRepository(handle.db).detail(a.id)
    assert.deepEqual(detail?.provenance.map((p) => [p.field, p.source_code]), [['given_name', source.code]])
  })
})

describe('users and system state', () => {
  test('usernames are unique regardless of case and roles come back with their scope', async () => {
    const org = await buildOrganisation(handle.db, authority)
    const users = new UserRepository(handle.db)
    await users.insert({ username: 'Priya.Patel', display_name: 'Priya Patel', organisation_id: org.id, dbs_checked_on: '2025-06-01' },
      [{ role: 'practitioner', authorityId: authority.id }, { role: 'authority_data_manager', authorityId: authority.id }])
    const found = await users.findByUsername('PRIYA.PATEL')
    assert.equal(found?.display_name, 'Priya Patel')
    assert.equal(found?.dbs_checked_on, '2025-06-01')
    assert.deepEqual(found?.roles.map((r) => r.role), ['authority_data_manager', 'practitioner'])
    assert.match(await refusal(() => users.insert({ username: 'priya.patel', display_name: 'Dup', organisation_id: org.id }, [])), /duplicate key/)
    assert.match(await refusal(() => users.insert({ username: 'x', display_name: 'Too short', organisation_id: org.id }, [])), /check constraint/)
  })

  test('system state stores and replaces JSON values', async () => {
    const state = new SystemStateRepository(handle.db)
    assert.equal(await state.get('demo'), undefined)
    await state.set('demo', { children: 10 })
    await state.set('demo', { children: 20 })
    assert.deepEqual(await state.get('demo'), { children: 20 })
  })
})
