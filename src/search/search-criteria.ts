// What a practitioner typed into the search form, checked and turned into criteria. Pure: no
// database, no clock of its own. A search needs a ContactPoint ID, or a family name and at least
// one more detail, so that nobody can list children by one common name.
import { isValidContactPointId } from '../children/contactpoint-id.ts'
import type { FieldProblem } from '../errors.ts'
import { GENDERS, type Gender } from '../feeds/feed-record.ts'
import { daysInMonth, foldText, standardisePostcode } from '../linkage/standardise.ts'

export interface SearchForm {
  readonly contactPointId?: string
  readonly familyName?: string
  readonly givenName?: string
  readonly dobDay?: string
  readonly dobMonth?: string
  readonly dobYear?: string
  readonly gender?: string
  readonly postcode?: string
  readonly address?: string
}

export type DateOfBirthCriterion =
  | { readonly precision: 'day'; readonly year: number; readonly month: number; readonly day: number; readonly iso: string }
  | { readonly precision: 'month'; readonly year: number; readonly month: number }
  | { readonly precision: 'year'; readonly year: number }

export interface PostcodeCriterion {
  /** A whole postcode (NM1 2AB), a sector (NM1 2) or a district (NM1). */
  readonly precision: 'full' | 'sector' | 'district'
  /** Upper case without spaces, as compared. */
  readonly compact: string
  /** As shown back to the user. */
  readonly display: string
}

export type SearchCriteria =
  | { readonly kind: 'id'; readonly contactPointId: string }
  | {
    readonly kind: 'details'
    readonly familyName: string
    readonly givenName: string | null
    readonly dateOfBirth: DateOfBirthCriterion | null
    readonly gender: Gender | null
    readonly postcode: PostcodeCriterion | null
    /** Words of an address or town, standardised (see addressPatterns). */
    readonly address: readonly string[] | null
  }

/** Children are on the index to 18, or to 25 with consent: nobody older can be found. */
const OLDEST_YEARS = 26
const MAX_NAME = 100

export function parseSearchForm(form: SearchForm, today: string): { criteria: SearchCriteria } | { problems: FieldProblem[] } {
  const text = (value: string | undefined) => (value ?? '').trim()
  const id = text(form.contactPointId).replace(/[\s-]/g, '')
  if (id) {
    if (!/^\d{12}$/.test(id)) return { problems: [{ field: 'contactPointId', message: 'A ContactPoint ID is 12 digits, for example 1234 5678 9012' }] }
    if (!isValidContactPointId(id)) return { problems: [{ field: 'contactPointId', message: 'This is not a valid ContactPoint ID: check the digits' }] }
    return { criteria: { kind: 'id', contactPointId: id } }
  }

  const problems: FieldProblem[] = []
  const familyName = text(form.familyName)
  const givenName = text(form.givenName)
  if (familyName.length > MAX_NAME) problems.push({ field: 'familyName', message: `Family name must be ${MAX_NAME} characters or fewer` })
  else if (familyName && !/\p{L}/u.test(familyName)) problems.push({ field: 'familyName', message: 'Family name must include letters' })
  if (givenName.length > MAX_NAME) problems.push({ field: 'givenName', message: `Given name must be ${MAX_NAME} characters or fewer` })
  else if (givenName && !/\p{L}/u.test(givenName)) problems.push({ field: 'givenName', message: 'Given name must include letters' })

  const dob = parseDateOfBirth(text(form.dobDay), text(form.dobMonth), text(form.dobYear), today)
  if ('problem' in dob) problems.push({ field: dob.field, message: dob.problem })

  const genderText = text(form.gender)
  const gender = genderText === '' || genderText === 'any' ? null : (GENDERS as readonly string[]).includes(genderText) ? genderText as Gender : undefined
  if (gender === undefined) problems.push({ field: 'gender', message: 'Select a gender, or any' })

  const postcode = parsePostcode(text(form.postcode))
  if (postcode === undefined) problems.push({ field: 'postcode', message: 'Enter a real postcode, or the first part of one, like NM1 or NM1 2AB' })

  const addressText = text(form.address)
  const address = addressText ? addressWords(addressText) : null
  if (addressText.length > 200) problems.push({ field: 'address', message: 'Address must be 200 characters or fewer' })
  else if (addressText && address?.length === 0) problems.push({ field: 'address', message: 'Enter a street, house name or town' })

  if (problems.length) return { problems }
  const others = [givenName, 'date' in dob && dob.date, gender, postcode, address?.length].filter(Boolean).length
  if (!familyName) {
    return { problems: [{ field: 'familyName', message: others > 0 ? 'Enter the child\'s family name, or search by ContactPoint ID' : 'Enter a family name and at least one other detail, or a ContactPoint ID' }] }
  }
  if (others === 0) return { problems: [{ field: 'givenName', message: 'Enter at least one more detail as well as the family name, such as a given name or date of birth' }] }
  return {
    criteria: {
      kind: 'details', familyName, givenName: givenName || null, dateOfBirth: 'date' in dob ? dob.date : null, gender: gender ?? null,
      postcode: postcode ?? null, address: address && address.length ? address : null,
    },
  }
}

type DobResult = { date: DateOfBirthCriterion } | { none: true } | { field: string; problem: string }

function parseDateOfBirth(dayText: string, monthText: string, yearText: string, today: string): DobResult {
  if (!dayText && !monthText && !yearText) return { none: true }
  if (!yearText) return { field: 'dob-year', problem: 'Date of birth must include a year' }
  if (dayText && !monthText) return { field: 'dob-month', problem: 'Date of birth must include a month if it includes a day' }
  const thisYear = Number(today.slice(0, 4))
  if (!/^\d{4}$/.test(yearText)) return { field: 'dob-year', problem: 'Year must be 4 numbers, like 2015' }
  const year = Number(yearText)
  if (year > thisYear) return { field: 'dob-year', problem: 'Date of birth must be in the past' }
  if (year < thisYear - OLDEST_YEARS) return { field: 'dob-year', problem: `Year must be ${thisYear - OLDEST_YEARS} or later: ContactPoint holds children and young people only` }
  if (!monthText) return { date: { precision: 'year', year } }
  const month = Number(monthText)
  if (!/^\d{1,2}$/.test(monthText) || month < 1 || month > 12) return { field: 'dob-month', problem: 'Month must be a number from 1 to 12' }
  if (!dayText) return { date: { precision: 'month', year, month } }
  const day = Number(dayText)
  if (!/^\d{1,2}$/.test(dayText) || day < 1 || day > daysInMonth(year, month)) return { field: 'dob-day', problem: 'Date of birth must be a real date' }
  const iso = `${yearText}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
  if (iso > today) return { field: 'dob-day', problem: 'Date of birth must be in the past' }
  return { date: { precision: 'day', year, month, day, iso } }
}

const OUTWARD = /^[A-Z]{1,2}\d[A-Z\d]?$/

/** undefined: not a postcode; null: none given. */
function parsePostcode(raw: string): PostcodeCriterion | null | undefined {
  if (!raw) return null
  const full = standardisePostcode(raw)
  if (full?.sector) return { precision: 'full', compact: full.full.replace(' ', ''), display: full.full }
  const words = raw.toUpperCase().trim().split(/\s+/)
  if (words.length === 1 && OUTWARD.test(words[0] as string)) return { precision: 'district', compact: words[0] as string, display: words[0] as string }
  if (words.length === 2 && OUTWARD.test(words[0] as string) && /^\d$/.test(words[1] as string)) {
    return { precision: 'sector', compact: `${words[0]}${words[1]}`, display: `${words[0]} ${words[1]}` }
  }
  return undefined
}

/** Address words people abbreviate: each standard word with the forms it is written in. */
const ADDRESS_FORMS: Readonly<Record<string, readonly string[]>> = {
  road: ['road', 'rd'], street: ['street', 'st'], avenue: ['avenue', 'ave', 'av'], lane: ['lane', 'ln'], drive: ['drive', 'dr'],
  close: ['close', 'cl'], crescent: ['crescent', 'cres'], court: ['court', 'ct'], place: ['place', 'pl'], gardens: ['gardens', 'gdns'],
  terrace: ['terrace', 'terr', 'ter'], square: ['square', 'sq'], grove: ['grove', 'gr'], park: ['park', 'pk'], way: ['way', 'wy'],
  mount: ['mount', 'mt'], cottages: ['cottages', 'cotts'], green: ['green', 'grn'], hill: ['hill', 'hl'], walk: ['walk', 'wlk'],
  mews: ['mews', 'mws'], parade: ['parade', 'pde'],
}
const FORM_TO_WORD = new Map(Object.entries(ADDRESS_FORMS).flatMap(([word, forms]) => forms.map((f) => [f, word] as const)))
const ADDRESS_FILLER = new Set(['flat', 'apartment', 'apt', 'unit', 'the', 'of', 'and', 'at', 'no', 'number'])

/** Address words, folded, filler dropped, abbreviations written out: "12 Mill Rd" → 12, mill, road. */
export function addressWords(raw: string): string[] {
  const words = foldText(raw).replace(/['’`]/g, '').replace(/[^a-z0-9]+/g, ' ').trim().split(' ').filter(Boolean)
  return [...new Set(words.filter((w) => !ADDRESS_FILLER.has(w)).map((w) => FORM_TO_WORD.get(w) ?? w))].slice(0, 8)
}

/** A regular expression (PostgreSQL ARE) for each address word, matching any of its written forms as a whole word. */
export function addressPatterns(words: readonly string[]): string[] {
  return words.map((w) => `\\m(${(ADDRESS_FORMS[w] ?? [w]).join('|')})\\M`)
}

/** The kinds of criteria given, for the audit trail (never the values). */
export function criteriaKinds(criteria: SearchCriteria): string[] {
  if (criteria.kind === 'id') return ['contactpoint_id']
  return [
    'family_name',
    ...(criteria.givenName ? ['given_name'] : []),
    ...(criteria.dateOfBirth ? [`date_of_birth:${criteria.dateOfBirth.precision}`] : []),
    ...(criteria.gender ? ['gender'] : []),
    ...(criteria.postcode ? [`postcode:${criteria.postcode.precision}`] : []),
    ...(criteria.address ? ['address'] : []),
  ]
}
