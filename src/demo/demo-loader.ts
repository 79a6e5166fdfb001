// Loads the demo local authority: the synthetic generator's world (organisations, sources), demo
// users for each role, then the population arrives the way real data does — each source's feed
// file is written by the generator and loaded through the feed loader (validation, the linkage
// engine, survivorship) — and finally a few shielded addresses and cause-for-concern markers.
//
// A load that is interrupted resumes: the feed loader's checkpoints make the feeds part resumable,
// and the generator writes byte-identical files for the same seed, so the same loads are found.
import { createHash } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DatabaseHandle } from '../db/client.ts'
import type { NewOrganisation, OrganisationKind, ShieldReason } from '../db/schema.ts'
import { hashPassword } from '../people/passwords.ts'
import { createServices, type Services } from '../services.ts'
import { buildWorld } from '../synthetic/generator.ts'
import { writePopulation } from '../synthetic/output.ts'
import type { Authority, OrganisationKind as WorldOrganisationKind, World } from '../synthetic/world.ts'
import { DEMO_PASSWORD, DEMO_USERS, demoTotpSecret } from './demo-users.ts'
import { DemoRepository } from './demo.repository.ts'

const STATE_KEY = 'demo'
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
  /** children in the index so far (set when the feeds are loaded) */
  childrenLoaded: number
  startedAt: string
  loadedAt?: string
}

export interface DemoSummary {
  readonly authority: string
  /** children in the index after matching (the generator's true count may differ by the few the engine could not separate or join) */
  readonly children: number
  readonly sources: number
  readonly sourceRecords: number
  readonly rejected: number
  readonly review: number
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
  readonly #demo: DemoRepository

  constructor(database: DatabaseHandle, encryptionKey: Buffer) {
    this.#database = database
    this.#services = createServices(database, { encryptionKey })
    this.#demo = new DemoRepository(database.db)
  }

  /** True when the store holds no children and no demo load has begun. */
  async isEmpty(): Promise<boolean> {
    const state = await this.#services.repositories.systemState.get<DemoState>(STATE_KEY)
    return state === undefined && await this.#services.repositories.children.count() === 0
  }

  async isLoaded(): Promise<boolean> {
    return (await this.#services.repositories.systemState.get<DemoState>(STATE_KEY))?.status === 'loaded'
  }

  /** A load that was interrupted, if any: `load` resumes it. */
  async unfinished(): Promise<DemoState | undefined> {
    const state = await this.#services.repositories.systemState.get<DemoState>(STATE_KEY)
    return state?.status === 'loading' ? state : undefined
  }

  async load(options: { children: number; seed: number; onProgress?: (done: number, total: number) => void }): Promise<DemoSummary> {
    const started = performance.now()
    const previous = await this.unfinished()
    const children = previous?.children ?? options.children
    const seed = previous?.seed ?? options.seed
    const { world, authority } = previous ? demoWorld(children, seed) : await this.setUpWorld({ children, seed })

    // the feeds, as the sources would send them (byte-identical for the same seed: a resumed load finds its files again)
    const dir = join(tmpdir(), `contactpoint-demo-feeds-${children}-${seed}`)
    const population = await writePopulation({ children, seed, authorities: 1, outDir: dir, formats: ['jsonl'] })
    const estimatedLines = population.records
    const reports = await this.#services.feedLoader.loadGroup(world.sources.map((source) => ({
      sourceCode: source.code, path: join(dir, `${source.code}.jsonl`), kind: 'full' as const, channel: 'system' as const, actor: null, authorityCode: authority.code,
    })), (lines) => options.onProgress?.(Math.min(Math.round((lines / estimatedLines) * children), children), children))
    await rm(dir, { recursive: true, force: true })

    const authorityId = (await this.#services.repositories.organisations.findByCode(authority.code))?.id as string
    const extras = await this.#extras(authorityId, children)
    const count = await this.#services.repositories.children.count()
    const state = await this.#state()
    await this.#services.repositories.systemState.set(STATE_KEY, { ...state, childrenLoaded: count, status: 'loaded', loadedAt: new Date().toISOString() } satisfies DemoState)
    options.onProgress?.(children, children)
    await this.#services.repositories.audit.append({
      channel: 'system', action: 'demo.load', outcome: 'success', subjectType: 'organisation', subjectId: authorityId,
      details: { children: count, seed, resumed: previous !== undefined },
    })
    const totals = await this.#demo.totals()
    return {
      authority: authority.name, children: count, sources: world.sources.length, sourceRecords: totals.sourceRecords,
      rejected: reports.reduce((n, r) => n + r.rejected, 0), review: totals.openReviews, involvements: totals.involvements,
      shielded: extras.shielded, markers: extras.markers, users: DEMO_USERS.length, seconds: (performance.now() - started) / 1000,
    }
  }

  /**
   * The demo world without its children: organisations, data sources and demo users (enrolled).
   * `load` starts with this; the feeds benchmark uses it alone and then loads feeds of its own.
   */
  async setUpWorld(options: { children: number; seed: number }): Promise<{ world: World; authority: Authority }> {
    const { world, authority } = demoWorld(options.children, options.seed)
    await this.#setUp(world, authority, options)
    await this.#enrolDemoAuthenticators(options.seed)
    // the demo authority's postcode districts, so that responsibility follows a child who moves (lifecycle)
    const authorityId = (await this.#services.repositories.organisations.findByCode(authority.code))?.id as string
    await this.#services.repositories.lifecycle.upsertDistricts(authority.towns.flatMap((t) => t.districts).map((district) => ({ district, authorityId })), new Date())
    return { world, authority }
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
  async #setUp(world: World, authority: Authority, options: { children: number; seed: number }): Promise<void> {
    const { organisations, sources, users, systemState } = this.#services.repositories
    const hashes = await Promise.all(DEMO_USERS.map((u) => (u.kind === 'person' ? hashPassword(DEMO_PASSWORD) : Promise.resolve(null))))
    await this.#database.db.transaction().execute(async (trx) => {
      const top = world.organisations.filter((o) => o.authority === null || o.kind === 'local_authority')
      const topIds = await organisations.insertMany(top.map((o) => toOrganisation(o, undefined, world)), trx)
      const rest = world.organisations.filter((o) => !top.includes(o))
      const restIds = await organisations.insertMany(rest.map((o) => toOrganisation(o, topIds.get(o.authority as string)?.id, world)), trx)
      const orgIds = new Map([...topIds, ...restIds].map(([code, row]) => [code, row.id]))
      for (const source of world.sources) {
        const key = source.kind === 'national' ? source.code : 'local'
        await sources.insertSource({
          code: source.code, name: source.name, scope: source.kind, organisationId: orgIds.get(source.organisation) as string,
          authorityId: source.authority ? orgIds.get(source.authority) ?? null : null,
          supplies: ['identity', 'carers', 'involvements'], precedence: PRECEDENCE[key] ?? LOCAL_PRECEDENCE,
        }, trx)
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
      for (const [i, user] of DEMO_USERS.entries()) {
        await users.insert({
          username: user.username, display_name: user.displayName, job_title: user.jobTitle, kind: user.kind, status: 'active',
          organisation_id: orgIds.get(employer[user.organisationKind]) as string, password_hash: hashes[i] ?? null,
          dbs_checked_on: yearsAgo(1), training_completed_on: yearsAgo(1), agreement_signed_on: yearsAgo(1),
          access_channel: user.kind === 'system' ? (user.roles.includes('cms_client') ? 'cms' : 'none') : 'web',
          email: `${user.username}@demo.contactpoint.invalid`,
        }, user.roles.map((role) => ({ role, authorityId: role === 'national_admin' ? null : authorityId })), null, trx)
      }
      await systemState.set(STATE_KEY, {
        status: 'loading', children: options.children, seed: options.seed, authority: authority.name, childrenLoaded: 0, startedAt: new Date().toISOString(),
      } satisfies DemoState, trx)
    })
  }

  /**
   * Shielded addresses (everyone living at one is shielded) and cause-for-concern markers set by the
   * demo social worker, in one transaction; idempotent, so a resumed load may run it again.
   */
  async #extras(authorityId: string, children: number): Promise<{ shielded: number; markers: number }> {
    const oneIn = shieldOneIn(children)
    const markerUser = await this.#services.repositories.users.findByUsername('demo.social-worker')
    return this.#database.db.transaction().execute(async (trx) => {
      if (await this.#demo.extrasDone(trx)) return this.#demo.extrasCounts(trx)
      const addresses = await this.#demo.currentAddresses(trx)
      const shieldIds = addresses.filter((a) => hash(`${a.lines.join('|')}|${a.postcode ?? ''}`) % oneIn === 3).map((a) => a.child_id)
      await this.#demo.shield(shieldIds, (id) => SHIELD_REASONS[hash(id) % SHIELD_REASONS.length] ?? 'other_risk', addMonths(new Date().toISOString().slice(0, 10), 6), trx)
      const candidates = await this.#demo.socialCareContacts(authorityId, trx)
      const markers = candidates.filter((c) => hash(c.child_id) % MARKER_ONE_IN === 0)
      await this.#services.repositories.practice.insertMarkers(markers.map((m) => ({
        childId: m.child_id, organisationId: m.organisation_id, setByUserId: markerUser?.id as string,
        contactName: m.practitioner_name, contactPhone: m.phone, contactEmail: m.email,
      })), trx)
      const counts = { shielded: shieldIds.length, markers: markers.length }
      await this.#demo.markExtrasDone(counts, trx)
      return counts
    })
  }
}

function demoWorld(children: number, seed: number): { world: World; authority: Authority } {
  const world = buildWorld({ children, seed, authorities: 1 })
  return { world, authority: world.authorities[0] as Authority }
}

function toOrganisation(o: World['organisations'][number], authorityId: string | undefined, world: World): NewOrganisation {
  const authority = world.authorities.find((a) => a.code === o.code)
  return {
    code: o.code, name: o.name, kind: KIND[o.kind], authority_id: authority ? null : authorityId ?? null,
    la_number: authority ? String(authority.laNumber).padStart(3, '0') : null, ons_code: authority ? o.code : null,
    accreditation_status: 'accredited', accredited_at: new Date(), phone: o.phone, email: o.email,
    address: o.address ? [...o.address.lines, o.address.town].filter(Boolean).join(', ') : null, postcode: o.address?.postcode ?? null,
  }
}

function hash(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0)
}

function addMonths(iso: string, months: number): string {
  const date = new Date(`${iso}T00:00:00Z`)
  date.setUTCMonth(date.getUTCMonth() + months)
  return date.toISOString().slice(0, 10)
}

