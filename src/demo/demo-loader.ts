// Loads the demo local authority: the synthetic generator's world (organisations, sources) and
// population (children, carers, involvements, every source's records linked to their child), with
// a demo user for each role, a few shielded households and some cause-for-concern markers.
//
// Child records here are built from the generator's ground truth and each source record is linked
// to its true child ('demo_truth'); loading through the real feed and linkage path replaces this
// once feeds exist. Work is committed in batches, each with a checkpoint, so a load that is
// interrupted resumes where it stopped: no child is lost or loaded twice.
import { createHash } from 'node:crypto'
import type { NewChildInput } from '../children/child.repository.ts'
import { archiveDueOn } from '../children/lifecycle.ts'
import type { DatabaseHandle } from '../db/client.ts'
import type { NewOrganisation, NewSourceRecord, OrganisationKind, ProvenanceField, ShieldReason } from '../db/schema.ts'
import { SENSITIVE_SERVICE_TYPES, type FeedChild } from '../feeds/feed-record.ts'
import { hashPassword } from '../people/passwords.ts'
import { createServices, type Services } from '../services.ts'
import { buildWorld, generateHouseholds, type GeneratedHousehold } from '../synthetic/generator.ts'
import type { TrueChild } from '../synthetic/population.ts'
import type { Authority, OrganisationKind as WorldOrganisationKind, World } from '../synthetic/world.ts'
import { DEMO_PASSWORD, DEMO_USERS, demoTotpSecret } from './demo-users.ts'

const STATE_KEY = 'demo'
const BATCH_CHILDREN = 500
/**
 * About one address in this many is shielded, with every child living there: a shield protects an
 * address, so no child at it may show it. Smaller demos shield a larger share so that there are
 * always a few shielded children to see.
 */
const shieldOneIn = (children: number): number => Math.max(25, Math.min(400, Math.round(children / 50)))
const MARKER_ONE_IN = 5

interface DemoState {
  status: 'loading' | 'loaded'
  children: number
  seed: number
  authority: string
  nextHousehold: number
  childrenLoaded: number
  startedAt: string
  loadedAt?: string
}

export interface DemoSummary {
  readonly authority: string
  readonly children: number
  readonly households: number
  readonly sources: number
  readonly sourceRecords: number
  readonly involvements: number
  readonly shielded: number
  readonly markers: number
  readonly users: number
  readonly seconds: number
}

/** Field precedence of each source (higher wins), by source key; local sources rank below national ones. */
const PRECEDENCE: Record<string, number> = {
  'gro-births': 95, 'nhs-pds': 90, 'dfe-school-census': 85, 'dwp-child-benefit': 80, 'home-office': 70,
}
const LOCAL_PRECEDENCE = 50

const KIND: Record<WorldOrganisationKind, OrganisationKind> = {
  national_body: 'national_body', local_authority: 'local_authority', primary_school: 'school', secondary_school: 'school',
  early_years_setting: 'early_years', further_education_college: 'further_education', gp_practice: 'gp_practice',
  health_team: 'health_service', childrens_social_care: 'social_care', youth_offending_team: 'youth_offending',
  youth_service: 'youth_service', voluntary_organisation: 'voluntary', sexual_health_service: 'health_service',
  mental_health_service: 'health_service', substance_misuse_service: 'health_service',
}

const SHIELD_REASONS: readonly ShieldReason[] = ['domestic_violence', 'witness_protection', 'adoption']

export class DemoLoader {
  readonly #database: DatabaseHandle
  readonly #services: Services

  constructor(database: DatabaseHandle, encryptionKey: Buffer) {
    this.#database = database
    this.#services = createServices(database, { encryptionKey })
  }

  /** True when the store holds no children and no demo load has begun. */
  async isEmpty(): Promise<boolean> {
    const state = await this.#services.repositories.systemState.get<DemoState>(STATE_KEY)
    return state === undefined && await this.#services.repositories.children.count() === 0
  }

  async isLoaded(): Promise<boolean> {
    return (await this.#services.repositories.systemState.get<DemoState>(STATE_KEY))?.status === 'loaded'
  }

  /** A load that was interrupted, if any: `start` resumes it. */
  async unfinished(): Promise<DemoState | undefined> {
    const state = await this.#services.repositories.systemState.get<DemoState>(STATE_KEY)
    return state?.status === 'loading' ? state : undefined
  }

  async load(options: { children: number; seed: number; onProgress?: (done: number, total: number) => void }): Promise<DemoSummary> {
    const started = performance.now()
    const previous = await this.unfinished()
    const children = previous?.children ?? options.children
    const seed = previous?.seed ?? options.seed
    const world = buildWorld({ children, seed, authorities: 1 })
    const authority = world.authorities[0] as Authority
    const ids = previous ? await this.#existingIds(world) : await this.#setUp(world, authority, { children, seed })
    if (!previous) await this.#enrolDemoAuthenticators(seed)
    const state = previous ?? await this.#state()

    let batch: GeneratedHousehold[] = []
    let inBatch = 0
    let index = 0
    const counts = { households: 0, sourceRecords: 0, involvements: 0, shielded: 0, markers: 0 }
    for (const household of generateHouseholds(world)) {
      index += 1
      if (index <= state.nextHousehold) continue // committed by an earlier, interrupted run
      batch.push(household)
      inBatch += household.children.length
      if (inBatch >= BATCH_CHILDREN) {
        await this.#loadBatch(batch, index, ids, counts)
        options.onProgress?.((await this.#state()).childrenLoaded, children)
        batch = []
        inBatch = 0
      }
    }
    if (batch.length) await this.#loadBatch(batch, index, ids, counts)
    const final = await this.#state()
    await this.#services.repositories.systemState.set(STATE_KEY, { ...final, status: 'loaded', loadedAt: new Date().toISOString() })
    options.onProgress?.(final.childrenLoaded, children)
    await this.#services.repositories.audit.append({
      channel: 'system', action: 'demo.load', outcome: 'success', subjectType: 'organisation', subjectId: ids.authorityId,
      details: { children: final.childrenLoaded, seed, resumed: previous !== undefined },
    })
    return {
      authority: authority.name, children: final.childrenLoaded, households: counts.households, sources: world.sources.length,
      sourceRecords: counts.sourceRecords, involvements: counts.involvements, shielded: counts.shielded, markers: counts.markers,
      users: DEMO_USERS.length, seconds: (performance.now() - started) / 1000,
    }
  }

  /** Demo people are enrolled at once (see demoTotpSecret); real users enrol by invitation. */
  async #enrolDemoAuthenticators(seed: number): Promise<void> {
    for (const demo of DEMO_USERS.filter((u) => u.kind === 'person')) {
      const user = await this.#services.repositories.users.findByUsername(demo.username)
      if (user) await this.#services.signIn.enrolTotpSecret(user.id, demoTotpSecret(demo.username, seed))
    }
  }

  async #state(): Promise<DemoState> {
    const state = await this.#services.repositories.systemState.get<DemoState>(STATE_KEY)
    if (!state) throw new Error('demo state missing')
    return state
  }

  /** Organisations, sources and demo users, with the first checkpoint, in one transaction. */
  async #setUp(world: World, authority: Authority, options: { children: number; seed: number }): Promise<LoadIds> {
    const { organisations, sources, users, systemState } = this.#services.repositories
    const hashes = await Promise.all(DEMO_USERS.map((u) => (u.kind === 'person' ? hashPassword(DEMO_PASSWORD) : Promise.resolve(null))))
    return this.#database.db.transaction().execute(async (trx) => {
      const top = world.organisations.filter((o) => o.authority === null || o.kind === 'local_authority')
      const topIds = await organisations.insertMany(top.map((o) => toOrganisation(o, undefined, world)), trx)
      const rest = world.organisations.filter((o) => !top.includes(o))
      const restIds = await organisations.insertMany(rest.map((o) => toOrganisation(o, topIds.get(o.authority as string)?.id, world)), trx)
      const orgIds = new Map([...topIds, ...restIds].map(([code, row]) => [code, row.id]))
      const sourceIds = new Map<string, { id: string; precedence: number }>()
      for (const source of world.sources) {
        const key = source.kind === 'national' ? source.code : 'local'
        const precedence = PRECEDENCE[key] ?? LOCAL_PRECEDENCE
        const row = await sources.insertSource({
          code: source.code, name: source.name, scope: source.kind, organisationId: orgIds.get(source.organisation) as string,
          authorityId: source.authority ? orgIds.get(source.authority) ?? null : null,
          supplies: source.kind === 'national' ? ['identity', 'involvements'] : ['identity', 'carers', 'involvements'], precedence,
        }, trx)
        sourceIds.set(source.code, { id: row.id, precedence })
      }
      const authorityId = orgIds.get(authority.code) as string
      const today = new Date().toISOString().slice(0, 10)
      const yearsAgo = (years: number) => `${Number(today.slice(0, 4)) - years}${today.slice(4)}`
      const employer: Record<(typeof DEMO_USERS)[number]['organisationKind'], string> = {
        local_authority: authority.code,
        school: authority.organisations.primarySchools[0]?.code ?? authority.code,
        health_service: authority.organisations.health.code,
        social_care: authority.organisations.socialCare.code,
        national_body: 'DFE',
      }
      const userIds = new Map<string, string>()
      for (const [i, user] of DEMO_USERS.entries()) {
        const row = await users.insert({
          username: user.username, display_name: user.displayName, job_title: user.jobTitle, kind: user.kind, status: 'active',
          organisation_id: orgIds.get(employer[user.organisationKind]) as string, password_hash: hashes[i] ?? null,
          dbs_checked_on: yearsAgo(1), training_completed_on: yearsAgo(1), agreement_signed_on: yearsAgo(1),
          access_channel: user.kind === 'system' ? (user.roles.includes('cms_client') ? 'cms' : 'none') : 'web',
          email: `${user.username}@demo.contactpoint.invalid`,
        }, user.roles.map((role) => ({ role, authorityId: role === 'national_admin' ? null : authorityId })), null, trx)
        userIds.set(user.username, row.id)
      }
      await systemState.set(STATE_KEY, {
        status: 'loading', children: options.children, seed: options.seed, authority: authority.name,
        nextHousehold: 0, childrenLoaded: 0, startedAt: new Date().toISOString(),
      } satisfies DemoState, trx)
      return { shieldOneIn: shieldOneIn(options.children), authorityId, orgIds, sourceIds, markerUserId: userIds.get('demo.social-worker') as string }
    })
  }

  async #existingIds(world: World): Promise<LoadIds> {
    const { organisations, sources, users } = this.#services.repositories
    const authority = world.authorities[0] as Authority
    const orgIds = new Map<string, string>()
    for (const o of world.organisations) orgIds.set(o.code, (await organisations.findByCode(o.code))?.id as string)
    const sourceIds = new Map((await sources.listSources()).map((s) => [s.code, { id: s.id, precedence: s.precedence }]))
    const markerUser = await users.findByUsername('demo.social-worker')
    return { shieldOneIn: shieldOneIn(world.options.children), authorityId: orgIds.get(authority.code) as string, orgIds, sourceIds, markerUserId: markerUser?.id as string }
  }

  async #loadBatch(batch: readonly GeneratedHousehold[], nextHousehold: number, ids: LoadIds, counts: Counts): Promise<void> {
    const { children, sources, practice, systemState } = this.#services.repositories
    await this.#database.db.transaction().execute(async (trx) => {
      const truths = batch.flatMap((h) => h.children.map((child) => ({ child, shielded: isShieldedAddress(child, ids.shieldOneIn) })))
      const created = await children.createMany(truths.map(({ child, shielded }) => toChildInput(child, shielded, ids)), trx)
      const childIdByKey = new Map(truths.map(({ child }, i) => [child.key, created[i]?.id as string]))

      const records = batch.flatMap((h) => h.records)
      const rows = await sources.insertRecords(records.map((r) => toSourceRecord(r.record.record_id, r.record.child, ids.sourceIds.get(r.source)?.id as string, r.record)), trx)
      await sources.insertLinks(rows.map((row, i) => ({ sourceRecordId: row.id, childId: childIdByKey.get(records[i]?.child as string) as string, state: 'linked' as const, decidedBy: 'demo_truth' as const })), trx)
      const recordsByChild = new Map<string, { r: (typeof records)[number]; row: (typeof rows)[number] }[]>()
      records.forEach((r, i) => {
        const row = rows[i]
        if (row && r.record.child) recordsByChild.set(r.child, [...(recordsByChild.get(r.child) ?? []), { r, row }])
      })
      await sources.recordProvenance(truths.flatMap(({ child }) => provenanceOf(child, recordsByChild.get(child.key) ?? [], ids)
        .map((p) => ({ ...p, childId: childIdByKey.get(child.key) as string }))), trx)

      await practice.insertCarers(truths.flatMap(({ child }) => child.carers.map((c) => ({
        child_id: childIdByKey.get(child.key) as string, given_name: c.given_name, family_name: c.family_name, relationship: c.relationship,
        parental_responsibility: c.parental_responsibility, phone: c.phone ?? null, email: c.email ?? null,
        address_lines: c.address?.lines ?? null, town: c.address?.town ?? null, postcode: c.address?.postcode ?? null, source_record_id: null,
      }))), trx)
      const involvements = truths.flatMap(({ child }) => child.involvements.map((i) => ({
        child_id: childIdByKey.get(child.key) as string, service_type: i.service_type, organisation_id: ids.orgIds.get(i.organisation_code) as string,
        practitioner_user_id: null, practitioner_name: i.practitioner_name ?? null, phone: i.phone ?? null, email: i.email ?? null,
        started_on: i.started_on, ended_on: i.ended_on ?? null, is_lead_professional: i.lead_professional ?? false, holds_caf: i.holds_caf ?? false,
        is_sensitive: SENSITIVE_SERVICE_TYPES.includes(i.service_type), consent_basis: i.consent_basis ?? null,
        source_record_id: null, supplier_involvement_id: null, created_by_user_id: null,
      })))
      await practice.insertInvolvements(involvements, trx)
      const markers = truths.flatMap(({ child }) => child.involvements
        .filter((i) => i.service_type === 'childrens_social_care' && !i.ended_on && i.practitioner_name && hash(child.key) % MARKER_ONE_IN === 0)
        .slice(0, 1).map((i) => ({
          childId: childIdByKey.get(child.key) as string, organisationId: ids.orgIds.get(i.organisation_code) as string,
          setByUserId: ids.markerUserId, contactName: i.practitioner_name as string, contactPhone: i.phone ?? null, contactEmail: i.email ?? null,
        })))
      await practice.insertMarkers(markers, trx)
      const shields = truths.filter((t) => t.shielded).map(({ child }) => ({
        childId: childIdByKey.get(child.key) as string, reason: SHIELD_REASONS[hash(child.household) % SHIELD_REASONS.length] ?? 'other_risk' as const,
        decidedByUserId: null, reviewDueOn: addMonths(new Date().toISOString().slice(0, 10), 6),
      }))
      await this.#services.repositories.shields.insertDecisions(shields, trx)

      const state = await systemState.get<DemoState>(STATE_KEY, trx) as DemoState
      await systemState.set(STATE_KEY, { ...state, nextHousehold, childrenLoaded: state.childrenLoaded + truths.length } satisfies DemoState, trx)
      counts.households += batch.length
      counts.sourceRecords += rows.length
      counts.involvements += involvements.length
      counts.shielded += shields.length
      counts.markers += markers.length
    })
  }
}

interface LoadIds {
  readonly shieldOneIn: number
  readonly authorityId: string
  readonly orgIds: ReadonlyMap<string, string>
  readonly sourceIds: ReadonlyMap<string, { id: string; precedence: number }>
  readonly markerUserId: string
}
type Counts = { households: number; sourceRecords: number; involvements: number; shielded: number; markers: number }

function toOrganisation(o: World['organisations'][number], authorityId: string | undefined, world: World): NewOrganisation {
  const authority = world.authorities.find((a) => a.code === o.code)
  return {
    code: o.code, name: o.name, kind: KIND[o.kind], authority_id: authority ? null : authorityId ?? null,
    la_number: authority ? String(authority.laNumber).padStart(3, '0') : null, ons_code: authority ? o.code : null,
    accreditation_status: 'accredited', accredited_at: new Date(), phone: o.phone, email: o.email,
    address: o.address ? [...o.address.lines, o.address.town].filter(Boolean).join(', ') : null, postcode: o.address?.postcode ?? null,
  }
}

function toChildInput(child: TrueChild, shielded: boolean, ids: LoadIds): NewChildInput {
  const status = child.address.status
  return {
    givenName: child.given_name, middleNames: child.middle_names, familyName: child.family_name, gender: child.gender,
    dateOfBirth: child.date_of_birth, dateOfDeath: child.date_of_death, addressStatus: status,
    returnIntent: status === 'left_england' ? child.address.return_intent ?? 'unknown' : null,
    responsibleAuthorityId: ids.authorityId, shielded, archiveDueOn: archiveDueOn(child.date_of_birth),
    currentAddress: status === 'no_known_address' || child.address.lines.length === 0 ? null
      : { lines: child.address.lines, town: child.address.town ?? null, postcode: child.address.postcode ?? null, validFrom: child.moved_on },
    previousAddresses: child.previous_address && child.previous_address.lines.length
      ? [{ lines: child.previous_address.lines, town: child.previous_address.town ?? null, postcode: child.previous_address.postcode ?? null, validTo: child.moved_on }]
      : [],
    formerNames: child.former_family_names.map((familyName) => ({ familyName })),
    identifiers: [
      ...(child.nhs_number ? [{ scheme: 'nhs_number' as const, value: child.nhs_number, issuerOrganisationId: ids.orgIds.get('NHSE') as string }] : []),
      ...(child.upn ? [{ scheme: 'upn' as const, value: child.upn, issuerOrganisationId: ids.orgIds.get('DFE') as string }] : []),
    ],
  }
}

function toSourceRecord(recordId: string, child: FeedChild | undefined, sourceId: string, payload: unknown): NewSourceRecord {
  const json = JSON.stringify(payload)
  return {
    source_id: sourceId, record_id: recordId, given_name: child?.given_name ?? null, middle_names: child?.middle_names ?? null,
    family_name: child?.family_name ?? null, former_family_names: [...(child?.former_family_names ?? [])],
    date_of_birth: child?.date_of_birth ?? null, date_of_death: child?.date_of_death ?? null, gender: child?.gender ?? null,
    address_lines: child?.address?.lines ?? null, town: child?.address?.town ?? null, postcode: child?.address?.postcode ?? null,
    address_status: child?.address?.status ?? null, return_intent: child?.address?.return_intent ?? null,
    nhs_number: child?.nhs_number && /^\d{10}$/.test(child.nhs_number) ? child.nhs_number : null,
    upn: child?.upn && /^[A-Z]\d{11}[0-9A-Z]$/.test(child.upn) ? child.upn : null,
    payload: json, content_hash: createHash('sha256').update(json).digest('hex'), deleted_at: null,
  }
}

const PROVENANCE: readonly [ProvenanceField, (c: TrueChild | FeedChild) => unknown][] = [
  ['given_name', (c) => c.given_name], ['middle_names', (c) => c.middle_names ?? null], ['family_name', (c) => c.family_name],
  ['gender', (c) => c.gender ?? null], ['date_of_birth', (c) => c.date_of_birth], ['date_of_death', (c) => c.date_of_death ?? null],
  ['address', (c) => c.address?.postcode ?? null], ['address_status', (c) => c.address?.status ?? null],
]

/** For each field, the highest-precedence source whose record agrees with the value shown. */
function provenanceOf(child: TrueChild, own: { r: GeneratedHousehold['records'][number]; row: { id: string; source_id: string } }[], ids: LoadIds) {
  const ranked = [...own].sort((a, b) => (ids.sourceIds.get(b.r.source)?.precedence ?? 0) - (ids.sourceIds.get(a.r.source)?.precedence ?? 0))
  return PROVENANCE.flatMap(([field, value]) => {
    const truth = value(child)
    const agreeing = ranked.find(({ r }) => value(r.record.child as FeedChild) === truth) ?? ranked[0]
    return agreeing ? [{ field, sourceRecordId: agreeing.row.id, sourceId: agreeing.row.source_id }] : []
  })
}

function isShieldedAddress(child: TrueChild, oneIn: number): boolean {
  return child.address.lines.length > 0 && hash([...child.address.lines, child.address.postcode].join('|')) % oneIn === 3
}

function hash(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0)
}

function addMonths(iso: string, months: number): string {
  const date = new Date(`${iso}T00:00:00Z`)
  date.setUTCMonth(date.getUTCMonth() + months)
  return date.toISOString().slice(0, 10)
}

