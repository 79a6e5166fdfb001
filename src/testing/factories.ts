// Builders for test data: each test creates exactly what it needs. Synthetic values only.
import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import { ChildRepository, type NewChildInput } from '../children/child.repository.ts'
import type { Child, Database, NewOrganisation, Organisation } from '../db/schema.ts'
import { OrganisationRepository } from '../people/organisation.repository.ts'

const unique = (): string => randomBytes(4).toString('hex')

export async function buildAuthority(db: Kysely<Database>, overrides: Partial<NewOrganisation> = {}): Promise<Organisation> {
  return new OrganisationRepository(db).insert({
    code: `LA-${unique()}`, name: 'Testshire County Council', kind: 'local_authority',
    la_number: String(100 + Math.floor(Math.random() * 900)), accreditation_status: 'accredited', ...overrides,
  })
}

export async function buildOrganisation(db: Kysely<Database>, authority: Organisation, overrides: Partial<NewOrganisation> = {}): Promise<Organisation> {
  return new OrganisationRepository(db).insert({
    code: `ORG-${unique()}`, name: 'Meadow Lane Primary School', kind: 'school', authority_id: authority.id,
    accreditation_status: 'accredited', phone: '01632 960001', ...overrides,
  })
}

export async function buildChild(db: Kysely<Database>, authority: Organisation, overrides: Partial<NewChildInput> = {}): Promise<Child> {
  return new ChildRepository(db).create({
    givenName: 'Amelia', familyName: 'Testcase', gender: 'female', dateOfBirth: '2015-03-14',
    responsibleAuthorityId: authority.id, archiveDueOn: '2033-03-14', ...overrides,
  })
}
