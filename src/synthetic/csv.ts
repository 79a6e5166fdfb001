// CSV writing (RFC 4180): a field is quoted when it holds a comma, quote, line break or
// leading/trailing space, and quotes inside are doubled.

import type { FeedRecord } from '../feeds/feed-record.ts'
import { IDENTITY_CSV_COLUMNS } from '../feeds/feed-record.ts'

export function csvField(value: string | null | undefined): string {
  if (value === null || value === undefined) return ''
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

export function csvRow(values: ReadonlyArray<string | null | undefined>): string {
  return `${values.map(csvField).join(',')}\n`
}

export const IDENTITY_CSV_HEADER = csvRow(IDENTITY_CSV_COLUMNS)

/**
 * One identity CSV row: IDENTITY_CSV_COLUMNS, former names `;`-separated, address lines and town
 * `, `-joined, carers as "given family" names `;`-separated (empty when the source holds none).
 */
export function identityCsvRow(source: string, record: FeedRecord): string {
  const child = record.child
  const address = child?.address
  return csvRow([
    source, record.record_id, child?.given_name, child?.middle_names, child?.family_name,
    child?.former_family_names?.join(';'), child?.date_of_birth, child?.gender,
    address ? [...address.lines, address.town ?? ''].filter((part) => part !== '').join(', ') : null,
    address?.postcode, child?.nhs_number, child?.upn,
    record.carers && record.carers.length > 0 ? record.carers.map((c) => `${c.given_name} ${c.family_name}`).join(';') : null,
  ])
}
