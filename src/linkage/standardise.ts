// Standardisation: turns what a source sent into comparable values. Case, accents, punctuation
// and spacing are removed; titles and placeholders ("Baby", "Unknown") dropped; hyphenated and
// double-barrelled surnames kept both whole and as parts; Mac/Mc and O'/O written one way;
// postcodes put in the standard form with sector, district and area; dates read in common forms.

import { isValidNhsNumber, isValidUpn, standardiseNhsNumber, standardiseUpn } from './identifiers.ts'
import type { LinkRecord } from './types.ts'

const SPECIAL_LETTERS: Readonly<Record<string, string>> = {
  ł: 'l', đ: 'd', ø: 'o', æ: 'ae', œ: 'oe', ß: 'ss', þ: 'th', ð: 'd', ı: 'i', ħ: 'h', ŀ: 'l',
}

/** Lower case, accents removed (Zoë → zoe, Wiśniewski → wisniewski, Łukasz → lukasz). */
export function foldText(raw: string): string {
  const lower = raw.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
  return /[łđøæœßþðıħŀ]/.test(lower) ? lower.replace(/[łđøæœßþðıħŀ]/g, (c) => SPECIAL_LETTERS[c] ?? c) : lower
}

const TITLES = new Set(['mr', 'mrs', 'miss', 'ms', 'mx', 'master', 'dr', 'sir', 'dame', 'lady', 'lord', 'rev', 'revd', 'prof'])
const SUFFIXES = new Set(['jr', 'jnr', 'junior', 'sr', 'snr', 'senior', 'ii', 'iii', 'iv'])
/** Given-name values that mean "not yet named" or "not known". */
const PLACEHOLDERS = new Set(['baby', 'babyof', 'unknown', 'unnamed', 'notknown', 'nk', 'na', 'infant', 'newborn', 'twin', 'triplet', 'boy', 'girl', 'male', 'female', 'child', 'unborn', 'bb', 'test', 'xxx', 'none'])
/** Surname particles that belong to the next word (O Brien, Mc Donald, de la Cruz). */
const PARTICLES = new Set(['o', 'mc', 'mac', 'de', 'da', 'di', 'du', 'del', 'della', 'la', 'le', 'van', 'von', 'der', 'den', 'ter', 'al', 'el', 'bin', 'ibn', 'ap', 'st', 'san', 'dos', 'das'])

/** Words of a name: apostrophes and dots removed, other punctuation separating words. */
function nameWords(raw: string | undefined): string[] {
  if (!raw) return []
  const folded = foldText(raw).replace(/['’‘`´.]/g, '').replace(/[^a-z]+/g, ' ').trim()
  return folded.length === 0 ? [] : folded.split(' ')
}

function macToMc(word: string): string {
  return word.length >= 7 && word.startsWith('mac') ? `mc${word.slice(3)}` : word
}

export interface StandardNames {
  /** The first given name, or null when missing or a placeholder. */
  readonly given: string | null
  /** Middle names, including any second given name written in the given-name field. */
  readonly middle: readonly string[]
  /** The family name with spaces and hyphens removed (“Okonkwo-Mensah” → “okonkwomensah”). */
  readonly family: string | null
  /** The parts of a double-barrelled or multi-word family name (“okonkwo”, “mensah”). */
  readonly familyParts: readonly string[]
  /** Earlier family names, standardised like `family`. */
  readonly former: readonly string[]
}

/** Standardise a family name: whole (no separators) and its parts. */
export function standardiseFamilyName(raw: string | undefined): { family: string | null; parts: string[] } {
  let words = nameWords(raw)
  while (words.length > 1 && TITLES.has(words[0] as string)) words = words.slice(1)
  while (words.length > 1 && SUFFIXES.has(words[words.length - 1] as string)) words = words.slice(0, -1)
  if (words.length === 0) return { family: null, parts: [] }
  const parts: string[] = []
  let pending = ''
  for (const word of words) {
    if (PARTICLES.has(word)) {
      pending += word
      continue
    }
    parts.push(macToMc(pending + word))
    pending = ''
  }
  if (pending) parts.push(pending)
  const family = parts.join('')
  return { family: family.length > 0 ? family : null, parts: parts.length > 1 ? parts.filter((p) => p.length >= 2) : [family] }
}

/**
 * Standardise the name fields of a record. A hyphenated given name stays one name (Mary-Jane →
 * maryjane); a second word in the given-name field (Mary Jane) becomes the first middle name.
 */
export function standardiseNames(record: Pick<LinkRecord, 'givenName' | 'middleNames' | 'familyName' | 'formerFamilyNames'>): StandardNames {
  const givenField = record.givenName ? record.givenName.replace(/(\p{L})[-‐](\p{L})/gu, '$1$2') : undefined
  let givenWords = nameWords(givenField)
  while (givenWords.length > 0 && TITLES.has(givenWords[0] as string)) givenWords = givenWords.slice(1)
  // "Baby of Smith", "Baby Smith", "Twin 1": not a name yet
  if (givenWords.length > 0 && PLACEHOLDERS.has(givenWords[0] as string)) givenWords = []
  if (givenWords.join('') === 'notknown' || givenWords.join('') === 'babyof') givenWords = []
  const middleWords = nameWords(record.middleNames).filter((w) => !PLACEHOLDERS.has(w) && w.length > 0)
  const given = givenWords[0] ?? null
  const middle = [...givenWords.slice(1), ...middleWords]
  const { family, parts } = standardiseFamilyName(record.familyName)
  const former: string[] = []
  if (record.formerFamilyNames) {
    for (const piece of record.formerFamilyNames.split(/[;|,]/)) {
      const f = standardiseFamilyName(piece).family
      if (f && f !== family && !former.includes(f)) former.push(f)
    }
  }
  return { given, middle, family, familyParts: family ? parts : [], former }
}

// ---------------------------------------------------------------------------------------------
// Parents and carers

export interface StandardCarer {
  /** first given name (null when only one word was given) */
  readonly given: string | null
  /** family name, standardised like a child's (whole, no separators) */
  readonly family: string
}

/**
 * Standardise a record's carers ("Sarah Okafor; Mr David Okafor" or a list): each name's first word
 * is the given name and the rest the family name; titles dropped, each carer once.
 */
export function standardiseCarers(raw: string | readonly string[] | undefined): StandardCarer[] {
  if (!raw) return []
  const pieces = typeof raw === 'string' ? raw.split(/[;|]/) : raw.flatMap((x) => x.split(/[;|]/))
  const out: StandardCarer[] = []
  for (const piece of pieces) {
    let words = nameWords(piece)
    while (words.length > 1 && TITLES.has(words[0] as string)) words = words.slice(1)
    if (words.length === 0) continue
    const given = words.length > 1 ? (words[0] as string) : null
    const family = standardiseFamilyName(words.slice(words.length > 1 ? 1 : 0).join(' ')).family
    if (!family) continue
    if (!out.some((c) => c.given === given && c.family === family)) out.push({ given, family })
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Dates of birth

export interface StandardDate {
  /** YYYYMMDD as a number (also for impossible dates such as 2015-02-30, kept for digit comparisons). */
  readonly ymd: number
  /** True for a real calendar date. */
  readonly valid: boolean
  /** Days since 1970-01-01 (NaN when not a real date). */
  readonly days: number
}

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
}

/** Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

function makeDate(year: number, month: number, day: number): StandardDate | null {
  if (!Number.isInteger(year) || year < 1 || year > 9999 || month < 0 || month > 99 || day < 0 || day > 99) return null
  const ymd = year * 10000 + month * 100 + day
  const valid = month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
  return { ymd, valid, days: valid ? daysFromCivil(year, month, day) : NaN }
}

/**
 * Read a date of birth. ISO `YYYY-MM-DD` (optionally with a time), `YYYYMMDD`, British
 * `DD/MM/YYYY` (also with `-` or `.`), `YYYY/MM/DD` and `12 March 2015` / `March 12, 2015`.
 * Returns null when the text is not a date in any of these forms.
 */
export function parseDate(raw: string | undefined): StandardDate | null {
  if (!raw) return null
  const text = raw.trim().toLowerCase()
  if (text.length === 0) return null
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[t ].*)?$/.exec(text) ?? /^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$/.exec(text)
  if (m) return makeDate(Number(m[1]), Number(m[2]), Number(m[3]))
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(text)
  if (m) return makeDate(Number(m[1]), Number(m[2]), Number(m[3]))
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text)
  if (m) return makeDate(Number(m[3]), Number(m[2]), Number(m[1]))
  m = /^(\d{1,2})(?:st|nd|rd|th)?[\s-]+([a-z]+)\.?,?[\s-]+(\d{4})$/.exec(text)
  if (m) {
    const month = MONTHS[(m[2] as string).slice(0, (m[2] as string).startsWith('sept') ? 4 : 3)]
    return month ? makeDate(Number(m[3]), month, Number(m[1])) : null
  }
  m = /^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$/.exec(text)
  if (m) {
    const month = MONTHS[(m[1] as string).slice(0, 3)]
    return month ? makeDate(Number(m[3]), month, Number(m[2])) : null
  }
  return null
}

/** The date as `YYYY-MM-DD` (also for impossible dates, to show what the source sent). */
export function formatYmd(ymd: number): string {
  const y = Math.floor(ymd / 10000)
  const mo = Math.floor(ymd / 100) % 100
  const d = ymd % 100
  return `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`
}

// ---------------------------------------------------------------------------------------------
// Gender

export const GENDER_UNKNOWN = 0
export const GENDER_MALE = 1
export const GENDER_FEMALE = 2

/** 1 male, 2 female, 0 not recorded / not specified / not understood. */
export function standardiseGender(raw: string | undefined): number {
  if (!raw) return GENDER_UNKNOWN
  const g = raw.trim().toLowerCase()
  if (g === 'm' || g === 'male' || g === 'boy' || g === '1' || g === 'man') return GENDER_MALE
  if (g === 'f' || g === 'female' || g === 'girl' || g === '2' || g === 'woman') return GENDER_FEMALE
  return GENDER_UNKNOWN
}

// ---------------------------------------------------------------------------------------------
// Postcodes

export interface StandardPostcode {
  /** `SW1A 1AA`; for a code not in UK form, the code as sent without spaces, upper case. */
  readonly full: string
  /** `SW1A 1` (null when not a UK postcode) */
  readonly sector: string | null
  /** `SW1A` */
  readonly district: string | null
  /** `SW` */
  readonly area: string | null
}

const UK_POSTCODE = /^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$/

export function standardisePostcode(raw: string | undefined): StandardPostcode | null {
  if (!raw) return null
  const compact = foldText(raw).toUpperCase().replace(/[^A-Z0-9]/g, '')
  if (compact.length === 0) return null
  const m = UK_POSTCODE.exec(compact)
  if (!m) return { full: compact, sector: null, district: null, area: null }
  const outward = m[1] as string
  const inward = m[2] as string
  return { full: `${outward} ${inward}`, sector: `${outward} ${inward.charAt(0)}`, district: outward, area: (/^[A-Z]+/.exec(outward) as RegExpExecArray)[0] }
}

// ---------------------------------------------------------------------------------------------
// Addresses

const ADDRESS_WORDS: Readonly<Record<string, string>> = {
  road: 'rd', street: 'st', saint: 'st', avenue: 'ave', av: 'ave', lane: 'ln', drive: 'dr', close: 'cl', crescent: 'cres',
  court: 'ct', place: 'pl', gardens: 'gdns', garden: 'gdn', terrace: 'terr', ter: 'terr', square: 'sq', grove: 'gr',
  park: 'pk', way: 'wy', mount: 'mt', north: 'n', south: 's', east: 'e', west: 'w', upper: 'upr', lower: 'lwr',
  house: 'ho', cottage: 'cott', cottages: 'cotts', building: 'bldg', buildings: 'bldgs', estate: 'est', green: 'grn',
  hill: 'hl', walk: 'wlk', row: 'rw', mews: 'mws', parade: 'pde', view: 'vw', villas: 'vls',
}
const ADDRESS_DROP = new Set(['flat', 'apartment', 'apt', 'unit', 'the', 'of', 'and', 'at', 'c', 'o', 'co', 'no', 'number'])
const POSTCODE_IN_TEXT = /\b[a-z]{1,2}\d[a-z\d]?\s*\d[a-z]{2}\b/g

/** Address words for comparison: abbreviations written one way, postcode and filler words dropped. */
export function addressTokens(raw: string | undefined): string[] {
  if (!raw) return []
  const text = foldText(raw).replace(POSTCODE_IN_TEXT, ' ').replace(/['’`]/g, '').replace(/[^a-z0-9]+/g, ' ').trim()
  if (text.length === 0) return []
  const out: string[] = []
  for (const word of text.split(' ')) {
    if (ADDRESS_DROP.has(word)) continue
    const token = ADDRESS_WORDS[word] ?? word
    if (!out.includes(token)) out.push(token)
  }
  return out
}

/** Free-text attribute: folded, punctuation removed, single spaces; null when empty. */
export function standardiseText(raw: string | undefined): string | null {
  if (!raw) return null
  const text = foldText(raw).replace(/[^a-z0-9]+/g, ' ').trim()
  return text.length > 0 ? text : null
}

/** Words of a free-text attribute, each once. */
export function textTokens(raw: string | undefined): string[] {
  const text = standardiseText(raw)
  return text ? [...new Set(text.split(' '))] : []
}

// ---------------------------------------------------------------------------------------------
// Whole record

export interface StandardRecord extends StandardNames {
  readonly dob: StandardDate | null
  readonly gender: number
  readonly postcode: StandardPostcode | null
  readonly address: readonly string[]
  readonly nhs: string | null
  readonly nhsValid: boolean
  readonly upn: string | null
  readonly upnValid: boolean
}

export function standardiseRecord(record: LinkRecord): StandardRecord {
  const names = standardiseNames(record)
  const nhs = standardiseNhsNumber(record.nhsNumber)
  const upn = standardiseUpn(record.upn)
  return {
    ...names,
    dob: parseDate(record.dateOfBirth),
    gender: standardiseGender(record.gender),
    postcode: standardisePostcode(record.postcode),
    address: addressTokens(record.address),
    nhs,
    nhsValid: nhs !== null && isValidNhsNumber(nhs),
    upn,
    upnValid: upn !== null && isValidUpn(upn),
  }
}
