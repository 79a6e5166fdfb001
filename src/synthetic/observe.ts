// What each source holds about a child: which sources see the child (coverage), and the record
// each writes, with the errors of its profile. One record's randomness is keyed by
// (seed, source, child, copy), so a source's records do not shift when another source changes.

import type { FeedAddress, FeedCarer, FeedChild, FeedRecord } from '../feeds/feed-record.ts'
import { dayNumber, yearGroup, yearsBetween } from './dates.ts'
import { recordId } from './identifiers.ts'
import {
  caseNoise, dateDigitError, doubleBarrelVariant, identifierTypo, nickname, spellingVariant, stripDiacritics, swapDayMonth, typo,
} from './noise.ts'
import type { Household, HouseholdInfo, TrueChild } from './population.ts'
import { hash32, Rng } from './prng.ts'
import type { ErrorKind, SourceProfile } from './sources.ts'
import { SOURCE_PROFILES, sourceCode } from './sources.ts'
import type { Authority, World } from './world.ts'

export interface SourceRecord {
  readonly source: string
  /** The true child's key: the ground truth for this record. */
  readonly child: string
  readonly record: FeedRecord
  /** The errors this record carries (empty for a faithful record). */
  readonly errors: readonly ErrorKind[]
}

/** A newborn is registered as "Baby" until named: the first six weeks. */
const NEWBORN_DAYS = 42
const RECENT_ARRIVAL_YEARS = 3

function eligible(profile: SourceProfile, child: TrueChild, referenceDate: string): boolean {
  switch (profile.eligibility) {
    case 'child_benefit': {
      const age = yearsBetween(child.date_of_birth, referenceDate)
      const inEducation = child.involvements.some((i) => i.service_type === 'school' || i.service_type === 'further_education')
      return child.carers.every((c) => c.relationship !== 'foster_carer') && (age < 16 || inEducation)
    }
    case 'nhs_registered':
      return child.nhs_number !== null
    case 'state_pupil': {
      const group = yearGroup(child.date_of_birth, referenceDate)
      return group >= 0 && group <= 11 && child.involvements.some((i) => i.service_type === 'school')
    }
    case 'born_in_england':
      return child.born_in_england
    case 'recent_arrival':
      return child.arrived_on !== null && yearsBetween(child.arrived_on, referenceDate) < RECENT_ARRIVAL_YEARS
    case 'service':
      return child.involvements.some((i) => profile.services.includes(i.service_type))
  }
}

export interface Coverage {
  readonly profile: SourceProfile
  readonly source: string
}

/** The sources that hold the child. Every child is held by at least one. */
export function coverageOf(world: World, authority: Authority, household: HouseholdInfo, child: TrueChild): Coverage[] {
  const { seed, referenceDate } = world.options
  const held: Coverage[] = []
  for (const profile of SOURCE_PROFILES) {
    if (!eligible(profile, child, referenceDate)) continue
    const unit = profile.unit === 'household' ? `H${household.index}` : child.key
    if (profile.coverage < 1 && !new Rng(seed, 'coverage', profile.key, unit).chance(profile.coverage)) continue
    held.push({ profile, source: sourceCode(profile, authority) })
  }
  if (held.length === 0) {
    // Children no universal source has found are those the Home Office or the NHS knows of.
    const fallback = SOURCE_PROFILES.find((p) => p.key === (child.nhs_number === null ? 'home-office' : 'nhs-pds'))
    if (!fallback) throw new Error('the fallback sources are missing from SOURCE_PROFILES')
    held.push({ profile: fallback, source: sourceCode(fallback, authority) })
  }
  return held
}

class ErrorLog {
  readonly kinds: ErrorKind[] = []
  private readonly rng: Rng
  private readonly rates: SourceProfile['errors']

  constructor(rng: Rng, rates: SourceProfile['errors']) {
    this.rng = rng
    this.rates = rates
  }

  /**
   * Makes the error with the kind's rate. `make` returns the erroneous value, or undefined where the
   * error cannot apply; the error is logged only if it changed the value.
   */
  try<T>(kind: ErrorKind, value: T, make: () => T | undefined): T {
    const rate = this.rates[kind] ?? 0
    if (rate === 0 || !this.rng.chance(rate)) return value
    const result = make()
    if (result === undefined || result === value) return value
    this.kinds.push(kind)
    return result
  }
}

function identity(world: World, profile: SourceProfile, child: TrueChild, rng: Rng, log: ErrorLog): FeedChild {
  const { referenceDate } = world.options
  let given = child.given_name
  let middle = child.middle_names
  let family = child.family_name
  let former: string[] | undefined = profile.formerNames ? [...child.former_family_names] : undefined
  const newborn = dayNumber(referenceDate) - dayNumber(child.date_of_birth) < NEWBORN_DAYS
  const placeholder = newborn && log.try('baby_placeholder', false, () => true)
  if (placeholder) {
    given = 'Baby'
    middle = null
    family = child.mother_family_name ?? family
  }
  const stale = child.former_family_names.at(-1)
  if (stale !== undefined && log.try('former_family_name', false, () => true)) {
    family = stale
    former = profile.formerNames ? [] : undefined
  }
  family = log.try('double_barrel_variant', family, () => doubleBarrelVariant(rng, family))
  if (!placeholder) {
    given = log.try('nickname', given, () => nickname(rng, given))
    given = log.try('name_variant', given, () => spellingVariant(rng, given))
    if (middle !== null && log.try('given_middle_swap', false, () => true)) {
      const [firstMiddle, ...rest] = middle.split(' ') as [string, ...string[]]
      ;[given, middle] = [firstMiddle, [given, ...rest].join(' ')]
    }
  }
  if (log.try('given_family_swap', false, () => true)) [given, family] = [family, given]
  if (log.try('diacritics_stripped', false, () => stripDiacritics(`${given} ${middle ?? ''} ${family}`) !== undefined)) {
    given = stripDiacritics(given) ?? given
    middle = middle === null ? null : (stripDiacritics(middle) ?? middle)
    family = stripDiacritics(family) ?? family
    former = former?.map((name) => stripDiacritics(name) ?? name)
  }
  if (!placeholder) given = log.try('given_name_typo', given, () => typo(rng, given))
  family = log.try('family_name_typo', family, () => typo(rng, family))
  if (log.try('name_case', false, () => true)) ({ given, family } = caseNoise(rng, given, family))
  middle = log.try('missing_middle_names', middle, () => (middle === null ? undefined : null))
  let dob = child.date_of_birth
  dob = log.try('dob_day_month_swap', dob, () => swapDayMonth(dob))
  dob = log.try('dob_digit', dob, () => dateDigitError(rng, dob, referenceDate))
  let address: FeedAddress = child.address
  const previous = child.previous_address
  if (previous !== null) address = log.try('old_address', address, () => previous)
  if (address.postcode) address = log.try('missing_postcode', address, () => ({ ...address, postcode: null }))
  const gender = log.try<FeedChild['gender']>('missing_gender', child.gender, () => null)
  let nhs: string | null | undefined
  if (profile.nhsNumber) {
    nhs = log.try('missing_nhs_number', child.nhs_number, () => (child.nhs_number === null ? undefined : null))
    const held = nhs
    if (held !== null) nhs = log.try('nhs_number_typo', held, () => identifierTypo(rng, held))
  }
  const upn = profile.upn ? log.try('missing_upn', child.upn, () => (child.upn === null ? undefined : null)) : undefined
  return {
    given_name: given, middle_names: middle, family_name: family, former_family_names: former, date_of_birth: dob,
    date_of_death: profile.dateOfDeath && child.date_of_death !== null ? child.date_of_death : undefined, gender, address,
    nhs_number: nhs, upn,
  }
}

function carersFor(profile: SourceProfile, child: TrueChild): FeedCarer[] | undefined {
  switch (profile.carers) {
    case 'none':
      return undefined
    case 'all':
      return [...child.carers]
    case 'parents':
      return child.carers.filter((c) => c.relationship === 'mother' || c.relationship === 'father')
    case 'claimant': {
      const claimant = child.carers.find((c) => c.parental_responsibility) ?? child.carers[0]
      return claimant ? [claimant] : []
    }
  }
}

const recordKeys = new Map<string, number>()

function recordKey(seed: string, source: string): number {
  const cacheKey = `${seed}\u001f${source}`
  let key = recordKeys.get(cacheKey)
  if (key === undefined) {
    key = hash32(seed, 'record-id', source)
    recordKeys.set(cacheKey, key)
  }
  return key
}

/** The source's record (or records, when it holds the child twice) of one child. */
export function observe(world: World, authority: Authority, child: TrueChild, coverage: Coverage): SourceRecord[] {
  const { seed } = world.options
  const { profile, source } = coverage
  const prefix = profile.scope === 'national' ? profile.idPrefix : `${authority.postcodeArea}-${profile.idPrefix}`
  const key = recordKey(seed, source)
  const first = new Rng(seed, 'record', source, child.number, 0)
  const copies = first.chance(profile.errors.duplicate ?? 0) ? 2 : 1
  const records: SourceRecord[] = []
  for (let copy = 0; copy < copies; copy++) {
    const rng = copy === 0 ? first : new Rng(seed, 'record', source, child.number, copy)
    const log = new ErrorLog(rng, profile.errors)
    if (copy > 0) log.kinds.push('duplicate')
    const id = recordId(prefix, child.number, copy, key)
    const involvements = child.involvements
      .filter((i) => profile.services.includes(i.service_type))
      .map((i, n) => ({ ...i, involvement_id: `${id}-${n + 1}` }))
    const record: FeedRecord = {
      op: 'upsert', record_id: id, child: identity(world, profile, child, rng, log), carers: carersFor(profile, child),
      involvements: profile.services.length > 0 ? involvements : undefined,
    }
    records.push({ source, child: child.key, record, errors: log.kinds })
  }
  return records
}

/** Every record of every child of a household. */
export function observeHousehold(world: World, authority: Authority, household: Household): SourceRecord[] {
  return household.children.flatMap((child) =>
    coverageOf(world, authority, household.info, child).flatMap((coverage) => observe(world, authority, child, coverage)))
}
