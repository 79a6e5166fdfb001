// All SQL about child records: create with names, addresses and identifiers; read one record with
// everything the index holds about it. Callers (services) decide who may see what.
import { randomUUID } from 'node:crypto'
import type { Kysely, Transaction } from 'kysely'
import type { AddressStatus, Gender, ReturnIntent } from '../feeds/feed-record.ts'
import type { Child, ChildAddress, ChildName, Database } from '../db/schema.ts'
import { AppError } from '../errors.ts'
import { newContactPointId } from './contactpoint-id.ts'

export interface AddressInput {
  readonly lines: readonly string[]
  readonly town?: string | null
  readonly postcode?: string | null
  readonly validFrom?: string | null
  readonly validTo?: string | null
}

export interface NewChildInput {
  readonly givenName: string
  readonly middleNames?: string | null
  readonly familyName: string
  readonly gender: Gender
  readonly dateOfBirth: string
  readonly dateOfDeath?: string | null
  readonly addressStatus?: AddressStatus
  readonly returnIntent?: ReturnIntent | null
  readonly responsibleAuthorityId: string
  readonly shielded?: boolean
  readonly archiveDueOn: string
  readonly currentAddress?: AddressInput | null
  readonly previousAddresses?: readonly AddressInput[]
  readonly formerNames?: readonly { givenName?: string | null; middleNames?: string | null; familyName: string; usedUntil?: string | null }[]
  readonly identifiers?: readonly { scheme: 'nhs_number' | 'upn'; value: string; issuerOrganisationId: string; sourceRecordId?: string | null }[]
  /** Fixed ID for imports that must keep an existing one; otherwise a new random ID is allocated. */
  readonly contactPointId?: string
}

export interface ChildDetail {
  readonly child: Child
  readonly names: readonly ChildName[]
  readonly addresses: readonly ChildAddress[]
  readonly carers: readonly CarerRow[]
  readonly involvements: readonly InvolvementRow[]
  readonly markers: readonly MarkerRow[]
  readonly identifiers: readonly { scheme: string; value: string; issuer_organisation_id: string }[]
  readonly provenance: readonly ProvenanceRow[]
}

export interface CarerRow {
  id: string; given_name: string; family_name: string; relationship: string; parental_responsibility: boolean
  phone: string | null; email: string | null; address_lines: string[] | null; town: string | null; postcode: string | null
}
export interface InvolvementRow {
  id: string; service_type: string; organisation_id: string; organisation_name: string; organisation_phone: string | null
  practitioner_name: string | null; phone: string | null; email: string | null; started_on: string; ended_on: string | null
  is_lead_professional: boolean; holds_caf: boolean; is_sensitive: boolean; consent_basis: string | null
  source_code: string | null
}
export interface MarkerRow {
  id: string; organisation_name: string; contact_name: string; contact_phone: string | null; contact_email: string | null; set_at: Date
}
export interface ProvenanceRow {
  field: string; source_code: string | null; source_name: string | null; recorded_by_user_id: string | null; recorded_at: Date
}

const MAX_ID_ATTEMPTS = 5
/** Rows per INSERT: well under PostgreSQL's 65,535 bind parameters for any of these tables. */
const BATCH = 1000

export class ChildRepository {
  readonly #db: Kysely<Database>
  readonly #newId: () => string

  /** `newId` is replaceable so tests can force ID collisions. */
  constructor(db: Kysely<Database>, newId: () => string = newContactPointId) {
    this.#db = db
    this.#newId = newId
  }

  /** Creates a child with its names, addresses and identifiers in one transaction. */
  async create(input: NewChildInput, trx?: Transaction<Database>): Promise<Child> {
    if (trx) return insertChild(trx, input, this.#newId)
    return this.#db.transaction().execute((t) => insertChild(t, input, this.#newId))
  }

  /**
   * Creates many children with their names, addresses and identifiers in the caller's transaction.
   * Returns the rows in input order. Random IDs that collide are re-drawn for those rows only.
   */
  async createMany(inputs: readonly NewChildInput[], trx: Transaction<Database>): Promise<Child[]> {
    const ids = inputs.map(() => randomUUID())
    const created = new Map<string, Child>()
    let pending = inputs.map((input, index) => ({ input, index }))
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      if (attempt > MAX_ID_ATTEMPTS) throw new AppError('conflict', 'Could not allocate unique ContactPoint IDs')
      for (let i = 0; i < pending.length; i += BATCH) {
        const rows = await trx.insertInto('child')
          .values(pending.slice(i, i + BATCH).map(({ input, index }) => ({ id: ids[index], ...childColumns(input, this.#newId) })))
          .onConflict((oc) => oc.column('contactpoint_id').doNothing()).returningAll().execute()
        for (const row of rows) created.set(row.id, row)
      }
      pending = pending.filter(({ input, index }) => {
        if (created.has(ids[index] as string)) return false
        if (input.contactPointId) throw new AppError('conflict', 'A child with this ContactPoint ID already exists')
        return true
      })
    }
    const children = ids.map((id) => created.get(id) as Child)
    await insertRelated(trx, children.map((child, i) => ({ child, input: inputs[i] as NewChildInput })))
    return children
  }

  async findByContactPointId(contactPointId: string): Promise<Child | undefined> {
    return this.#db.selectFrom('child').selectAll().where('contactpoint_id', '=', contactPointId).executeTakeFirst()
  }

  async findById(id: string): Promise<Child | undefined> {
    return this.#db.selectFrom('child').selectAll().where('id', '=', id).executeTakeFirst()
  }

  async count(): Promise<number> {
    const row = await this.#db.selectFrom('child').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
    return Number(row.n)
  }

  /** Everything held about one child, for presenters to filter by what the viewer may see. */
  async detail(childId: string): Promise<ChildDetail | undefined> {
    const db = this.#db
    const child = await db.selectFrom('child').selectAll().where('id', '=', childId).executeTakeFirst()
    if (!child) return undefined
    const [names, addresses, carers, involvements, markers, identifiers, provenance] = await Promise.all([
      db.selectFrom('child_name').selectAll().where('child_id', '=', childId).orderBy('used_until', 'desc').execute(),
      db.selectFrom('child_address').selectAll().where('child_id', '=', childId)
        .orderBy('is_current', 'desc').orderBy('valid_to', 'desc').execute(),
      db.selectFrom('carer')
        .select(['id', 'given_name', 'family_name', 'relationship', 'parental_responsibility', 'phone', 'email', 'address_lines', 'town', 'postcode'])
        .where('child_id', '=', childId).orderBy('family_name').orderBy('given_name').execute(),
      db.selectFrom('involvement as i')
        .innerJoin('organisation as o', 'o.id', 'i.organisation_id')
        .leftJoin('source_record as sr', 'sr.id', 'i.source_record_id')
        .leftJoin('data_source as ds', 'ds.id', 'sr.source_id')
        .select([
          'i.id', 'i.service_type', 'i.organisation_id', 'o.name as organisation_name', 'o.phone as organisation_phone',
          'i.practitioner_name', 'i.phone', 'i.email', 'i.started_on', 'i.ended_on', 'i.is_lead_professional',
          'i.holds_caf', 'i.is_sensitive', 'i.consent_basis', 'ds.code as source_code',
        ])
        .where('i.child_id', '=', childId).orderBy('i.ended_on', 'desc').orderBy('i.started_on', 'desc').execute(),
      db.selectFrom('concern_marker as m')
        .innerJoin('organisation as o', 'o.id', 'm.organisation_id')
        .select(['m.id', 'o.name as organisation_name', 'm.contact_name', 'm.contact_phone', 'm.contact_email', 'm.set_at'])
        .where('m.child_id', '=', childId).where('m.removed_at', 'is', null).orderBy('m.set_at').execute(),
      db.selectFrom('child_identifier').select(['scheme', 'value', 'issuer_organisation_id'])
        .where('child_id', '=', childId).orderBy('scheme').execute(),
      db.selectFrom('field_provenance as p')
        .leftJoin('data_source as ds', 'ds.id', 'p.source_id')
        .select(['p.field', 'ds.code as source_code', 'ds.name as source_name', 'p.recorded_by_user_id', 'p.recorded_at'])
        .where('p.child_id', '=', childId).orderBy('p.field').execute(),
    ])
    return { child, names, addresses, carers, involvements, markers, identifiers, provenance }
  }
}

async function insertChild(trx: Transaction<Database>, input: NewChildInput, newId: () => string): Promise<Child> {
  const child = await insertWithFreshId(trx, input, newId)
  await insertRelated(trx, [{ child, input }])
  return child
}

async function insertRelated(trx: Transaction<Database>, pairs: readonly { child: Child; input: NewChildInput }[]): Promise<void> {
  const names = pairs.flatMap(({ child, input }) => (input.formerNames ?? []).map((n) => ({
    child_id: child.id, kind: 'former' as const, given_name: n.givenName ?? null, middle_names: n.middleNames ?? null,
    family_name: n.familyName, used_until: n.usedUntil ?? null,
  })))
  const addresses = pairs.flatMap(({ child, input }) => [
    ...(input.currentAddress ? [{ ...input.currentAddress, isCurrent: true }] : []),
    ...(input.previousAddresses ?? []).map((a) => ({ ...a, isCurrent: false })),
  ].map((a) => ({
    child_id: child.id, lines: [...a.lines], town: a.town ?? null, postcode: a.postcode ?? null,
    is_current: a.isCurrent, valid_from: a.validFrom ?? null, valid_to: a.validTo ?? null,
  })))
  const identifiers = pairs.flatMap(({ child, input }) => (input.identifiers ?? []).map((i) => ({
    child_id: child.id, scheme: i.scheme, value: i.value, issuer_organisation_id: i.issuerOrganisationId,
    source_record_id: i.sourceRecordId ?? null,
  })))
  for (let i = 0; i < names.length; i += BATCH) await trx.insertInto('child_name').values(names.slice(i, i + BATCH)).execute()
  for (let i = 0; i < addresses.length; i += BATCH) await trx.insertInto('child_address').values(addresses.slice(i, i + BATCH)).execute()
  for (let i = 0; i < identifiers.length; i += BATCH) {
    await trx.insertInto('child_identifier').values(identifiers.slice(i, i + BATCH)).onConflict((oc) => oc.doNothing()).execute()
  }
}

function childColumns(input: NewChildInput, newId: () => string) {
  return {
    contactpoint_id: input.contactPointId ?? newId(),
    given_name: input.givenName,
    middle_names: input.middleNames ?? null,
    family_name: input.familyName,
    gender: input.gender,
    date_of_birth: input.dateOfBirth,
    date_of_death: input.dateOfDeath ?? null,
    address_status: input.addressStatus ?? 'current',
    return_intent: input.returnIntent ?? null,
    responsible_authority_id: input.responsibleAuthorityId,
    shielded: input.shielded ?? false,
    archive_due_on: input.archiveDueOn,
    replaced_by_id: null,
    retention_extended_to: null,
    retention_extension_basis: null,
    archived_at: null,
    delete_due_on: null,
  }
}

/** Random IDs can collide (rarely): ON CONFLICT DO NOTHING keeps the transaction usable for a retry. */
async function insertWithFreshId(trx: Transaction<Database>, input: NewChildInput, newId: () => string): Promise<Child> {
  for (let attempt = 1; attempt <= MAX_ID_ATTEMPTS; attempt += 1) {
    const row = await trx.insertInto('child').values(childColumns(input, newId))
      .onConflict((oc) => oc.column('contactpoint_id').doNothing()).returningAll().executeTakeFirst()
    if (row) return row
    if (input.contactPointId) throw new AppError('conflict', 'A child with this ContactPoint ID already exists')
  }
  throw new AppError('conflict', 'Could not allocate a unique ContactPoint ID')
}
