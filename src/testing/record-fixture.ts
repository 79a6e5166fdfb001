// A child with everything a record can hold — former name, address, carers, a school, a GP, a
// social worker who is lead professional and holds a CAF, an ended involvement, a sensitive
// service, a cause-for-concern marker and field sources — for record tests. Synthetic values only.
import type { Kysely } from 'kysely'
import type { Child, Database, NewInvolvement, Organisation } from '../db/schema.ts'
import { buildChild, buildOrganisation } from './factories.ts'

export interface RecordFixture {
  readonly child: Child
  readonly school: Organisation
  readonly gp: Organisation
  readonly socialCare: Organisation
  readonly clinic: Organisation
}

export async function buildRecordFixture(db: Kysely<Database>, authority: Organisation, markerSetBy: string, overrides: Parameters<typeof buildChild>[2] = {}): Promise<RecordFixture> {
  const school = await buildOrganisation(db, authority, { name: 'Meadow Lane Primary School', phone: '01632 960001', email: 'office@meadow.example' })
  const gp = await buildOrganisation(db, authority, { name: 'Riverside Surgery', kind: 'gp_practice', phone: '01632 960002' })
  const socialCare = await buildOrganisation(db, authority, { name: 'Northshire Children\'s Services', kind: 'social_care', phone: '01632 960003' })
  const clinic = await buildOrganisation(db, authority, { name: 'Brook Street Sexual Health Clinic', kind: 'health_service', phone: '01632 960099' })
  const child = await buildChild(db, authority, {
    givenName: 'Maisie', middleNames: 'Rose', familyName: 'Thornbury', gender: 'female', dateOfBirth: '2016-05-20',
    formerNames: [{ familyName: 'Kettlewell', usedUntil: '2020-01-31' }],
    currentAddress: { lines: ['14 Orchard Way'], town: 'Northtown', postcode: 'NM3 4EF' },
    ...overrides,
  })
  await db.insertInto('carer').values([
    { child_id: child.id, given_name: 'Joanne', family_name: 'Thornbury', relationship: 'mother', parental_responsibility: true, phone: '07700 900111', email: 'jo@example.invalid', address_lines: null, town: null, postcode: null, source_record_id: null },
  ]).execute()
  const involvement = (values: Pick<NewInvolvement, 'service_type' | 'organisation_id' | 'started_on'> & Partial<NewInvolvement>): NewInvolvement => ({
    child_id: child.id, practitioner_user_id: null, email: null, ended_on: null, is_lead_professional: false, holds_caf: false, is_sensitive: false,
    consent_basis: null, source_record_id: null, supplier_involvement_id: null, created_by_user_id: null, phone: null, practitioner_name: null, ...values,
  })
  await db.insertInto('involvement').values([
    involvement({ service_type: 'school', organisation_id: school.id, practitioner_name: 'Ms Priya Shah', started_on: '2021-09-01' }),
    involvement({ service_type: 'gp_practice', organisation_id: gp.id, started_on: '2016-06-01' }),
    involvement({ service_type: 'childrens_social_care', organisation_id: socialCare.id, practitioner_name: 'Daniel Okoro', phone: '01632 960777', email: 'd.okoro@northshire.example', started_on: '2025-02-01', is_lead_professional: true, holds_caf: true }),
    involvement({ service_type: 'health_visitor', organisation_id: socialCare.id, practitioner_name: 'Beth Marlow', started_on: '2016-06-01', ended_on: '2021-05-20' }),
    involvement({ service_type: 'sexual_health', organisation_id: clinic.id, practitioner_name: 'Dr Secret Clinician', started_on: '2025-06-01', is_sensitive: true, consent_basis: 'consent' }),
  ]).execute()
  await db.insertInto('concern_marker').values({
    child_id: child.id, organisation_id: socialCare.id, set_by_user_id: markerSetBy, contact_name: 'Daniel Okoro', contact_phone: '01632 960777',
    contact_email: null, removed_at: null, removed_by_user_id: null,
  }).execute()
  const source = await db.insertInto('data_source').values({
    code: `nhs-pds-${child.contactpoint_id}`, name: 'NHS Personal Demographics Service', scope: 'national', organisation_id: gp.id, authority_id: null,
  }).returning('id').executeTakeFirstOrThrow()
  await db.insertInto('field_provenance').values(['given_name', 'family_name', 'date_of_birth', 'address'].map((field) => ({
    child_id: child.id, field: field as 'given_name', source_record_id: null, source_id: source.id, recorded_by_user_id: null,
  }))).execute()
  return { child, school, gp, socialCare, clinic }
}
