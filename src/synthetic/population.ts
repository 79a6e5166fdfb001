// Households and the true children in them. A household is a pure function of (world, index):
// its size comes from its own random stream (so the first child's number of any household can be
// found by summing sizes alone), everything else from the household's main stream.

import type { FeedAddress, FeedCarer, FeedInvolvement, Gender, ReturnIntent, ServiceType } from '../feeds/feed-record.ts'
import { drawAddress } from './addresses.ts'
import { mobileNumber, personalEmail } from './contact.ts'
import type { Origin, OriginCode } from './data/origins.ts'
import { SIMILAR_NAMES } from './data/name-variants.ts'
import { addYears, dayNumber, isoDate, schoolYearStart, yearGroup, yearsBetween } from './dates.ts'
import { syntheticNhsNumber, syntheticUpn } from './identifiers.ts'
import type { Sex } from './names.ts'
import { drawAdultGivenName, drawGivenName, drawOrigin, drawSurname, surnameForSex } from './names.ts'
import { Rng } from './prng.ts'
import type { Authority, Organisation, Practitioner, World } from './world.ts'

/** Population rates. Sources: ONS families and births statistics, DfE and NHS England figures, rounded. */
export const RATES = {
  /**
   * Birth events (single or multiple births) per family over its whole history: ONS completed
   * family size of mothers. Older siblings may be adults by now, so the children under 18 in a
   * household come out as ONS reports for families with dependent children (1: 44%, 2: 41%, 3+: 15%).
   */
  births: [[1, 0.22], [2, 0.46], [3, 0.21], [4, 0.08], [5, 0.03]] as const,
  twins: 0.016,
  triplets: 0.0002,
  sameSexTwins: 0.67,
  similarTwinNames: 0.25,
  male: 0.512,
  mixedCouple: 0.08,
  family: [['couple', 0.625], ['lone_mother', 0.22], ['lone_father', 0.025], ['step_family', 0.09], ['grandparents', 0.02], ['foster', 0.012], ['special_guardian', 0.004], ['adoptive', 0.004]] as const,
  married: 0.55,
  middleNames: { english: [0.65, 0.08], other: [0.35, 0.03] },
  stepSurnameChange: 0.25,
  movedRecently: 0.14,
  movedFromAnotherAuthority: 0.2,
  leftEngland: 0.003,
  noKnownAddress: 0.001,
  lastKnownAddress: 0.002,
  death: 0.0003,
  schooling: [['state', 0.93], ['independent', 0.06], ['home', 0.01]] as const,
  earlyYears: { twoYearOlds: 0.45, threeFourYearOlds: 0.92, underTwos: 0.1 },
  sixthForm: 0.4,
  furtherEducation: 0.45,
  healthVisitor: 0.95,
  schoolNurse: 0.06,
  socialCare: 0.035,
  earlyHelpShare: 0.35,
  youthOffending: 0.012,
  youthService: 0.15,
  voluntary: 0.035,
  sexualHealth: 0.012,
  mentalHealth: 0.01,
  substanceMisuse: 0.004,
  significantHarm: 0.1,
  nhsNumberBornAbroad: 0.95,
  carerPhone: 0.9,
  carerEmail: 0.7,
} as const

export type FamilyStructure = (typeof RATES.family)[number][0]
export type Schooling = (typeof RATES.schooling)[number][0]

export interface HouseholdInfo {
  readonly id: string
  readonly index: number
  readonly authority: string
  readonly origin: OriginCode
  readonly structure: FamilyStructure
  readonly schooling: Schooling
  readonly address: FeedAddress
  readonly previous_address: FeedAddress | null
  readonly moved_on: string | null
  readonly arrived_on: string | null
  readonly first_child: number
  readonly carers: readonly FeedCarer[]
}

export interface TrueChild {
  /** The ground-truth key shared by every record of this child: "C000000123". */
  readonly key: string
  readonly number: number
  readonly household: string
  readonly authority: string
  /** Children of one multiple birth share a twin group: "T000000123". */
  readonly twin_group: string | null
  readonly given_name: string
  readonly middle_names: string | null
  readonly family_name: string
  readonly former_family_names: readonly string[]
  readonly date_of_birth: string
  readonly date_of_death: string | null
  readonly gender: Gender
  readonly address: FeedAddress
  readonly previous_address: FeedAddress | null
  readonly moved_on: string | null
  readonly born_in_england: boolean
  readonly arrived_on: string | null
  readonly nhs_number: string | null
  readonly upn: string | null
  /** The mother's surname, the name a newborn is registered under before naming. */
  readonly mother_family_name: string | null
  readonly carers: readonly FeedCarer[]
  readonly involvements: readonly FeedInvolvement[]
}

export interface Household {
  readonly info: HouseholdInfo
  readonly children: readonly TrueChild[]
}

const pad9 = (n: number): string => String(n).padStart(9, '0')

export interface BirthEvent {
  readonly dateOfBirth: string
  /** 1 for a single birth, 2 for twins, 3 for triplets. */
  readonly children: number
}

/**
 * The births of household `index` that are children today, from the household's own small
 * random stream. The family's first birth falls anywhere from 18 years plus the family's span
 * before the reference date up to the reference date, and births outside the last 18 years are
 * dropped (adults, or not born yet): so ages are uniform across households of every size.
 */
export function birthPlan(seed: string, index: number, referenceDate: string): BirthEvent[] {
  const rng = new Rng(seed, 'size', index)
  const today = dayNumber(referenceDate)
  const earliest = dayNumber(addYears(referenceDate, -18)) + 1
  for (;;) {
    const events = rng.choose(RATES.births)
    const gaps = Array.from({ length: events - 1 }, () => Math.round(365.25 * (1.2 + 4.5 * rng.next() ** 1.5)))
    const span = gaps.reduce((sum, gap) => sum + gap, 0)
    let day = earliest - span + rng.int(today - earliest + span + 1)
    const plan: BirthEvent[] = []
    for (let i = 0; i < events; i++) {
      const roll = rng.next()
      const children = roll < RATES.triplets ? 3 : roll < RATES.triplets + RATES.twins ? 2 : 1
      if (day >= earliest && day <= today) plan.push({ dateOfBirth: isoDate(day), children })
      day += gaps[i] ?? 0
    }
    if (plan.length > 0) return plan
  }
}

function adult(rng: Rng, origin: Origin, sex: Sex, familyName: string, relationship: FeedCarer['relationship'], pr: boolean): FeedCarer {
  const given = drawAdultGivenName(rng, origin, sex)
  const family = surnameForSex(familyName, sex, origin)
  return {
    given_name: given, family_name: family, relationship, parental_responsibility: pr,
    phone: rng.chance(RATES.carerPhone) ? mobileNumber(rng) : null,
    email: rng.chance(RATES.carerEmail) ? personalEmail(rng, given, family) : null,
  }
}

/** The same adult in a given role for one child (a step-father is another child's father). */
function carer(person: FeedCarer, relationship: FeedCarer['relationship'], pr: boolean): FeedCarer {
  return { ...person, relationship, parental_responsibility: pr }
}

function doubleBarrel(first: string, second: string): string {
  return first === second ? first : `${first}-${second}`
}

/** Who looks after the children, and the surnames the children are born with. */
interface Family {
  readonly carersFor: (birthIndex: number) => FeedCarer[]
  /** Birth surname and, for children whose surname changed, the current one. */
  readonly surnameFor: (birthIndex: number) => { birth: string; current: string }
  /** The birth mother when she is in the household (a newborn may be recorded under her surname). */
  readonly mother: FeedCarer | null
}

function buildFamily(rng: Rng, structure: FamilyStructure, origin: Origin, births: number): Family {
  const partnerOrigin = rng.chance(RATES.mixedCouple) ? drawOrigin(rng) : origin
  const [fatherOrigin, motherOrigin] = rng.chance(0.5) ? [origin, partnerOrigin] : [partnerOrigin, origin]
  const paternal = drawSurname(rng, fatherOrigin)
  const maternal = drawSurname(rng, motherOrigin)
  const married = rng.chance(RATES.married)
  const father = adult(rng, fatherOrigin, 'male', paternal, 'father', true)
  const mother = adult(rng, motherOrigin, 'female', married ? paternal : maternal, 'mother', true)
  const childSurname = rng.choose(married
    ? [[paternal, 0.95], [doubleBarrel(maternal, paternal), 0.03], [doubleBarrel(paternal, maternal), 0.02]]
    : [[paternal, 0.75], [maternal, 0.15], [doubleBarrel(maternal, paternal), 0.1]])
  const same = (name: string) => (): { birth: string; current: string } => ({ birth: name, current: name })
  switch (structure) {
    case 'couple':
      return { mother, surnameFor: same(childSurname), carersFor: () => [carer(mother, 'mother', true), carer(father, 'father', true)] }
    case 'adoptive': {
      const birthSurname = drawSurname(rng, drawOrigin(rng))
      return {
        mother: null, surnameFor: () => ({ birth: birthSurname, current: paternal }),
        carersFor: () => [carer(mother, 'mother', true), carer(father, 'father', true)],
      }
    }
    case 'lone_mother': {
      const surname = rng.chance(0.55) ? paternal : maternal
      const single = { ...mother, family_name: surnameForSex(rng.chance(0.7) ? maternal : paternal, 'female', motherOrigin) }
      return { mother: single, surnameFor: same(surname), carersFor: () => [carer(single, 'mother', true)] }
    }
    case 'lone_father':
      return { mother: null, surnameFor: same(paternal), carersFor: () => [carer(father, 'father', true)] }
    case 'step_family': {
      // The first children are from the mother's earlier relationship; later ones are the step-father's.
      const stepSurname = drawSurname(rng, partnerOrigin)
      const stepFather = adult(rng, partnerOrigin, 'male', stepSurname, 'step_parent', false)
      const remarried = rng.chance(0.5)
      const mum = { ...mother, family_name: surnameForSex(remarried ? stepSurname : maternal, 'female', motherOrigin) }
      const earlier = births === 1 ? 1 : 1 + rng.int(births - 1)
      const changed = rng.chance(RATES.stepSurnameChange)
      const stepPr = rng.chance(0.2)
      return {
        mother: mum,
        surnameFor: (i) => (i < earlier ? { birth: paternal, current: changed ? stepSurname : paternal } : { birth: stepSurname, current: stepSurname }),
        carersFor: (i) => [carer(mum, 'mother', true), i < earlier ? carer(stepFather, 'step_parent', stepPr) : carer(stepFather, 'father', true)],
      }
    }
    case 'grandparents': {
      const grandSurname = rng.chance(0.7) ? maternal : paternal
      const grandmother = adult(rng, motherOrigin, 'female', grandSurname, 'grandparent', false)
      const grandfather = rng.chance(0.6) ? adult(rng, motherOrigin, 'male', grandSurname, 'grandparent', false) : null
      const pr = rng.chance(0.5)
      return {
        mother: null, surnameFor: same(childSurname),
        carersFor: () => [grandmother, grandfather].filter((a): a is FeedCarer => a !== null).map((a) => carer(a, 'grandparent', pr)),
      }
    }
    case 'foster':
    case 'special_guardian': {
      const carerOrigin = structure === 'foster' ? drawOrigin(rng) : origin
      const carerSurname = structure === 'foster' ? drawSurname(rng, carerOrigin) : paternal
      const relationship = structure === 'foster' ? 'foster_carer' : 'special_guardian'
      const first = adult(rng, carerOrigin, 'female', carerSurname, relationship, structure !== 'foster')
      const second = rng.chance(0.6) ? adult(rng, carerOrigin, 'male', carerSurname, relationship, structure !== 'foster') : null
      return {
        mother: null, surnameFor: same(childSurname),
        carersFor: () => [first, second].filter((a): a is FeedCarer => a !== null).map((a) => carer(a, relationship, structure !== 'foster')),
      }
    }
  }
}

function drawAddressStatus(rng: Rng, address: FeedAddress): FeedAddress {
  const roll = rng.next()
  if (roll < RATES.leftEngland) {
    const intent: ReturnIntent = rng.choose([['intends_to_return', 0.4], ['does_not_intend_to_return', 0.25], ['unknown', 0.35]])
    return { ...address, status: 'left_england', return_intent: intent }
  }
  if (roll < RATES.leftEngland + RATES.noKnownAddress) return { lines: [], town: null, postcode: null, status: 'no_known_address' }
  if (roll < RATES.leftEngland + RATES.noKnownAddress + RATES.lastKnownAddress) return { ...address, status: 'last_known' }
  return address
}

/** Given names for one birth event: distinct from the siblings', twins sometimes alike. */
function drawBirthNames(rng: Rng, origin: Origin, sexes: Sex[], taken: Set<string>): string[] {
  const names: string[] = []
  for (const sex of sexes) {
    const first = names[0]
    let name = ''
    if (first !== undefined && rng.chance(RATES.similarTwinNames)) {
      const pair = SIMILAR_NAMES.find(([a, b]) => a === first || b === first)
      const partner = pair ? (pair[0] === first ? pair[1] : pair[0]) : undefined
      if (partner && !taken.has(partner)) name = partner
      for (let attempt = 0; name === '' && attempt < 40; attempt++) {
        const candidate = drawGivenName(rng, origin, sex)
        if (candidate[0] === first[0] && !taken.has(candidate)) name = candidate
      }
    }
    for (let attempt = 0; name === '' || taken.has(name); attempt++) {
      name = drawGivenName(rng, origin, sex)
      if (attempt > 100) name = `${name}-${['Mae', 'Rose', 'Jay', 'Lee'][attempt % 4]}`
    }
    taken.add(name)
    names.push(name)
  }
  return names
}

function drawMiddleNames(rng: Rng, origin: Origin, sex: Sex, given: string): string | null {
  if (origin.code === 'indian' && rng.chance(0.4)) return sex === 'female' ? 'Kaur' : 'Singh'
  const [one, two] = origin.code === 'english' ? RATES.middleNames.english : RATES.middleNames.other
  const roll = rng.next()
  const count = roll < two ? 2 : roll < one + two ? 1 : 0
  const middles: string[] = []
  while (middles.length < count) {
    const name = drawGivenName(rng, origin, sex)
    if (name !== given && !middles.includes(name)) middles.push(name)
  }
  return middles.length > 0 ? middles.join(' ') : null
}

function randomDay(rng: Rng, from: string, to: string): string {
  const a = dayNumber(from)
  const b = dayNumber(to)
  return isoDate(b <= a ? a : a + rng.int(b - a + 1))
}

/** The latest of a date and some optional dates (ISO dates sort as text). */
function latest(date: string, ...others: Array<string | null>): string {
  return others.reduce<string>((max, d) => (d !== null && d > max ? d : max), date)
}

interface InvolvementContext {
  readonly rng: Rng
  readonly referenceDate: string
  readonly list: FeedInvolvement[]
  readonly key: string
}

function involve(
  ctx: InvolvementContext, service: ServiceType, organisation: Organisation, practitioner: Practitioner | null, startedOn: string,
  extra: Partial<Pick<FeedInvolvement, 'ended_on' | 'lead_professional' | 'holds_caf' | 'consent_basis'>> = {},
): void {
  ctx.list.push({
    involvement_id: `${ctx.key}-I${ctx.list.length + 1}`, service_type: service, organisation_code: organisation.code,
    practitioner_name: practitioner ? `${practitioner.given_name} ${practitioner.family_name}` : null,
    phone: practitioner?.phone ?? organisation.phone, email: practitioner?.email ?? organisation.email,
    started_on: startedOn, ended_on: extra.ended_on ?? null, lead_professional: extra.lead_professional ?? false,
    holds_caf: extra.holds_caf ?? false, consent_basis: extra.consent_basis ?? null,
  })
}

function staff(organisation: Organisation, role: string, rng: Rng): Practitioner | null {
  const matching = organisation.practitioners.filter((p) => p.role === role)
  return matching.length > 0 ? rng.pick(matching) : null
}

/** A recent episode: started within `years` before the reference date, sometimes already ended. */
function episode(ctx: InvolvementContext, dateOfBirth: string, years: number, endedShare: number): { started: string; ended: string | null } {
  const started = randomDay(ctx.rng, latest(dateOfBirth, addYears(ctx.referenceDate, -years)), ctx.referenceDate)
  const ended = ctx.rng.chance(endedShare) ? randomDay(ctx.rng, started, ctx.referenceDate) : null
  return { started, ended }
}

interface HouseholdChoices {
  readonly primary: Organisation
  readonly secondary: Organisation
  readonly gp: Organisation
  readonly healthVisitor: Practitioner | null
  readonly socialCare: { service: 'childrens_social_care' | 'early_help'; worker: Practitioner | null } | null
  readonly voluntary: Organisation | null
}

function drawInvolvements(
  ctx: InvolvementContext, authority: Authority, household: HouseholdInfo, choices: HouseholdChoices,
  child: { date_of_birth: string; gender: Gender; nhs_number: string | null; moved_on: string | null },
): void {
  const { rng, referenceDate } = ctx
  const orgs = authority.organisations
  const dob = child.date_of_birth
  const age = yearsBetween(dob, referenceDate)
  const group = yearGroup(dob, referenceDate)
  // When the child joined this area: at a move or on arrival in England.
  const joined = child.moved_on ?? household.arrived_on
  if (child.nhs_number !== null) {
    const gp = rng.chance(0.95) ? choices.gp : rng.pick(orgs.gpPractices)
    involve(ctx, 'gp_practice', gp, rng.chance(0.5) ? staff(gp, 'General practitioner', rng) : null, latest(dob, joined))
  }
  if (group < 0) {
    const share = group === -1 ? RATES.earlyYears.threeFourYearOlds : group === -2 ? RATES.earlyYears.twoYearOlds : RATES.earlyYears.underTwos
    if (age >= 1 && rng.chance(share)) {
      const setting = rng.pick(orgs.earlyYears)
      involve(ctx, 'early_years', setting, staff(setting, 'Key person', rng), randomDay(rng, latest(addYears(dob, 1), addYears(referenceDate, -1)), referenceDate))
    }
    if (rng.chance(RATES.healthVisitor)) {
      involve(ctx, 'health_visitor', orgs.health, choices.healthVisitor, isoDate(Math.min(dayNumber(dob) + 10, dayNumber(referenceDate))))
    }
  } else if (household.schooling === 'state') {
    const receptionStart = `${schoolYearStart(dob) + 5}-09-01`
    if (group <= 6) {
      involve(ctx, 'school', choices.primary, staff(choices.primary, 'Designated safeguarding lead', rng), latest(receptionStart, joined))
    } else if (group <= 11 || rng.chance(RATES.sixthForm)) {
      involve(ctx, 'school', choices.secondary, staff(choices.secondary, 'Head of year', rng), latest(`${schoolYearStart(dob) + 12}-09-01`, joined))
    } else if (rng.chance(RATES.furtherEducation / (1 - RATES.sixthForm))) {
      involve(ctx, 'further_education', orgs.college, staff(orgs.college, 'Student support adviser', rng), latest(`${schoolYearStart(dob) + 17}-09-01`, joined))
    }
    if (group <= 11 && rng.chance(RATES.schoolNurse)) {
      involve(ctx, 'school_nurse', orgs.health, staff(orgs.health, 'School nurse', rng), randomDay(rng, latest(receptionStart, addYears(referenceDate, -2)), referenceDate))
    }
  }
  if (choices.socialCare && (household.structure === 'foster' || rng.chance(0.9))) {
    const { service, worker } = choices.socialCare
    const { started, ended } = episode(ctx, dob, 4, household.structure === 'foster' ? 0 : 0.2)
    involve(ctx, service, orgs.socialCare, worker, started, {
      ended_on: ended,
      lead_professional: ended === null && rng.chance(service === 'early_help' ? 0.6 : 0.7),
      holds_caf: service === 'early_help' ? rng.chance(0.8) : rng.chance(0.1),
    })
  }
  if (age >= 10 && rng.chance(RATES.youthOffending * (child.gender === 'male' ? 1.6 : 0.4))) {
    const { started, ended } = episode(ctx, addYears(dob, 10), 2, 0.25)
    involve(ctx, 'youth_offending', orgs.youthOffending, staff(orgs.youthOffending, 'YOT case manager', rng), started, { ended_on: ended })
  }
  if (age >= 13 && rng.chance(RATES.youthService)) {
    const connexions = age >= 16
    const { started, ended } = episode(ctx, addYears(dob, 13), 3, 0.3)
    involve(ctx, connexions ? 'connexions' : 'youth_service', orgs.youthService, staff(orgs.youthService, connexions ? 'Personal adviser' : 'Youth worker', rng), started, { ended_on: ended })
  }
  if (choices.voluntary && rng.chance(0.8)) {
    const { started, ended } = episode(ctx, dob, 3, 0.3)
    involve(ctx, 'voluntary_sector', choices.voluntary, staff(choices.voluntary, 'Support worker', rng), started, { ended_on: ended })
  }
  const sensitive: Array<[ServiceType, Organisation, number, number]> = [
    ['sexual_health', orgs.sexualHealth, 13, RATES.sexualHealth],
    ['mental_health', orgs.mentalHealth, 11, RATES.mentalHealth],
    ['substance_misuse', orgs.substanceMisuse, 13, RATES.substanceMisuse],
  ]
  for (const [service, organisation, minimumAge, rate] of sensitive) {
    if (age < minimumAge || !rng.chance(rate)) continue
    const { started, ended } = episode(ctx, addYears(dob, minimumAge), 2, 0.3)
    involve(ctx, service, organisation, rng.pick(organisation.practitioners), started, {
      ended_on: ended, consent_basis: rng.chance(RATES.significantHarm) ? 'significant_harm' : 'consent',
    })
  }
}

/** Generates household `index`, whose first child is child number `firstChild`, with the births of `plan`. */
export function generateHousehold(world: World, authority: Authority, index: number, firstChild: number, plan: readonly BirthEvent[]): Household {
  const { seed, referenceDate } = world.options
  const rng = new Rng(seed, 'household', index)
  const origin = drawOrigin(rng)
  const structure = rng.choose(RATES.family)
  const family = buildFamily(rng, structure, origin, plan.length)
  const schooling = rng.choose(RATES.schooling)

  const migrant = rng.chance(origin.migrant)
  const arrivedOn = migrant ? randomDay(rng, addYears(referenceDate, -15), isoDate(dayNumber(referenceDate) - 30)) : null
  const home = drawAddress(rng, seed, authority)
  const moved = !migrant || (arrivedOn !== null && arrivedOn < addYears(referenceDate, -3)) ? rng.chance(RATES.movedRecently) : false
  const movedOn = moved ? randomDay(rng, addYears(referenceDate, -3), referenceDate) : null
  const from = moved && world.authorities.length > 1 && rng.chance(RATES.movedFromAnotherAuthority) ? rng.pick(world.authorities) : authority
  const previous = moved ? drawAddress(rng, seed, from) : null
  const address = drawAddressStatus(rng, home)

  const orgs = authority.organisations
  const socialCare = rng.chance(RATES.socialCare) || structure === 'foster'
  const service = structure === 'foster' || !rng.chance(RATES.earlyHelpShare) ? 'childrens_social_care' : 'early_help'
  const choices: HouseholdChoices = {
    primary: rng.pick(orgs.primarySchools), secondary: rng.pick(orgs.secondarySchools), gp: rng.pick(orgs.gpPractices),
    healthVisitor: staff(orgs.health, 'Health visitor', rng),
    socialCare: socialCare ? { service, worker: staff(orgs.socialCare, service === 'early_help' ? 'Early help practitioner' : 'Social worker', rng) } : null,
    voluntary: rng.chance(RATES.voluntary) ? rng.pick(orgs.voluntary) : null,
  }
  const info: HouseholdInfo = {
    id: `H${pad9(index)}`, index, authority: authority.code, origin: origin.code, structure, schooling, address,
    previous_address: previous, moved_on: movedOn, arrived_on: arrivedOn, first_child: firstChild,
    carers: [...new Map(plan.flatMap((_, i) => family.carersFor(i)).map((c) => [`${c.given_name} ${c.family_name}`, c])).values()],
  }

  const taken = new Set<string>()
  const children: TrueChild[] = []
  plan.forEach(({ dateOfBirth: dob, children: multiplicity }, birthIndex) => {
    const first = rng.chance(RATES.male) ? 'male' : 'female'
    const sexes: Sex[] = [first]
    for (let i = 1; i < multiplicity; i++) sexes.push(rng.chance(RATES.sameSexTwins) ? first : first === 'male' ? 'female' : 'male')
    const names = drawBirthNames(rng, origin, sexes, taken)
    const twinGroup = multiplicity > 1 ? `T${pad9(firstChild + children.length)}` : null
    const surnames = family.surnameFor(birthIndex)
    sexes.forEach((sex, i) => {
      const number = firstChild + children.length
      const key = `C${pad9(number)}`
      const given = names[i] as string
      const bornInEngland = arrivedOn === null || dob >= arrivedOn
      const nhsNumber = bornInEngland || rng.chance(RATES.nhsNumberBornAbroad) ? syntheticNhsNumber(number, seed) : null
      const childMovedOn = movedOn !== null && dob < movedOn ? movedOn : null
      const current = surnameForSex(surnames.current, sex, origin)
      const birthSurname = surnameForSex(surnames.birth, sex, origin)
      const deathRoll = rng.chance(RATES.death)
      const gender: Gender = sex
      const involvements: FeedInvolvement[] = []
      const partial = { date_of_birth: dob, gender, nhs_number: nhsNumber, moved_on: childMovedOn }
      drawInvolvements({ rng, referenceDate, list: involvements, key }, authority, info, choices, partial)
      const group = yearGroup(dob, referenceDate)
      // A UPN is allocated on entry to a state school in England and kept after leaving it.
      const schooledHere = arrivedOn === null || yearGroup(dob, arrivedOn) <= 11
      const pupil = involvements.some((inv) => inv.service_type === 'school') || (group >= 0 && schooling === 'state' && schooledHere)
      const allocationYear = Math.max(schoolYearStart(dob) + 5, arrivedOn ? schoolYearStart(arrivedOn) : 0)
      children.push({
        key, number, household: info.id, authority: authority.code, twin_group: twinGroup,
        given_name: given, middle_names: drawMiddleNames(rng, origin, sex, given), family_name: current,
        former_family_names: birthSurname !== current ? [birthSurname] : [],
        date_of_birth: dob,
        date_of_death: deathRoll ? randomDay(rng, latest(dob, addYears(referenceDate, -1)), referenceDate) : null,
        gender, address, previous_address: childMovedOn ? previous : null, moved_on: childMovedOn,
        born_in_england: bornInEngland, arrived_on: bornInEngland ? null : arrivedOn, nhs_number: nhsNumber,
        upn: pupil ? syntheticUpn(authority.laNumber, number - authority.firstChild, allocationYear, seed) : null,
        mother_family_name: family.mother?.family_name ?? null,
        carers: family.carersFor(birthIndex), involvements,
      })
    })
  })
  return { info, children }
}
