// Search results as the page shows them: only what identifies a child (name, date of birth,
// gender, and a town or the first half of a postcode), each with why it matched. A shielded child
// shows no place at all, and nothing about an address is given as a reason for finding one.
import { formatDate, formatId, formatMonth, GENDER_LABELS, postcodeDistrict } from '../web/format.ts'
import type { SearchCriteria } from './search-criteria.ts'
import type { FoundChild, SearchOutcome } from './search.service.ts'

export interface ResultView {
  readonly contactPointId: string
  readonly href: string
  readonly name: string
  readonly dateOfBirth: string
  readonly gender: string
  /** Town or postcode district; null for a shielded child (or when none is known). */
  readonly place: string | null
  readonly shielded: boolean
  readonly reasons: readonly string[]
}

export interface SearchPageView {
  readonly outcome: SearchOutcome['outcome']
  readonly strict: readonly ResultView[]
  readonly tolerant: readonly ResultView[]
  readonly count: number
  /** What to add to narrow a search that found too many. */
  readonly advice: string
  readonly summary: string
}

export function presentSearch(result: SearchOutcome): SearchPageView {
  const views = result.results.map((r) => presentResult(r, result.criteria))
  const strict = views.filter((_, i) => result.results[i]?.strict)
  const tolerant = views.filter((_, i) => !result.results[i]?.strict)
  return {
    outcome: result.outcome, strict, tolerant, count: views.length, advice: adviceFor(result.criteria), summary: summaryOf(result.criteria),
  }
}

export function presentResult(r: FoundChild, criteria: SearchCriteria): ResultView {
  const name = [r.given_name, r.middle_names, r.family_name].filter(Boolean).join(' ')
  return {
    contactPointId: formatId(r.contactpoint_id),
    href: `/children/${r.contactpoint_id}/reason`,
    name,
    dateOfBirth: formatDate(r.date_of_birth),
    gender: GENDER_LABELS[r.gender] ?? r.gender,
    place: r.shielded ? null : r.town ?? postcodeDistrict(r.postcode),
    shielded: r.shielded,
    reasons: reasonsFor(r, criteria),
  }
}

function reasonsFor(r: FoundChild, criteria: SearchCriteria): string[] {
  if (r.by_id || criteria.kind === 'id') {
    return [r.merged_from ? `ContactPoint ID ${formatId(r.merged_from)}, a record merged into this one` : 'ContactPoint ID']
  }
  const reasons: string[] = []
  const typedFamily = criteria.familyName
  switch (r.family_how) {
    case 'exact': reasons.push('Family name'); break
    case 'former': reasons.push(`Former family name${r.matched_family_name ? ` (${r.matched_family_name})` : ''}`); break
    case 'part': reasons.push('Part of a double-barrelled family name'); break
    case 'sound': reasons.push(`Family name sounds like ${typedFamily}`); break
    case 'spelling': reasons.push(`Family name spelt like ${typedFamily}`); break
    default: break
  }
  const typedGiven = criteria.givenName ?? ''
  switch (r.given_how) {
    case 'exact': reasons.push('Given name'); break
    case 'initial': reasons.push('Initial of the given name'); break
    case 'variant': reasons.push(`${r.given_name} is another form of ${typedGiven}`); break
    case 'middle': reasons.push(`${typedGiven} is a middle name`); break
    case 'sound': reasons.push(`Given name sounds like ${typedGiven}`); break
    case 'spelling': reasons.push(`Given name spelt like ${typedGiven}`); break
    default: break
  }
  const dob = criteria.dateOfBirth
  switch (r.dob_how) {
    case 'exact': reasons.push('Date of birth'); break
    case 'within': reasons.push(dob?.precision === 'month' ? `Born in ${formatMonth(dob.year, dob.month)}` : `Born in ${dob?.year ?? ''}`); break
    case 'swapped': reasons.push('Date of birth with day and month the other way round'); break
    case 'day_differs': reasons.push('Date of birth in the same month, a different day'); break
    case 'month_differs': reasons.push('Date of birth with a different month'); break
    case 'year_differs': reasons.push('Birthday the same, year one out'); break
    default: break
  }
  if (r.gender_how === 'exact') reasons.push('Gender')
  if (r.gender_how === 'not_specified') reasons.push('Gender not specified on the record')
  // 'ignored' (a shielded child) says nothing: an address is never a reason a shielded child is found.
  const place: Record<string, string> = {
    exact: 'Postcode', sector: 'Same postcode sector', district: 'Same postcode district', previous: 'Postcode of an earlier address',
  }
  if (r.postcode_how && place[r.postcode_how]) reasons.push(place[r.postcode_how] as string)
  const address: Record<string, string> = { exact: 'Address', previous: 'An earlier address', partial: 'Part of the address' }
  if (r.address_how && address[r.address_how]) reasons.push(address[r.address_how] as string)
  if (r.merged_from) reasons.push(`Found through record ${formatId(r.merged_from)}, since merged into this one`)
  return reasons
}

function adviceFor(criteria: SearchCriteria): string {
  if (criteria.kind === 'id') return ''
  if (!criteria.dateOfBirth) return 'Add a date of birth'
  if (criteria.dateOfBirth.precision !== 'day') return 'Add the full date of birth'
  if (!criteria.givenName) return 'Add a given name'
  return 'Add a postcode or address'
}

/** The criteria in words, to head the results. */
function summaryOf(criteria: SearchCriteria): string {
  if (criteria.kind === 'id') return `ContactPoint ID ${formatId(criteria.contactPointId)}`
  const dob = criteria.dateOfBirth
  const parts = [
    [criteria.givenName, criteria.familyName].filter(Boolean).join(' '),
    dob ? `born ${dob.precision === 'day' ? formatDate(dob.iso) : dob.precision === 'month' ? `in ${formatMonth(dob.year, dob.month)}` : `in ${dob.year}`}` : '',
    criteria.gender ? (GENDER_LABELS[criteria.gender] ?? '').toLowerCase() : '',
    criteria.postcode ? `postcode ${criteria.postcode.display}` : '',
    criteria.address ? `address ${criteria.address.join(' ')}` : '',
  ]
  return parts.filter(Boolean).join(', ')
}
