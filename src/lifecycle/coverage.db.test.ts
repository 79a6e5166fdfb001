// The coverage report on a real PostgreSQL engine: who counts as of compulsory school age (leap days
// included), what counts as a current school place or GP, who is left out, and that the list is IDs only.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { NewChildInput } from '../children/child.repository.ts'
import { isOfCompulsorySchoolAge } from '../children/lifecycle.ts'
import type { Child, Organisation } from '../db/schema.ts'
import type { ServiceType } from '../feeds/feed-record.ts'
import { createServices, type Services } from '../services.ts'
import { FakeClock } from '../system/clock.ts'
import { createTestDatabase, type TestDatabase } from '../testing/database.ts'
import { buildAuthority, buildChild, buildOrganisation } from '../testing/factories.ts'
import { formatCoverageReport } from './coverage.service.ts'

const AS_OF = '2026-02-28'
let handle: TestDatabase
let services: Services
let authority: Organisation
let school: Organisation
const named = new Map<string, Child>()

async function child(name: string, input: Partial<NewChildInput>, involvements: { type: ServiceType; ended?: string; started?: string }[] = []): Promise<void> {
  const c = await buildChild(handle.db, authority, input)
  named.set(name, c)
  await services.repositories.practice.insertInvolvements(involvements.map((i) => ({
    child_id: c.id, service_type: i.type, organisation_id: school.id, started_on: i.started ?? '2020-09-01', ended_on: i.ended ?? null,
    practitioner_name: null, phone: null, email: null, source_record_id: null, supplier_involvement_id: null, created_by_user_id: null,
  })))
}

before(async () => {
  handle = await createTestDatabase()
  services = createServices(handle, { encryptionKey: Buffer.alloc(32, 7), clock: new FakeClock(`${AS_OF}T12:00:00Z`) })
  authority = await buildAuthority(handle.db, { code: 'E06000911', la_number: '911' })
  const elsewhere = await buildAuthority(handle.db, { code: 'E06000912' })
  school = await buildOrganisation(handle.db, authority)
  const gp = { type: 'gp_practice' as const }
  await child('four, no school', { dateOfBirth: '2021-03-01' }, [gp])
  await child('five today (leap day), no school', { dateOfBirth: '2020-02-29' }, [gp])
  await child('ten at school, no GP', { dateOfBirth: '2016-01-01' }, [{ type: 'school' }])
  await child('twelve, school ended yesterday', { dateOfBirth: '2014-01-01' }, [{ type: 'school', ended: '2026-02-27' }, gp])
  await child('twelve, school ends today', { dateOfBirth: '2014-01-01' }, [{ type: 'school', ended: AS_OF }, gp])
  await child('fifteen at college', { dateOfBirth: '2010-06-01' }, [{ type: 'further_education' }, gp])
  await child('sixteen today, no school', { dateOfBirth: '2010-02-28' }, [gp])
  await child('eight, school starts next week', { dateOfBirth: '2018-01-01' }, [{ type: 'school', started: '2026-03-07' }, gp])
  await child('shielded nine, nothing', { dateOfBirth: '2017-01-01', shielded: true })
  await child('died', { dateOfBirth: '2016-01-01', dateOfDeath: '2025-01-01' })
  await child('left England', { dateOfBirth: '2016-01-01', addressStatus: 'left_england', returnIntent: 'unknown' })
  await child('archived', { dateOfBirth: '2016-01-01' })
  await handle.db.updateTable('child').set({ status: 'archived', archived_at: new Date() }).where('id', '=', named.get('archived')?.id as string).execute()
  await buildChild(handle.db, elsewhere, { dateOfBirth: '2016-01-01' })
})
after(async () => handle.close())

const ids = (...names: string[]): string[] => names.map((n) => named.get(n)?.contactpoint_id as string).sort()

test('counts the live children of the authority, those of school age with no current school place, and those with no GP', async () => {
  const report = await services.coverage.report({ authority: 'E06000911', asOf: AS_OF })
  assert.deepEqual(report.counts, {
    children: 9, ofCompulsorySchoolAge: 7, ofSchoolAgeWithoutSchool: 4, withoutGp: 2, shieldedInGaps: 1,
  })
  assert.equal(report.lists, undefined)
  assert.match(formatCoverageReport(report), /with no current school place\s+4/)
})

test('the school-age test in SQL agrees with lifecycle.ts at the 5th and 16th birthdays', () => {
  assert.equal(isOfCompulsorySchoolAge('2020-02-29', AS_OF), true)
  assert.equal(isOfCompulsorySchoolAge('2010-02-28', AS_OF), false)
  assert.equal(isOfCompulsorySchoolAge('2021-03-01', AS_OF), false)
})

test('--list gives ContactPoint IDs only, found by the LA number too; each report is audited with its counts', async () => {
  const report = await services.coverage.report({ authority: '911', asOf: AS_OF, list: true })
  assert.deepEqual(report.lists, {
    withoutSchool: ids('five today (leap day), no school', 'twelve, school ended yesterday', 'eight, school starts next week', 'shielded nine, nothing'),
    withoutGp: ids('ten at school, no GP', 'shielded nine, nothing'),
  })
  const text = formatCoverageReport(report)
  assert.ok(!/Amelia|Testcase|2016-01-01/.test(text), 'no names or dates of birth in the report')
  const events = await services.repositories.audit.listForSubject('organisation', 'E06000911')
  assert.deepEqual(events.map((e) => (e.details as { listed: boolean }).listed), [true, false])
})

test('an unknown authority or a bad date is refused with a clear message', async () => {
  await assert.rejects(services.coverage.report({ authority: 'E99999999' }), /No local authority/)
  await assert.rejects(services.coverage.report({ authority: 'E06000911', asOf: '2026-02-30' }), /not a date/)
})
