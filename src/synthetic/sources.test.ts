import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { FeedRecord } from '../feeds/feed-record.ts'
import { ADDRESS_STATUSES, CARER_RELATIONSHIPS, CONSENT_BASES, GENDERS, SENSITIVE_SERVICE_TYPES, SERVICE_TYPES } from '../feeds/feed-record.ts'
import { foldToAscii, isAscii } from './contact.ts'
import { NICKNAMES, SPELLING_VARIANTS } from './data/name-variants.ts'
import { dayNumber } from './dates.ts'
import { buildWorld, generateHouseholds } from './generator.ts'
import { isValidNhsNumber } from './identifiers.ts'
import type { SourceRecord } from './observe.ts'
import { swapDayMonth } from './noise.ts'
import type { TrueChild } from './population.ts'
import type { ErrorKind, SourceProfile } from './sources.ts'
import { ERROR_KINDS, SOURCE_PROFILES } from './sources.ts'

const world = buildWorld({ children: 8000, seed: 'sources-test' })
const { referenceDate } = world.options
const households = [...generateHouseholds(world)]
const children = new Map(households.flatMap((h) => h.children).map((c) => [c.key, c]))
const records = households.flatMap((h) => h.records)
const profileOf = (source: string): SourceProfile => {
  const profile = SOURCE_PROFILES.find((p) => p.key === source || source.endsWith(`-${p.key}`) && p.scope === 'local')
  assert.ok(profile, source)
  return profile
}
const truthOf = (record: SourceRecord): TrueChild => {
  const child = children.get(record.child)
  assert.ok(child, record.child)
  return child
}
const norm = (name: string | null | undefined): string => foldToAscii(name ?? '').toLowerCase().replace(/\s+/g, '')
const VARIANTS = new Set(SPELLING_VARIANTS.flat())

function assertValidRecord(record: FeedRecord): void {
  assert.equal(record.op, 'upsert')
  const child = record.child
  assert.ok(child)
  assert.match(child.date_of_birth, /^\d{4}-\d{2}-\d{2}$/)
  assert.ok(child.given_name !== '' && child.family_name !== '')
  if (child.gender != null) assert.ok((GENDERS as readonly string[]).includes(child.gender))
  if (child.address) assert.ok((ADDRESS_STATUSES as readonly string[]).includes(child.address.status))
  for (const carer of record.carers ?? []) assert.ok((CARER_RELATIONSHIPS as readonly string[]).includes(carer.relationship))
  for (const involvement of record.involvements ?? []) {
    assert.ok((SERVICE_TYPES as readonly string[]).includes(involvement.service_type))
    assert.ok(involvement.involvement_id.startsWith(`${record.record_id}-`))
    if (SENSITIVE_SERVICE_TYPES.includes(involvement.service_type)) assert.ok((CONSENT_BASES as readonly string[]).includes(involvement.consent_basis ?? ''))
    else assert.equal(involvement.consent_basis, null)
  }
}

describe('sources', () => {
  it('see every child at least once, and each record belongs to a real child', () => {
    const seen = new Set(records.map((r) => truthOf(r).key))
    assert.equal(seen.size, children.size)
  })

  it('write records in the feed format with the identifiers and involvements of the source', () => {
    for (const record of records) {
      assertValidRecord(record.record)
      const profile = profileOf(record.source)
      const child = record.record.child
      assert.ok(child)
      if (!profile.nhsNumber) assert.equal(child.nhs_number, undefined)
      if (!profile.upn) assert.equal(child.upn, undefined)
      for (const involvement of record.record.involvements ?? []) assert.ok(profile.services.includes(involvement.service_type))
      if (profile.scope === 'local') assert.ok(record.source.startsWith('northmoor-'))
    }
  })

  it('give unique record IDs within each source, and hold some children twice', () => {
    const bySource = Map.groupBy(records, (r) => r.source)
    for (const [source, list] of bySource) {
      assert.equal(new Set(list.map((r) => r.record.record_id)).size, list.length, source)
      // A child is held twice exactly when its second record is flagged as the duplicate.
      for (const [child, held] of Map.groupBy(list, (r) => r.child)) {
        assert.ok(held.length <= 2, `${source} holds ${child} ${held.length} times`)
        assert.deepEqual(held.map((r) => r.errors.includes('duplicate')), held.length === 2 ? [false, true] : [false])
      }
    }
    const duplicated = records.filter((r) => r.errors.includes('duplicate')).length
    assert.ok(duplicated / records.length > 0.002 && duplicated / records.length < 0.01, `${duplicated} duplicates`)
  })

  it('cover their share of the children they can hold', () => {
    const all = [...children.values()]
    const share = (source: string, eligible: (c: TrueChild) => boolean): number => {
      const pool = all.filter(eligible)
      const held = new Set(records.filter((r) => r.source === source).map((r) => r.child))
      return pool.filter((c) => held.has(c.key)).length / pool.length
    }
    assert.ok(Math.abs(share('nhs-pds', (c) => c.nhs_number !== null) - 0.995) < 0.005)
    assert.ok(Math.abs(share('gro-births', (c) => c.born_in_england) - 0.998) < 0.004)
    assert.ok(Math.abs(share('dwp-child-benefit', (c) => yearsBetweenRef(c) < 16 && c.carers.every((x) => x.relationship !== 'foster_carer')) - 0.92) < 0.02)
    assert.equal(share('northmoor-social-care', (c) => c.involvements.some((i) => i.service_type === 'childrens_social_care' || i.service_type === 'early_help')), 1)
    const socialCare = all.filter((c) => c.involvements.some((i) => i.service_type === 'childrens_social_care')).length / all.length
    assert.ok(socialCare > 0.02 && socialCare < 0.06, `social care ${socialCare}`)
  })

  it('make errors that are really in the record, and no change without one', () => {
    for (const record of records) {
      const truth = truthOf(record)
      const profile = profileOf(record.source)
      const child = record.record.child
      assert.ok(child)
      const has = (kind: ErrorKind): boolean => record.errors.includes(kind)
      const errors = record.errors.filter((kind) => kind !== 'duplicate')
      if (errors.length === 0) {
        assert.equal(child.given_name, truth.given_name)
        assert.equal(child.middle_names, truth.middle_names)
        assert.equal(child.family_name, truth.family_name)
        assert.deepEqual(child.former_family_names, profile.formerNames ? truth.former_family_names : undefined)
        assert.equal(child.date_of_birth, truth.date_of_birth)
        assert.equal(child.gender, truth.gender)
        assert.deepEqual(child.address, truth.address)
        assert.equal(child.nhs_number, profile.nhsNumber ? truth.nhs_number : undefined)
        assert.equal(child.upn, profile.upn ? truth.upn : undefined)
        continue
      }
      if (has('baby_placeholder')) assert.equal(norm(child.given_name), 'baby')
      if (has('dob_day_month_swap') && !has('dob_digit')) assert.equal(child.date_of_birth, swapDayMonth(truth.date_of_birth))
      if (!has('dob_day_month_swap') && !has('dob_digit')) assert.equal(child.date_of_birth, truth.date_of_birth)
      if (has('missing_postcode')) assert.equal(child.address?.postcode, null)
      if (has('missing_gender')) assert.equal(child.gender, null)
      else assert.equal(child.gender, truth.gender)
      if (has('old_address')) assert.deepEqual(child.address?.lines, truth.previous_address?.lines)
      else assert.deepEqual(child.address?.lines, truth.address.lines)
      if (has('missing_nhs_number')) assert.equal(child.nhs_number, null)
      if (has('nhs_number_typo')) assert.ok(child.nhs_number && !isValidNhsNumber(child.nhs_number))
      if (!has('missing_nhs_number') && !has('nhs_number_typo') && profile.nhsNumber) assert.equal(child.nhs_number, truth.nhs_number)
      if (has('missing_upn')) assert.equal(child.upn, null)
      if (has('missing_middle_names')) assert.equal(child.middle_names, null)
      const familyTouched = ['double_barrel_variant', 'given_family_swap', 'family_name_typo', 'baby_placeholder'].some((k) => has(k as ErrorKind))
      if (has('former_family_name') && !familyTouched) assert.equal(norm(child.family_name), norm(truth.former_family_names.at(-1)))
      if (!has('former_family_name') && !familyTouched) assert.equal(norm(child.family_name), norm(truth.family_name))
      const givenTouched = ['name_variant', 'given_middle_swap', 'given_family_swap', 'given_name_typo'].some((k) => has(k as ErrorKind))
      if (has('nickname') && !givenTouched) assert.ok(NICKNAMES[truth.given_name]?.some((n) => norm(n) === norm(child.given_name)))
      if (!has('nickname') && !givenTouched && !has('baby_placeholder')) assert.equal(norm(child.given_name), norm(truth.given_name))
      if (has('name_case')) {
        const { given_name: given, family_name: family } = child
        assert.ok(given !== given.trim() || family !== family.trim() || family === family.toUpperCase() || given === given.toLowerCase(), `${given} ${family}`)
      }
    }
  })

  it('make each kind of error at its configured rate where it can apply', () => {
    const observed = new Map<ErrorKind, number>()
    const expected = new Map<ErrorKind, number>()
    const add = (map: Map<ErrorKind, number>, kind: ErrorKind, n: number): void => {
      map.set(kind, (map.get(kind) ?? 0) + n)
    }
    for (const record of records) {
      const truth = truthOf(record)
      const profile = profileOf(record.source)
      const has = (kind: ErrorKind): boolean => record.errors.includes(kind)
      for (const kind of record.errors) add(observed, kind, 1)
      const placeholder = has('baby_placeholder')
      const [, month, day] = truth.date_of_birth.split('-')
      const family = has('former_family_name') ? truth.former_family_names.at(-1) ?? '' : truth.family_name
      const applies: Record<ErrorKind, boolean> = {
        baby_placeholder: dayNumber(referenceDate) - dayNumber(truth.date_of_birth) < 42,
        former_family_name: truth.former_family_names.length > 0,
        double_barrel_variant: /[- ]/.test(family),
        nickname: !placeholder && NICKNAMES[truth.given_name] !== undefined,
        name_variant: !placeholder && !has('nickname') && VARIANTS.has(truth.given_name),
        given_middle_swap: !placeholder && truth.middle_names !== null,
        given_family_swap: true,
        diacritics_stripped: !isAscii(`${truth.given_name}${truth.middle_names ?? ''}${family}`) && !has('nickname') && !has('name_variant'),
        given_name_typo: !placeholder,
        family_name_typo: true,
        name_case: true,
        missing_middle_names: !placeholder && truth.middle_names !== null,
        dob_day_month_swap: Number(day) <= 12 && day !== month,
        dob_digit: true,
        old_address: truth.previous_address !== null,
        missing_postcode: Boolean(truth.address.postcode) || has('old_address'),
        missing_gender: true,
        missing_nhs_number: profile.nhsNumber && truth.nhs_number !== null,
        nhs_number_typo: profile.nhsNumber && truth.nhs_number !== null && !has('missing_nhs_number'),
        missing_upn: profile.upn && truth.upn !== null,
        duplicate: !has('duplicate'),
      }
      for (const kind of ERROR_KINDS) if (applies[kind]) add(expected, kind, profile.errors[kind] ?? 0)
    }
    const report: string[] = []
    for (const kind of ERROR_KINDS) {
      const exp = expected.get(kind) ?? 0
      const obs = observed.get(kind) ?? 0
      report.push(`${kind}: observed ${obs}, expected ${exp.toFixed(1)}`)
      assert.ok(Math.abs(obs - exp) <= 4 * Math.sqrt(exp) + 3, report.at(-1))
      if (exp >= 5) assert.ok(obs > 0, report.at(-1))
    }
    const occurring = ERROR_KINDS.filter((kind) => (observed.get(kind) ?? 0) > 0)
    assert.deepEqual(occurring, [...ERROR_KINDS], report.join('\n'))
  })
})

function yearsBetweenRef(child: TrueChild): number {
  const [y, m, d] = child.date_of_birth.split('-')
  const [ry, rm, rd] = referenceDate.split('-')
  return Number(ry) - Number(y) - (`${rm}${rd}` < `${m}${d}` ? 1 : 0)
}
