// The fixed world the children live in: local authorities with their towns and postcode
// districts, and every organisation (with its practitioners) that a source can name in an
// involvement. Its size grows with the population but stays small (about 40,000 organisations
// for 12 million children), so it is built once and held in memory.

import type { FeedAddress } from '../feeds/feed-record.ts'
import { drawAddress } from './addresses.ts'
import { asciiSlug, landlineNumber, mobileNumber } from './contact.ts'
import { AUTHORITY_NAMES, ORGANISATION_NAMES, PLACE_PARTS, REAL_NAMES, REAL_POSTCODE_AREAS, STREET_PARTS } from './data/places.ts'
import { compose, drawAdultGivenName, drawOrigin, drawSurname, splitList } from './names.ts'
import type { ResolvedOptions } from './options.ts'
import { Rng } from './prng.ts'
import { SOURCE_PROFILES, sourceCode } from './sources.ts'

export const ORGANISATION_KINDS = [
  'national_body', 'local_authority', 'primary_school', 'secondary_school', 'early_years_setting', 'further_education_college',
  'gp_practice', 'health_team', 'childrens_social_care', 'youth_offending_team', 'youth_service', 'voluntary_organisation',
  'sexual_health_service', 'mental_health_service', 'substance_misuse_service',
] as const
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number]

export interface Practitioner {
  readonly id: string
  readonly given_name: string
  readonly family_name: string
  readonly role: string
  readonly phone: string
  readonly email: string
}

export interface Organisation {
  readonly code: string
  readonly name: string
  readonly kind: OrganisationKind
  /** The ONS code of the authority the organisation serves; null for national bodies. */
  readonly authority: string | null
  readonly phone: string
  readonly email: string
  readonly address: FeedAddress | null
  readonly practitioners: readonly Practitioner[]
}

export interface Town {
  readonly name: string
  /** Outward codes of the town's postcode districts, e.g. "NT4". */
  readonly districts: readonly string[]
}

/** The organisations of one authority, by the role they play for its children. */
export interface AuthorityOrganisations {
  readonly council: Organisation
  readonly primarySchools: readonly Organisation[]
  readonly secondarySchools: readonly Organisation[]
  readonly earlyYears: readonly Organisation[]
  readonly college: Organisation
  readonly gpPractices: readonly Organisation[]
  readonly health: Organisation
  readonly socialCare: Organisation
  readonly youthOffending: Organisation
  readonly youthService: Organisation
  readonly voluntary: readonly Organisation[]
  readonly sexualHealth: Organisation
  readonly mentalHealth: Organisation
  readonly substanceMisuse: Organisation
}

export interface Authority {
  readonly index: number
  readonly name: string
  /** Lower-case short name that prefixes the authority's local source codes ("northmoor"). */
  readonly slug: string
  /** DfE LA number (3 digits), used in UPNs. */
  readonly laNumber: number
  /** ONS-style code, also the authority's organisation code. */
  readonly code: string
  readonly postcodeArea: string
  readonly towns: readonly Town[]
  /** Children are numbered globally; this authority's are [firstChild, firstChild + childCount). */
  readonly firstChild: number
  readonly childCount: number
  readonly streetCount: number
  readonly organisations: AuthorityOrganisations
}

export interface SourceInfo {
  readonly code: string
  readonly name: string
  readonly kind: 'national' | 'local'
  /** ONS code of the authority for a local source. */
  readonly authority: string | null
  /** Code of the organisation that supplies the feed. */
  readonly organisation: string
}

export interface World {
  readonly options: ResolvedOptions
  readonly authorities: readonly Authority[]
  readonly organisations: readonly Organisation[]
  readonly sources: readonly SourceInfo[]
}

const NATIONAL_BODIES: ReadonlyArray<readonly [code: string, name: string]> = [
  ['DWP', 'Department for Work and Pensions (Child Benefit)'],
  ['NHSE', 'NHS England (Personal Demographics Service)'],
  ['DFE', 'Department for Education (school census)'],
  ['GRO', 'General Register Office (birth registrations)'],
  ['HO', 'Home Office'],
]

/**
 * DfE LA numbers that no English (201–943) or Welsh (660–681) authority uses: 100–199, then
 * 950–999. UPNs start with the LA number, so synthetic UPNs can never be a real pupil's.
 */
export function laNumber(index: number): number {
  if (index < 0 || index >= 150) throw new RangeError(`no LA number for authority ${index}`)
  return index < 100 ? 100 + index : 850 + index
}

/** Children per organisation of each kind, from national totals (e.g. ~16,800 primary schools). */
const CHILDREN_PER = { primary: 700, secondary: 2600, earlyYears: 450, gp: 1900, healthVisitor: 1400, schoolNurse: 5000, socialWorker: 400, yotWorker: 6000, youthWorker: 2500 }

function authorityNames(rng: Rng, count: number): string[] {
  const names = splitList(AUTHORITY_NAMES)
  const taken = new Set(names)
  const prefixes = PLACE_PARTS.prefixes.trim().split(/\s+/)
  const suffixes = PLACE_PARTS.suffixes.trim().split(/\s+/)
  while (names.length < count) {
    const name = compose(rng.pick(prefixes), rng.pick(suffixes))
    if (taken.has(name) || REAL_NAMES.has(name)) continue
    taken.add(name)
    names.push(name)
  }
  return names.slice(0, count)
}

function townNames(rng: Rng, authorityName: string, count: number, taken: Set<string>): string[] {
  const prefixes = PLACE_PARTS.prefixes.trim().split(/\s+/)
  const suffixes = PLACE_PARTS.suffixes.trim().split(/\s+/)
  const names = [authorityName]
  while (names.length < count) {
    const base = compose(rng.pick(prefixes), rng.pick(suffixes))
    const name = rng.chance(0.2) ? `${base} ${rng.pick(['Green', 'End', 'Bridge', 'Heath', 'on Sea', 'Magna', 'Parva'])}` : base
    if (taken.has(name) || REAL_NAMES.has(base)) continue
    taken.add(name)
    names.push(name)
  }
  return names
}

/** A two-letter area from the name's letters (consonants first), never a real UK area. */
function postcodeArea(name: string, taken: Set<string>): string {
  const letters = name.toUpperCase().replace(/[^A-Z]/g, '')
  const first = letters[0] ?? 'N'
  const rest = [...letters.slice(1)]
  const candidates = [...rest.filter((ch) => !'AEIOU'.includes(ch)), ...rest, ...'ABCDEFGHKLMNOPQRSTUVWXY']
  const firsts = /[QVX]/.test(first) ? [...'ABCDEFGHKLMNOPRSTUWY'] : [first, ...'ABCDEFGHKLMNOPRSTUWY']
  for (const a of firsts) {
    for (const b of candidates) {
      const area = `${a}${b}`
      if (/[IJZ]/.test(b) || REAL_POSTCODE_AREAS.has(area) || taken.has(area)) continue
      taken.add(area)
      return area
    }
  }
  throw new Error('no postcode area left')
}

interface OrganisationFactory {
  readonly rng: Rng
  readonly seed: string
  readonly authority: Omit<Authority, 'organisations'>
  readonly domain: string
}

function practitioners(f: OrganisationFactory, orgCode: string, role: string, count: number): Practitioner[] {
  return Array.from({ length: count }, (_, i) => {
    const origin = drawOrigin(f.rng)
    const sex = f.rng.chance(0.75) ? 'female' : 'male'
    const given = drawAdultGivenName(f.rng, origin, sex)
    const family = drawSurname(f.rng, origin)
    return {
      id: `${orgCode}-P${String(i + 1).padStart(3, '0')}`, given_name: given, family_name: family, role,
      phone: mobileNumber(f.rng), email: `${asciiSlug(given, '')}.${asciiSlug(family, '')}@${f.domain}`,
    }
  })
}

function organisation(f: OrganisationFactory, code: string, name: string, kind: OrganisationKind, staff: Array<readonly [role: string, count: number]>): Organisation {
  return {
    code, name, kind, authority: f.authority.code, phone: landlineNumber(f.rng),
    email: `${asciiSlug(name)}@${f.domain}`, address: drawAddress(f.rng, f.seed, f.authority),
    practitioners: staff.flatMap(([role, count]) => practitioners(f, code, role, count)),
  }
}

interface Counters { urn: number; earlyYears: number; gp: number; charity: number }

function buildOrganisations(f: OrganisationFactory, counters: Counters): AuthorityOrganisations {
  const { authority, rng } = f
  const place = authority.name
  const n = authority.childCount
  const count = (perOrganisation: number, minimum: number): number => Math.max(minimum, Math.round(n / perOrganisation))
  const townOf = (): string => rng.pick(authority.towns).name
  const streetWord = (): string => rng.pick(STREET_PARTS.names.trim().split(/\s+/))
  const urn = (): string => String(900_000 + counters.urn++)
  const code = authority.code
  const named = new Set<string>()
  const unique = (make: () => string): string => {
    for (let attempt = 0; ; attempt++) {
      const name = make()
      const candidate = attempt < 5 ? name : `${name} (${attempt})`
      if (!named.has(candidate)) {
        named.add(candidate)
        return candidate
      }
    }
  }
  const primaryName = (): string => rng.chance(0.25)
    ? `${townOf()} ${rng.pick(splitList(ORGANISATION_NAMES.primarySchools))}`
    : `${rng.chance(0.5) ? townOf() : streetWord()} ${rng.pick(splitList(ORGANISATION_NAMES.primarySuffixes))}`
  return {
    council: organisation(f, code, `${place} Council Children's Services`, 'local_authority', [['Family information officer', 2]]),
    primarySchools: Array.from({ length: count(CHILDREN_PER.primary, 2) }, () =>
      organisation(f, urn(), unique(primaryName), 'primary_school', [['Headteacher', 1], ['Designated safeguarding lead', 1]])),
    secondarySchools: Array.from({ length: count(CHILDREN_PER.secondary, 1) }, () =>
      organisation(f, urn(), unique(() => `${rng.chance(0.6) ? townOf() : streetWord()} ${rng.pick(splitList(ORGANISATION_NAMES.secondarySuffixes))}`),
        'secondary_school', [['Headteacher', 1], ['Designated safeguarding lead', 1], ['Head of year', 2]])),
    earlyYears: Array.from({ length: count(CHILDREN_PER.earlyYears, 2) }, () =>
      organisation(f, `EY9${String(counters.earlyYears++).padStart(5, '0')}`, unique(() => `${rng.pick(splitList(ORGANISATION_NAMES.earlyYears))}, ${townOf()}`),
        'early_years_setting', [['Setting manager', 1], ['Key person', 2]])),
    college: organisation(f, urn(), `${place} College`, 'further_education_college', [['Student support adviser', 2]]),
    gpPractices: Array.from({ length: count(CHILDREN_PER.gp, 2) }, () =>
      organisation(f, `M${String(counters.gp++).padStart(5, '0')}`, unique(() => `${rng.chance(0.5) ? townOf() : `${streetWord()} Lane`} ${rng.pick(splitList(ORGANISATION_NAMES.gpSuffixes))}`),
        'gp_practice', [['General practitioner', 3]])),
    health: organisation(f, `NHS${authority.laNumber}`, `${place} Health Visiting and School Nursing Service`, 'health_team',
      [['Health visitor', count(CHILDREN_PER.healthVisitor, 2)], ['School nurse', count(CHILDREN_PER.schoolNurse, 1)]]),
    socialCare: organisation(f, `${code}-CSC`, `${place} Children's Social Care`, 'childrens_social_care',
      [['Social worker', count(CHILDREN_PER.socialWorker, 3)], ['Early help practitioner', count(CHILDREN_PER.socialWorker * 2, 2)]]),
    youthOffending: organisation(f, `${code}-YOT`, `${place} Youth Justice Service`, 'youth_offending_team', [['YOT case manager', count(CHILDREN_PER.yotWorker, 1)]]),
    youthService: organisation(f, `${code}-YS`, `${place} Youth Service and Connexions`, 'youth_service',
      [['Youth worker', count(CHILDREN_PER.youthWorker, 2)], ['Personal adviser', count(CHILDREN_PER.youthWorker * 2, 1)]]),
    voluntary: shuffled(rng, splitList(ORGANISATION_NAMES.voluntary)).slice(0, 2 + rng.int(2)).map((name) => organisation(f, `CH9${String(counters.charity++).padStart(6, '0')}`, `${place} ${name}`, 'voluntary_organisation', [['Support worker', 2]])),
    sexualHealth: organisation(f, `NHS${authority.laNumber}-SH`, `${place} Young People's Sexual Health Service`, 'sexual_health_service', [['Clinician', 2]]),
    mentalHealth: organisation(f, `NHS${authority.laNumber}-MH`, `${place} Children and Young People's Mental Health Service`, 'mental_health_service', [['Clinician', 2]]),
    substanceMisuse: organisation(f, `${code}-SM`, `${place} Young People's Substance Misuse Service`, 'substance_misuse_service', [['Key worker', 2]]),
  }
}

function shuffled<T>(rng: Rng, items: readonly T[]): T[] {
  const copy = [...items]
  for (let i = copy.length - 1; i > 0; i--) {
    const j = rng.int(i + 1)
    ;[copy[i], copy[j]] = [copy[j] as T, copy[i] as T]
  }
  return copy
}

function flatten(orgs: AuthorityOrganisations): Organisation[] {
  return Object.values(orgs).flatMap((value: Organisation | readonly Organisation[]) => Array.isArray(value) ? value : [value as Organisation])
}

export function createWorld(options: ResolvedOptions): World {
  const { seed, children, authorities: authorityCount } = options
  const rng = new Rng(seed, 'world')
  const names = authorityNames(rng, authorityCount)
  // Authority sizes vary (0.6–1.4 of the mean); children are numbered authority by authority.
  const weights = names.map((_, i) => (authorityCount === 1 || i === 0 ? 1 : 0.6 + 0.8 * rng.next()))
  const totalWeight = weights.reduce((sum, w) => sum + w, 0)
  const takenAreas = new Set<string>()
  const takenTowns = new Set<string>(names)
  const counters: Counters = { urn: 0, earlyYears: 0, gp: 0, charity: 0 }
  const authorities: Authority[] = []
  let cumulative = 0
  names.forEach((name, index) => {
    const firstChild = Math.round((children * cumulative) / totalWeight)
    cumulative += weights[index] as number
    const childCount = Math.round((children * cumulative) / totalWeight) - firstChild
    const area = postcodeArea(name, takenAreas)
    let district = 1
    const towns = townNames(rng, name, Math.min(8, 3 + Math.floor(childCount / 25_000) + rng.int(3)), takenTowns)
      .map((town, i) => ({ name: town, districts: Array.from({ length: i === 0 ? 2 + rng.int(3) : 1 + rng.int(2) }, () => `${area}${district++}`) }))
    const slug = asciiSlug(name)
    const base = {
      index, name, slug, laNumber: laNumber(index), code: `E06${String(901 + index).padStart(6, '0')}`, postcodeArea: area, towns,
      firstChild, childCount, streetCount: Math.max(20, Math.ceil(childCount / 45)),
    }
    const organisations = buildOrganisations({ rng, seed, authority: base, domain: `${slug}.example` }, counters)
    authorities.push({ ...base, organisations })
  })
  const nationalOrganisations: Organisation[] = NATIONAL_BODIES.map(([code, name]) => ({
    code, name, kind: 'national_body', authority: null, phone: landlineNumber(rng), email: `contactpoint@${asciiSlug(code)}.example`,
    address: null, practitioners: [],
  }))
  const sources: SourceInfo[] = []
  for (const profile of SOURCE_PROFILES) {
    if (profile.scope === 'national') {
      sources.push({ code: profile.key, name: profile.name, kind: 'national', authority: null, organisation: profile.organisation })
      continue
    }
    for (const authority of authorities) {
      const organisation = authority.organisations[profile.organisation as keyof AuthorityOrganisations]
      sources.push({
        code: sourceCode(profile, authority), name: `${authority.name} ${profile.name}`, kind: 'local', authority: authority.code,
        organisation: Array.isArray(organisation) ? authority.code : (organisation as Organisation).code,
      })
    }
  }
  return { options, authorities, organisations: [...nationalOrganisations, ...authorities.flatMap((a) => flatten(a.organisations))], sources }
}

/** The authority whose children include the given child number. */
export function authorityOfChild(world: World, childNumber: number): Authority {
  const { authorities } = world
  let lo = 0
  let hi = authorities.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1
    if ((authorities[mid] as Authority).firstChild <= childNumber) lo = mid
    else hi = mid - 1
  }
  return authorities[lo] as Authority
}
