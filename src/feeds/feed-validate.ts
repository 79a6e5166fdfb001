// Validation of one feed row, with reasons a supplier can act on ("line 12: child.date_of_birth
// '2019-02-30' is not a real date"). A row is either accepted (possibly with warnings: an NHS number
// that fails its check digit is dropped, not guessed at) or rejected whole; nothing is half-taken.
import { isValidNhsNumber, isValidUpn, standardisePostcode } from '../linkage/index.ts'
import {
  ADDRESS_STATUSES, CARER_RELATIONSHIPS, CONSENT_BASES, FEED_OPERATIONS, GENDERS, IDENTITY_CSV_COLUMNS,
  RETURN_INTENTS, SENSITIVE_SERVICE_TYPES, SERVICE_TYPES,
  type FeedAddress, type FeedCarer, type FeedChild, type FeedInvolvement, type FeedRecord, type ServiceType,
} from './feed-record.ts'

export type Supplies = 'identity' | 'carers' | 'involvements'

export interface ValidationContext {
  /** what the source may supply (data_source.supplies) */
  readonly supplies: ReadonlySet<Supplies>
  /** organisation codes in the registry, for involvements */
  readonly organisationCodes: ReadonlySet<string>
  /** today (ISO): no date may lie after it */
  readonly today: string
}

export type RowResult =
  | { readonly ok: true; readonly record: FeedRecord; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly recordId: string | null; readonly reason: string }

class Reject extends Error {}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/
const MAX_AGE_YEARS = 26

function isRealIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(y, mo - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
}

const quote = (v: unknown): string => (typeof v === 'string' ? `'${v.length > 40 ? `${v.slice(0, 40)}…` : v}'` : JSON.stringify(v) ?? String(v))

class Checker {
  readonly warnings: string[] = []
  readonly #ctx: ValidationContext

  constructor(ctx: ValidationContext) {
    this.#ctx = ctx
  }

  object(value: unknown, path: string, allowed: readonly string[]): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Reject(`${path} must be an object`)
    const unknown = Object.keys(value).filter((k) => !allowed.includes(k))
    if (unknown.length > 0) throw new Reject(`${path === '' ? 'the record' : path} has an unknown field '${unknown[0]}'`)
    return value as Record<string, unknown>
  }

  text(value: unknown, path: string, max: number, required: true): string
  text(value: unknown, path: string, max: number, required: false): string | null
  text(value: unknown, path: string, max: number, required: boolean): string | null {
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
      if (required) throw new Reject(`${path} is required`)
      return null
    }
    if (typeof value !== 'string') throw new Reject(`${path} must be text, not ${quote(value)}`)
    const trimmed = value.trim()
    if (trimmed.length > max) throw new Reject(`${path} is longer than ${max} characters`)
    if (CONTROL.test(trimmed)) throw new Reject(`${path} contains a control character`)
    return trimmed
  }

  oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[], required: boolean): T | null {
    if (value === undefined || value === null) {
      if (required) throw new Reject(`${path} is required`)
      return null
    }
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      throw new Reject(`${path} ${quote(value)} is not one of: ${allowed.join(', ')}`)
    }
    return value as T
  }

  date(value: unknown, path: string, required: boolean): string | null {
    const text = this.text(value, path, 10, required as true)
    if (text === null) return null
    if (!ISO_DATE.test(text)) throw new Reject(`${path} ${quote(text)} is not a date in the form YYYY-MM-DD`)
    if (!isRealIsoDate(text)) throw new Reject(`${path} ${quote(text)} is not a real date`)
    if (text > this.#ctx.today) throw new Reject(`${path} ${quote(text)} is in the future`)
    return text
  }

  bool(value: unknown, path: string, fallback: boolean | null): boolean {
    if (value === undefined || value === null) {
      if (fallback === null) throw new Reject(`${path} is required (true or false)`)
      return fallback
    }
    if (typeof value !== 'boolean') throw new Reject(`${path} must be true or false, not ${quote(value)}`)
    return value
  }

  address(value: unknown, path: string): FeedAddress | null {
    if (value === undefined || value === null) return null
    const a = this.object(value, path, ['lines', 'town', 'postcode', 'status', 'return_intent'])
    const status = this.oneOf(a.status, `${path}.status`, ADDRESS_STATUSES, true) as FeedAddress['status']
    const rawLines = a.lines ?? []
    if (!Array.isArray(rawLines)) throw new Reject(`${path}.lines must be a list of text`)
    const lines = rawLines.map((l, i) => this.text(l, `${path}.lines[${i}]`, 100, true))
    if (lines.length > 6) throw new Reject(`${path}.lines has more than 6 lines`)
    if (lines.length === 0 && (status === 'current' || status === 'last_known')) throw new Reject(`${path}.lines is required when the status is ${status}`)
    const returnIntent = this.oneOf(a.return_intent, `${path}.return_intent`, RETURN_INTENTS, false)
    if (returnIntent !== null && status !== 'left_england') throw new Reject(`${path}.return_intent is only allowed when the status is left_england`)
    let postcode = this.text(a.postcode, `${path}.postcode`, 10, false)
    if (postcode !== null) {
      const standard = standardisePostcode(postcode)
      if (standard?.district) postcode = standard.full
      else {
        this.warnings.push(`${path}.postcode ${quote(postcode)} is not a UK postcode; the address is kept without it`)
        postcode = null
      }
    }
    return { lines, town: this.text(a.town, `${path}.town`, 100, false), postcode, status, return_intent: status === 'left_england' ? returnIntent ?? 'unknown' : null }
  }

  child(value: unknown): FeedChild {
    const c = this.object(value, 'child', ['given_name', 'middle_names', 'family_name', 'former_family_names', 'date_of_birth', 'date_of_death', 'gender', 'address', 'nhs_number', 'upn'])
    const dob = this.date(c.date_of_birth, 'child.date_of_birth', true) as string
    const oldest = `${Number(this.#ctx.today.slice(0, 4)) - MAX_AGE_YEARS}${this.#ctx.today.slice(4)}`
    if (dob < oldest) throw new Reject(`child.date_of_birth ${quote(dob)} is more than ${MAX_AGE_YEARS} years ago: ContactPoint holds children and young people only`)
    const dod = this.date(c.date_of_death, 'child.date_of_death', false)
    if (dod !== null && dod < dob) throw new Reject(`child.date_of_death ${quote(dod)} is before the date of birth`)
    const former = c.former_family_names ?? []
    if (!Array.isArray(former)) throw new Reject('child.former_family_names must be a list of text')
    let nhs = this.text(c.nhs_number, 'child.nhs_number', 20, false)
    if (nhs !== null) {
      const digits = nhs.replace(/[\s-]/g, '')
      if (isValidNhsNumber(digits)) nhs = digits
      else {
        this.warnings.push(`child.nhs_number ${quote(nhs)} fails its check digit; the record is kept without it`)
        nhs = null
      }
    }
    let upn = this.text(c.upn, 'child.upn', 20, false)
    if (upn !== null) {
      const compact = upn.replace(/\s/g, '').toUpperCase()
      if (isValidUpn(compact)) upn = compact
      else {
        this.warnings.push(`child.upn ${quote(upn)} fails its check letter; the record is kept without it`)
        upn = null
      }
    }
    return {
      given_name: this.text(c.given_name, 'child.given_name', 100, true),
      middle_names: this.text(c.middle_names, 'child.middle_names', 200, false),
      family_name: this.text(c.family_name, 'child.family_name', 100, true),
      former_family_names: former.map((f, i) => this.text(f, `child.former_family_names[${i}]`, 100, true)),
      date_of_birth: dob,
      date_of_death: dod,
      gender: this.oneOf(c.gender, 'child.gender', GENDERS, false) ?? 'not_specified',
      address: this.address(c.address, 'child.address'),
      nhs_number: nhs,
      upn,
    }
  }

  carer(value: unknown, path: string): FeedCarer {
    const c = this.object(value, path, ['given_name', 'family_name', 'relationship', 'parental_responsibility', 'phone', 'email', 'address'])
    return {
      given_name: this.text(c.given_name, `${path}.given_name`, 100, true),
      family_name: this.text(c.family_name, `${path}.family_name`, 100, true),
      relationship: this.oneOf(c.relationship, `${path}.relationship`, CARER_RELATIONSHIPS, true) as FeedCarer['relationship'],
      parental_responsibility: this.bool(c.parental_responsibility, `${path}.parental_responsibility`, null),
      phone: this.text(c.phone, `${path}.phone`, 30, false),
      email: this.text(c.email, `${path}.email`, 200, false),
      address: this.address(c.address, `${path}.address`),
    }
  }

  involvement(value: unknown, path: string, ending: boolean): FeedInvolvement {
    const i = this.object(value, path, ['involvement_id', 'service_type', 'organisation_code', 'practitioner_name', 'phone', 'email', 'started_on', 'ended_on', 'lead_professional', 'holds_caf', 'consent_basis'])
    const id = this.text(i.involvement_id, `${path}.involvement_id`, 100, true)
    if (ending) {
      const ended = this.date(i.ended_on, `${path}.ended_on`, true) as string
      return { involvement_id: id, service_type: 'other', organisation_code: '', started_on: ended, ended_on: ended }
    }
    const serviceType = this.oneOf(i.service_type, `${path}.service_type`, SERVICE_TYPES, true) as ServiceType
    const organisation = this.text(i.organisation_code, `${path}.organisation_code`, 20, true)
    if (!this.#ctx.organisationCodes.has(organisation)) throw new Reject(`${path}.organisation_code ${quote(organisation)} is not a registered organisation`)
    const started = this.date(i.started_on, `${path}.started_on`, true) as string
    const ended = this.date(i.ended_on, `${path}.ended_on`, false)
    if (ended !== null && ended < started) throw new Reject(`${path}.ended_on ${quote(ended)} is before started_on`)
    const consent = this.oneOf(i.consent_basis, `${path}.consent_basis`, CONSENT_BASES, false)
    const sensitive = SENSITIVE_SERVICE_TYPES.includes(serviceType)
    if (sensitive && consent === null) throw new Reject(`${path}.consent_basis is required for the sensitive service ${serviceType}`)
    if (!sensitive && consent !== null) throw new Reject(`${path}.consent_basis is only for sensitive services`)
    return {
      involvement_id: id, service_type: serviceType, organisation_code: organisation,
      practitioner_name: this.text(i.practitioner_name, `${path}.practitioner_name`, 100, false),
      phone: this.text(i.phone, `${path}.phone`, 30, false), email: this.text(i.email, `${path}.email`, 200, false),
      started_on: started, ended_on: ended,
      lead_professional: this.bool(i.lead_professional, `${path}.lead_professional`, false),
      holds_caf: this.bool(i.holds_caf, `${path}.holds_caf`, false),
      consent_basis: consent,
    }
  }

  list(value: unknown, path: string): unknown[] {
    if (value === undefined || value === null) return []
    if (!Array.isArray(value)) throw new Reject(`${path} must be a list`)
    return value
  }

  record(value: unknown): FeedRecord {
    const r = this.object(value, '', ['op', 'record_id', 'child', 'carers', 'involvements'])
    const op = this.oneOf(r.op, 'op', FEED_OPERATIONS, true) as FeedRecord['op']
    const recordId = this.text(r.record_id, 'record_id', 100, true)
    const supplies = this.#ctx.supplies
    if (op === 'delete') {
      if (r.child !== undefined || r.carers !== undefined || r.involvements !== undefined) throw new Reject('a delete carries only op and record_id')
      return { op, record_id: recordId }
    }
    if (op === 'involvement_ended') {
      if (!supplies.has('involvements')) throw new Reject('this source does not supply involvements')
      const ended = this.list(r.involvements, 'involvements').map((v, k) => this.involvement(v, `involvements[${k}]`, true))
      if (ended.length === 0) throw new Reject('involvement_ended needs at least one involvement with involvement_id and ended_on')
      return { op, record_id: recordId, involvements: ended }
    }
    if (r.child === undefined) throw new Reject('child is required for an upsert')
    const carers = this.list(r.carers, 'carers')
    if (carers.length > 0 && !supplies.has('carers')) throw new Reject('this source does not supply carers')
    if (carers.length > 10) throw new Reject('carers has more than 10 entries')
    const involvements = this.list(r.involvements, 'involvements')
    if (involvements.length > 0 && !supplies.has('involvements')) throw new Reject('this source does not supply involvements')
    if (involvements.length > 50) throw new Reject('involvements has more than 50 entries')
    const parsed = involvements.map((v, k) => this.involvement(v, `involvements[${k}]`, false))
    const ids = new Set<string>()
    for (const inv of parsed) {
      if (ids.has(inv.involvement_id)) throw new Reject(`involvement_id ${quote(inv.involvement_id)} appears twice in the record`)
      ids.add(inv.involvement_id)
    }
    return {
      op, record_id: recordId, child: this.child(r.child),
      carers: carers.map((v, k) => this.carer(v, `carers[${k}]`)),
      involvements: parsed,
    }
  }
}

/** Validate one parsed JSON Lines row. */
export function validateFeedRow(value: unknown, ctx: ValidationContext): RowResult {
  const checker = new Checker(ctx)
  try {
    return { ok: true, record: checker.record(value), warnings: checker.warnings }
  } catch (error) {
    if (!(error instanceof Reject)) throw error
    const id = typeof value === 'object' && value !== null && typeof (value as { record_id?: unknown }).record_id === 'string'
      ? ((value as { record_id: string }).record_id).slice(0, 100) : null
    return { ok: false, recordId: id, reason: error.message }
  }
}

/** Parse and validate one line of a JSON Lines feed. */
export function validateJsonLine(line: string, ctx: ValidationContext): RowResult {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch (error) {
    return { ok: false, recordId: null, reason: `not valid JSON (${(error as Error).message})` }
  }
  return validateFeedRow(value, ctx)
}

/**
 * An identity CSV row (columns as in IDENTITY_CSV_COLUMNS) as a feed upsert. `address` is one line
 * of text split at commas; former family names are separated by ';' or '|'.
 */
export function csvRowToFeedValue(header: readonly string[], fields: readonly string[]): unknown {
  const get = (column: string): string | undefined => {
    const at = header.indexOf(column)
    const v = at < 0 ? undefined : fields[at]?.trim()
    return v === '' ? undefined : v
  }
  const address = get('address')
  const postcode = get('postcode')
  const gender = get('gender')
  return {
    op: 'upsert',
    record_id: get('record_id'),
    child: {
      given_name: get('given_name'), middle_names: get('middle_names'), family_name: get('family_name'),
      former_family_names: get('former_family_names')?.split(/[;|]/).map((s) => s.trim()).filter(Boolean) ?? [],
      date_of_birth: get('date_of_birth'),
      gender: gender === undefined ? undefined : ({ m: 'male', f: 'female', male: 'male', female: 'female', u: 'not_specified', not_specified: 'not_specified' } as Record<string, string>)[gender.toLowerCase()] ?? gender,
      address: address || postcode ? { lines: address ? address.split(',').map((s) => s.trim()).filter(Boolean).slice(0, 6) : [], postcode, status: address ? 'current' : 'no_known_address' } : undefined,
      nhs_number: get('nhs_number'), upn: get('upn'),
    },
  }
}

/** The CSV header problems that make the whole file unreadable. */
export function csvHeaderProblem(header: readonly string[]): string | null {
  const missing = ['record_id', 'given_name', 'family_name', 'date_of_birth'].filter((c) => !header.includes(c))
  if (missing.length > 0) return `the header lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`
  const unknown = header.filter((c) => !(IDENTITY_CSV_COLUMNS as readonly string[]).includes(c))
  if (unknown.length > 0) return `the header has an unknown column '${unknown[0]}' (allowed: ${IDENTITY_CSV_COLUMNS.join(', ')})`
  return null
}
