// The FHIR R4 facade over real HTTP with a real FHIR client library (fhir-kit-client), every
// resource checked against the base R4 definitions by the `fhir` package's validator (structure,
// required elements, cardinality, types and required value sets; it does not run FHIRPath invariants).
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import fhirPackage from 'fhir'
import { Client } from 'fhir-kit-client'
import { buildApp } from '../app.ts'
import { loadConfig } from '../config/config.ts'
import type { Child, Organisation } from '../db/schema.ts'
import { createLogger } from '../observability/logger.ts'
import type { Services } from '../services.ts'
import { FakeClock } from '../system/clock.ts'
import { registerTestCms, type TestCms } from '../testing/cms-client.ts'
import { createTestDatabase, type TestDatabase } from '../testing/database.ts'
import { buildAuthority, buildChild, buildOrganisation } from '../testing/factories.ts'
import { buildStaff, TEST_CONTEXT, type Staff } from '../testing/people.ts'

const validator = new fhirPackage.Fhir()
let handle: TestDatabase
let app: FastifyInstance
let services: Services
let clock: FakeClock
let base: string
let authority: Organisation
let school: Organisation
let practitioner: Staff
let officer: Staff
let child: Child
let shielded: Child
let cms: TestCms
let token: string

type Json = Record<string, unknown> & { resourceType: string; entry?: { resource: Json; search?: { score?: number; extension?: { valueCode: string }[] } }[] }

function assertValid(resource: Json): void {
  const result = validator.validate(resource)
  assert.deepEqual(result.messages.filter((m) => m.severity === 'error'), [], `${resource.resourceType} is valid R4`)
  for (const entry of resource.entry ?? []) assertValid(entry.resource)
}

async function client(as: Staff, extra: Record<string, string> = {}) {
  return new Client({ baseUrl: base, customHeaders: { authorization: `Bearer ${token}`, 'contactpoint-user-assertion': await cms.userAssertion(as.user.username), ...extra } })
}

before(async () => {
  handle = await createTestDatabase()
  clock = new FakeClock('2026-11-24T09:00:00Z')
  const publicUrl = 'http://127.0.0.1'
  ;({ app, services } = await buildApp({ config: loadConfig({ NODE_ENV: 'test', PUBLIC_URL: publicUrl }), database: handle, logger: createLogger('silent'), clock }))
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  base = `${address}/fhir`
  authority = await buildAuthority(handle.db)
  school = await buildOrganisation(handle.db, authority)
  practitioner = await buildStaff(services, school, 'practitioner', authority.id, { access_channel: 'cms' })
  officer = await buildStaff(services, school, 'authority_privacy_officer', authority.id, { access_channel: 'cms' })
  child = await buildChild(handle.db, authority, { givenName: 'Imogen', familyName: 'Fhirfield', dateOfBirth: '2014-02-11' })
  shielded = await buildChild(handle.db, authority, { givenName: 'Imogen', familyName: 'Fhirfield', dateOfBirth: '2014-02-12' })
  await handle.db.updateTable('child').set({ shielded: true }).where('id', '=', shielded.id).execute()
  const clinic = await buildOrganisation(handle.db, authority, { name: 'Riverside Clinic', kind: 'health_service' })
  await services.repositories.practice.insertInvolvements([
    { child_id: child.id, service_type: 'school', organisation_id: school.id, started_on: '2019-09-01', is_lead_professional: true, holds_caf: true, practitioner_name: 'Ms Teacher' },
    { child_id: child.id, service_type: 'mental_health', organisation_id: clinic.id, started_on: '2025-01-01', is_sensitive: true, consent_basis: 'consent' },
  ])
  await services.repositories.practice.insertCarers([{ child_id: child.id, given_name: 'Harriet', family_name: 'Fhirfield', relationship: 'mother', parental_responsibility: true, phone: '01632 960002' }])
  await services.repositories.practice.insertMarkers([{ childId: child.id, organisationId: school.id, setByUserId: practitioner.user.id, contactName: 'Ms Teacher', contactPhone: '01632 960003' }])
  cms = await registerTestCms(services, clock, { organisation: school, authority, publicUrl, scopes: ['children.search', 'children.read', 'audit.read'] })
  const res = await app.inject({ method: 'POST', url: '/api/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: await cms.tokenForm() })
  token = res.json().access_token as string
})

after(async () => {
  await app.close()
  await handle.close()
})

describe('FHIR R4', () => {
  test('the CapabilityStatement is public and valid', async () => {
    const statement = await new Client({ baseUrl: base }).capabilityStatement() as Json
    assert.equal(statement.resourceType, 'CapabilityStatement')
    assert.equal(statement.fhirVersion, '4.0.1')
    assertValid(statement)
  })

  test('Patient search finds the children, a shielded one restricted', async () => {
    const found = await (await client(practitioner)).search({ resourceType: 'Patient', searchParams: { family: 'Fhirfield', given: 'Imogen' } }) as Json
    assert.equal(found.resourceType, 'Bundle')
    assert.equal(found.entry?.length, 2)
    assertValid(found)
    const restricted = found.entry?.find((e) => e.resource.id === shielded.contactpoint_id)?.resource as Json
    assert.deepEqual(Object.keys(restricted).sort(), ['birthDate', 'gender', 'id', 'identifier', 'meta', 'name', 'resourceType'])
  })

  test('Patient/$match grades the candidates', async () => {
    const parameters = {
      resourceType: 'Parameters',
      parameter: [{ name: 'resource', resource: { resourceType: 'Patient', name: [{ family: 'Fhirfield', given: ['Imogen'] }], birthDate: '2014-02-11' } }],
    }
    const matched = await (await client(practitioner)).operation({ name: '$match', resourceType: 'Patient', input: parameters }) as Json
    assertValid(matched)
    const first = matched.entry?.[0]
    assert.equal(first?.resource.id, child.contactpoint_id)
    assert.equal(first?.search?.extension?.[0]?.valueCode, 'probable')
    assert.ok((first?.search?.score ?? 0) > (matched.entry?.[1]?.search?.score ?? 0))
  })

  test('Patient read, RelatedPerson, CareTeam and Flag: each a reasoned, audited view; sensitive services only as a flag', async () => {
    const reader = await client(practitioner, { 'contactpoint-reason': 'coordinating' })
    const patient = await reader.read({ resourceType: 'Patient', id: child.contactpoint_id }) as Json
    assertValid(patient)
    assert.equal((patient.name as { family: string }[])[0]?.family, 'Fhirfield')
    const carers = await reader.search({ resourceType: 'RelatedPerson', searchParams: { patient: `Patient/${child.contactpoint_id}` } }) as Json
    assertValid(carers)
    assert.equal(carers.entry?.[0]?.resource.resourceType, 'RelatedPerson')
    const teams = await reader.search({ resourceType: 'CareTeam', searchParams: { patient: child.contactpoint_id } }) as Json
    assertValid(teams)
    assert.equal(teams.entry?.length, 1, 'the sensitive service is not a care team')
    const flagged = await reader.search({ resourceType: 'Flag', searchParams: { patient: child.contactpoint_id } }) as Json
    assertValid(flagged)
    const codes = flagged.entry?.map((e) => ((e.resource.code as { coding: { code: string }[] }).coding[0]?.code)).sort()
    assert.deepEqual(codes, ['caf', 'cause-for-concern', 'lead-professional', 'sensitive-service'])
    assert.doesNotMatch(JSON.stringify(flagged), /Riverside|mental/)
    const views = (await services.repositories.audit.listForSubject('child', child.contactpoint_id)).filter((e) => e.action === 'child.view' && e.channel === 'api')
    assert.equal(views.length, 4)
    assert.ok(views.every((e) => e.reason_code === 'coordinating'))
  })

  test('a read without a reason is refused with an OperationOutcome', async () => {
    const res = await fetch(`${base}/Patient/${child.contactpoint_id}`, { headers: { authorization: `Bearer ${token}`, 'contactpoint-user-assertion': await cms.userAssertion(practitioner.user.username) } })
    assert.equal(res.status, 400)
    const body = await res.json() as Json
    assert.equal(body.resourceType, 'OperationOutcome')
    assertValid(body)
    const anonymous = await fetch(`${base}/Patient/${child.contactpoint_id}`)
    assert.equal(anonymous.status, 401)
  })

  test('AuditEvent search is for the authority\'s privacy officers', async () => {
    const events = await (await client(officer)).search({ resourceType: 'AuditEvent', searchParams: { entity: `Patient/${child.contactpoint_id}` } }) as Json
    assertValid(events)
    assert.ok((events.entry?.length ?? 0) >= 4)
    const refused = await fetch(`${base}/AuditEvent?entity=Patient/${child.contactpoint_id}`, { headers: { authorization: `Bearer ${token}`, 'contactpoint-user-assertion': await cms.userAssertion(practitioner.user.username) } })
    assert.equal(refused.status, 404, 'a user without the privacy officer\'s right is told there is no such child, as on the governance pages')
    assert.equal(TEST_CONTEXT.requestId, 'req-test')
  })
})
