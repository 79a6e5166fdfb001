// Shared wording for pages: dates as GOV.UK writes them, and the index's closed vocabularies in words.
import { formatContactPointId } from '../children/contactpoint-id.ts'

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

/** '2015-03-14' → '14 March 2015'. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return ''
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number) as [number, number, number]
  return `${d} ${MONTHS[m - 1] ?? ''} ${y}`
}

export function formatMonth(year: number, month: number): string {
  return `${MONTHS[month - 1] ?? ''} ${year}`
}

export const GENDER_LABELS: Readonly<Record<string, string>> = { female: 'Female', male: 'Male', not_specified: 'Not specified' }

export const formatId = formatContactPointId

/** 'childrens_social_care' → 'Childrens social care' for vocabularies without a label of their own. */
export function humanise(code: string): string {
  const text = code.replaceAll('_', ' ')
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** The outward part of a postcode (NM1 2AB → NM1): where a child lives to within a district, no closer. */
export function postcodeDistrict(postcode: string | null | undefined): string | null {
  if (!postcode) return null
  const compact = postcode.toUpperCase().replace(/\s+/g, '')
  return compact.length > 3 ? compact.slice(0, -3) : null
}
