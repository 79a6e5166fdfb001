// The data-quality pages' wording: both sides of a proposal row by row (with the rows that differ
// marked), the engine's explanation as a table, and the queue's rows. Values are personal data: they
// are shown to the authority's data managers only (the service checks), never logged.
import { formatDate, formatId, GENDER_LABELS } from '../web/format.ts'
import type { Explanation } from '../linkage/index.ts'
import type { ConflictItem, MergeItem, QueueItem, ReviewSide } from './review.repository.ts'

export interface CompareRow {
  readonly label: string
  readonly left: string
  readonly right: string
  readonly differs: boolean
}

const FIELD_LABELS: Readonly<Record<string, string>> = { date_of_birth: 'Date of birth', gender: 'Gender', address_status: 'Address status' }
const STATUS_LABELS: Readonly<Record<string, string>> = { open: 'Waiting for a decision', awaiting_approval: 'Merge proposed: needs a second person' }

export function sideTitle(side: ReviewSide): string {
  return side.kind === 'record' ? `Record ${side.recordId ?? ''} from ${side.source ?? 'a source'}` : `Child ${formatId(side.contactPointId ?? '')}`
}

export function compareRows(left: ReviewSide, right: ReviewSide): CompareRow[] {
  const name = (s: ReviewSide) => [s.givenName, s.middleNames, s.familyName].filter(Boolean).join(' ')
  const address = (s: ReviewSide) => [...(s.addressLines ?? []), s.town].filter(Boolean).join(', ')
  const rows: [string, (s: ReviewSide) => string][] = [
    ['Name', name],
    ['Former family names', (s) => s.formerFamilyNames.join(', ')],
    ['Date of birth', (s) => formatDate(s.dateOfBirth)],
    ['Gender', (s) => (s.gender ? GENDER_LABELS[s.gender] ?? s.gender : '')],
    ['Address', address],
    ['Postcode', (s) => s.postcode ?? ''],
    ['NHS number', (s) => s.nhsNumber ?? ''],
    ['Unique pupil number', (s) => s.upn ?? ''],
    ['Parents and carers', (s) => s.carers.join('; ')],
    ['Sources', (s) => s.sources.join(', ')],
  ]
  return rows.map(([label, value]) => {
    const [l, r] = [value(left), value(right)]
    return { label, left: l || 'Not recorded', right: r || 'Not recorded', differs: l !== '' && r !== '' && l.toLowerCase() !== r.toLowerCase() }
  })
}

export function explanationRows(explanation: Explanation): { text: string; format?: string }[][] {
  return [
    [{ text: explanation.prior.words }, { text: '' }, { text: signed(explanation.prior.weight), format: 'numeric' }],
    ...explanation.steps.map((s) => [
      { text: `${s.comparison}: ${s.levelLabel}` },
      { text: s.words },
      { text: signed(s.contribution), format: 'numeric' },
    ]),
    [{ text: 'Total match weight' }, { text: `${(explanation.probability * 100).toFixed(1)}% likely to be the same child` }, { text: signed(explanation.weight), format: 'numeric' }],
  ]
}

function signed(x: number): string {
  const r = x.toFixed(1)
  return x > 0 ? `+${r}` : r.replace('-', '−')
}

export function queueRow(item: QueueItem): { html?: string; text?: string; format?: string }[] {
  const what = item.kind === 'record'
    ? `A record from ${item.source_code ?? 'a source'} may be child ${formatId(item.child_contactpoint_id)}`
    : `Children ${formatId(item.child_contactpoint_id)} and ${formatId(item.other_contactpoint_id ?? '')} may be one child`
  return [
    { html: `<a class="govuk-link" href="/data-quality/reviews/${item.id}">${escapeHtml(what)}</a>` },
    { text: item.reason },
    { text: `${(item.match_probability * 100).toFixed(1)}%`, format: 'numeric' },
    { text: STATUS_LABELS[item.status] ?? item.status },
  ]
}

export function conflictView(item: ConflictItem): { id: string; child: string; field: string; values: string } {
  const values = Array.isArray(item.values) ? item.values as { value: string; sourceRecordIds: string[] }[] : []
  return {
    id: item.id, child: formatId(item.contactpoint_id), field: FIELD_LABELS[item.field] ?? item.field,
    values: values.map((v) => `${item.field === 'date_of_birth' ? formatDate(v.value) : v.value} (${v.sourceRecordIds.length} ${v.sourceRecordIds.length === 1 ? 'record' : 'records'})`).join(' or '),
  }
}

export function mergeView(item: MergeItem): { id: string; merged: string; mergedRaw: string; into: string; records: number; when: string; by: string; split: string | null } {
  return {
    id: item.id, merged: formatId(item.merged_contactpoint_id), mergedRaw: item.merged_contactpoint_id, into: formatId(item.into_contactpoint_id),
    records: Number(item.records), when: formatDate(item.merged_at.toISOString()), by: `${item.decided_by}, approved by ${item.approved_by}`,
    split: item.split_at ? formatDate(item.split_at.toISOString()) : null,
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
