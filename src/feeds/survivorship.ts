// Survivorship: what a child record shows, derived from the source records linked to it. For each
// field the value comes from the source with the highest precedence for that field (a source's
// per-field override, else its precedence), then the most recently received, then the record ID —
// so the result never depends on the order records arrive in. The address moves as one unit
// (lines, town, postcode, status) so that it is never stitched together from two sources.
// Disagreements that matter are reported as conflicts for the data-quality queue.
import type { ConflictField, ProvenanceField } from '../db/schema.ts'
import type { AddressStatus, Gender, ReturnIntent } from './feed-record.ts'

export interface SourceFacts {
  readonly sourceRecordId: string
  readonly sourceId: string
  /** the source's precedence for each field (override or default) */
  readonly precedence: (field: ProvenanceField) => number
  /** when the record was last received: ISO text or a Date */
  readonly receivedAt: Date
  readonly givenName: string | null
  readonly middleNames: string | null
  readonly familyName: string | null
  readonly formerFamilyNames: readonly string[]
  readonly dateOfBirth: string | null
  readonly dateOfDeath: string | null
  readonly gender: Gender | null
  readonly addressLines: readonly string[] | null
  readonly town: string | null
  readonly postcode: string | null
  readonly addressStatus: AddressStatus | null
  readonly returnIntent: ReturnIntent | null
  readonly nhsNumber: string | null
  readonly upn: string | null
}

export interface SurvivingChild {
  readonly givenName: string
  readonly middleNames: string | null
  readonly familyName: string
  readonly gender: Gender
  readonly dateOfBirth: string
  readonly dateOfDeath: string | null
  readonly addressStatus: AddressStatus
  readonly returnIntent: ReturnIntent | null
  readonly address: { readonly lines: readonly string[]; readonly town: string | null; readonly postcode: string | null } | null
  /** earlier family names any source knows, other than the one shown */
  readonly formerFamilyNames: readonly string[]
  readonly identifiers: readonly { readonly scheme: 'nhs_number' | 'upn'; readonly value: string; readonly sourceRecordId: string }[]
  readonly provenance: readonly { readonly field: ProvenanceField; readonly sourceRecordId: string; readonly sourceId: string }[]
  readonly conflicts: readonly { readonly field: ConflictField; readonly values: readonly { readonly value: string; readonly sourceRecordIds: readonly string[] }[] }[]
}

function best(records: readonly SourceFacts[], field: ProvenanceField, has: (r: SourceFacts) => boolean): SourceFacts | undefined {
  let winner: SourceFacts | undefined
  for (const r of records) {
    if (!has(r)) continue
    if (!winner) {
      winner = r
      continue
    }
    const byPrecedence = r.precedence(field) - winner.precedence(field)
    const byTime = r.receivedAt.getTime() - winner.receivedAt.getTime()
    if (byPrecedence > 0 || (byPrecedence === 0 && (byTime > 0 || (byTime === 0 && r.sourceRecordId < winner.sourceRecordId)))) winner = r
  }
  return winner
}

function disagreement(records: readonly SourceFacts[], field: ConflictField, value: (r: SourceFacts) => string | null) {
  const byValue = new Map<string, string[]>()
  for (const r of records) {
    const v = value(r)
    if (v === null) continue
    byValue.set(v, [...(byValue.get(v) ?? []), r.sourceRecordId])
  }
  if (byValue.size < 2) return []
  return [{ field, values: [...byValue].sort(([a], [b]) => a.localeCompare(b)).map(([v, ids]) => ({ value: v, sourceRecordIds: ids.sort() })) }]
}

const hasAddress = (r: SourceFacts): boolean => r.addressStatus !== null

/** The child as its sources describe it; null when no record carries the identity fields. */
export function survive(records: readonly SourceFacts[]): SurvivingChild | null {
  const name = best(records, 'given_name', (r) => r.givenName !== null && r.familyName !== null)
  const dob = best(records, 'date_of_birth', (r) => r.dateOfBirth !== null)
  if (!name || !dob) return null
  const family = best(records, 'family_name', (r) => r.familyName !== null) as SourceFacts
  const middle = best(records, 'middle_names', (r) => r.middleNames !== null)
  const gender = best(records, 'gender', (r) => r.gender !== null && r.gender !== 'not_specified')
  const death = best(records, 'date_of_death', (r) => r.dateOfDeath !== null)
  const address = best(records, 'address', hasAddress)
  const familyName = family.familyName as string
  const former = new Set<string>()
  for (const r of records) {
    for (const f of r.formerFamilyNames) if (f.toLowerCase() !== familyName.toLowerCase()) former.add(f)
  }
  const identifiers = new Map<string, { scheme: 'nhs_number' | 'upn'; value: string; sourceRecordId: string }>()
  for (const r of [...records].sort((a, b) => a.sourceRecordId.localeCompare(b.sourceRecordId))) {
    if (r.nhsNumber && !identifiers.has(`n${r.nhsNumber}`)) identifiers.set(`n${r.nhsNumber}`, { scheme: 'nhs_number', value: r.nhsNumber, sourceRecordId: r.sourceRecordId })
    if (r.upn && !identifiers.has(`u${r.upn}`)) identifiers.set(`u${r.upn}`, { scheme: 'upn', value: r.upn, sourceRecordId: r.sourceRecordId })
  }
  const from = (field: ProvenanceField, r: SourceFacts | undefined) => (r ? [{ field, sourceRecordId: r.sourceRecordId, sourceId: r.sourceId }] : [])
  const status = address?.addressStatus ?? 'no_known_address'
  return {
    givenName: name.givenName as string,
    middleNames: middle?.middleNames ?? null,
    familyName,
    gender: gender?.gender ?? 'not_specified',
    dateOfBirth: dob.dateOfBirth as string,
    dateOfDeath: death?.dateOfDeath ?? null,
    addressStatus: status,
    returnIntent: status === 'left_england' ? address?.returnIntent ?? 'unknown' : null,
    address: address && address.addressLines && address.addressLines.length > 0 && (status === 'current' || status === 'last_known')
      ? { lines: address.addressLines, town: address.town, postcode: address.postcode } : null,
    formerFamilyNames: [...former].sort(),
    identifiers: [...identifiers.values()],
    provenance: [
      ...from('given_name', name), ...from('middle_names', middle), ...from('family_name', family), ...from('gender', gender),
      ...from('date_of_birth', dob), ...from('date_of_death', death), ...from('address', address), ...from('address_status', address),
    ],
    conflicts: [
      ...disagreement(records, 'date_of_birth', (r) => r.dateOfBirth),
      ...disagreement(records, 'gender', (r) => (r.gender === 'not_specified' ? null : r.gender)),
      ...disagreement(records, 'address_status', (r) => r.addressStatus),
    ],
  }
}
