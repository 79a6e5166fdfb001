// What the governance pages and the subject access report show, built from service results: labels
// for audit actions, times in England, and the subject access report as one document model that
// both the printable page and the PDF render.
import type { ChildDetail } from '../children/child.repository.ts'
import { formatDate, formatId, GENDER_LABELS, humanise } from '../web/format.ts'
import type { AccessEntry } from './access-log.repository.ts'
import type { SubjectAccess } from './access-log.service.ts'
import type { PdfLine } from './pdf.ts'

const ACTION_LABELS: Readonly<Record<string, string>> = {
  'child.view': 'Opened the record', 'child.search': 'Searched', 'child.override_shield': 'Overrode the shield',
  'child.shield': 'Shielded the record', 'child.unshield': 'Lifted the shield', 'child.view_access_log': 'Looked at who accessed the record',
  'child.subject_access_report': 'Produced a subject access report', 'child.record_involvement': 'Recorded an involvement',
  'child.end_involvement': 'Ended an involvement', 'child.set_marker': 'Set a cause for concern marker', 'child.remove_marker': 'Removed a marker',
  'child.report_error': 'Reported an error', 'child.create': 'Created the record', 'child.merge': 'Merged records', 'child.split': 'Split records',
  'child.transfer': 'Transferred to another authority', 'child.archive': 'Archived the record', 'auth.sign_in': 'Signed in', 'auth.sign_out': 'Signed out',
  'user.suspend': 'Suspended an account', 'user.reinstate': 'Reinstated an account', 'user.register': 'Registered a user',
  'alert.close': 'Closed a monitoring alert', 'alert.view': 'Looked at a monitoring alert', 'investigation.close': 'Closed an override investigation',
  'investigation.view': 'Looked at an override investigation', 'user.view_activity': 'Looked at a user\'s activity',
}

export const actionLabel = (action: string): string => ACTION_LABELS[action] ?? humanise(action.replace('.', ': '))

/** '2026-03-10T14:05:00Z' → '10 March 2026, 14:05' in England. */
export function formatDateTime(at: Date): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at)
  return parts.replace(' at ', ', ')
}

export interface EntryView {
  readonly when: string
  readonly who: string
  readonly organisation: string
  readonly what: string
  readonly outcome: string
  readonly reason: string
  readonly channel: string
}

export function presentEntry(entry: AccessEntry, options: { names: boolean } = { names: true }): EntryView {
  const details = (entry.details ?? {}) as { restricted?: boolean; shieldOverride?: string }
  const what = `${actionLabel(entry.action)}${entry.action === 'child.view' && details.restricted ? ' (shielded view)' : ''}${details.shieldOverride && entry.action === 'child.view' ? ' under a shield override' : ''}`
  const role = entry.actor_job_title ?? 'Member of staff'
  return {
    when: formatDateTime(entry.occurred_at),
    who: entry.actor_user_id === null ? 'ContactPoint (automatic)' : options.names ? `${entry.actor_name ?? 'Unknown user'}${entry.actor_job_title ? `, ${entry.actor_job_title}` : ''}` : role,
    organisation: entry.organisation_name ?? '',
    what,
    outcome: entry.outcome === 'success' ? 'Done' : entry.outcome === 'denied' ? 'Refused' : 'Failed',
    reason: [entry.reason_code ? humanise(entry.reason_code) : null, entry.reason_text].filter(Boolean).join(': '),
    channel: entry.on_behalf_of ? `${entry.channel}, for ${entry.on_behalf_of}` : entry.channel,
  }
}

export interface SarSection {
  readonly heading: string
  readonly intro?: string
  readonly rows?: readonly (readonly [string, string])[]
  readonly table?: { readonly head: readonly string[]; readonly rows: readonly (readonly string[])[] }
  readonly empty?: string
}

export interface SarDocument {
  readonly title: string
  readonly childName: string
  readonly contactPointId: string
  readonly generated: string
  readonly shielded: boolean
  readonly sections: readonly SarSection[]
}

const ACCESS_ACTIONS = new Set(['child.view', 'child.override_shield', 'child.view_access_log', 'child.subject_access_report'])

/**
 * The subject access report. Who accessed the record is shown by organisation and job title, not
 * by staff names (third-party data the authority decides about before release); changes to the
 * record are listed separately from looks at it.
 */
export function presentSubjectAccess(sar: SubjectAccess): SarDocument {
  const { detail, child } = sar
  const name = [child.given_name, child.middle_names, child.family_name].filter(Boolean).join(' ')
  const accesses = sar.entries.filter((e) => ACCESS_ACTIONS.has(e.action) && e.outcome === 'success')
  const changes = sar.entries.filter((e) => !ACCESS_ACTIONS.has(e.action) && e.outcome === 'success')
  return {
    title: 'Subject access report', childName: name, contactPointId: formatId(child.contactpoint_id),
    generated: `${formatDateTime(sar.generatedAt)} by ${sar.generatedBy}`, shielded: child.shielded,
    sections: [
      { heading: 'Who the child is', rows: identityRows(detail) },
      addressSection(detail),
      { heading: 'Parents and carers', ...(detail.carers.length ? { table: { head: ['Name', 'Relationship', 'Parental responsibility', 'Contact'],
        rows: detail.carers.map((c) => [`${c.given_name} ${c.family_name}`, humanise(c.relationship), c.parental_responsibility ? 'Yes' : 'No', [c.phone, c.email].filter(Boolean).join(', ')]) } } : { empty: 'None recorded.' }) },
      { heading: 'Services and practitioners involved', ...(detail.involvements.length ? { table: { head: ['Service', 'Organisation', 'Practitioner', 'From', 'To', 'Also'],
        rows: detail.involvements.map((i) => [humanise(i.service_type), i.organisation_name, i.practitioner_name ?? '', formatDate(i.started_on), i.ended_on ? formatDate(i.ended_on) : 'Current',
          [i.is_lead_professional ? 'Lead professional' : '', i.holds_caf ? 'Holds a CAF' : '', i.is_sensitive ? `Sensitive service (${i.consent_basis === 'significant_harm' ? 'recorded on significant-harm grounds' : 'with consent'})` : ''].filter(Boolean).join('; ')]) } } : { empty: 'None recorded.' }) },
      { heading: 'Cause for concern markers', intro: 'A marker means only that a practitioner has a concern and asks to be contacted; it holds no details.',
        ...(detail.markers.length ? { table: { head: ['Organisation', 'Contact', 'Since'], rows: detail.markers.map((m) => [m.organisation_name, m.contact_name, formatDate(m.set_at.toISOString())]) } } : { empty: 'None.' }) },
      { heading: 'Identifiers held for matching', ...(detail.identifiers.length ? { rows: detail.identifiers.map((i) => [i.scheme === 'nhs_number' ? 'NHS number' : 'Unique pupil number', i.value] as const) } : { empty: 'None.' }) },
      { heading: 'Where the details came from', ...(detail.provenance.length ? { rows: detail.provenance.map((p) => [humanise(p.field), p.source_name ?? (p.recorded_by_user_id ? 'Recorded by a practitioner' : 'Unknown')] as const) } : { empty: 'Not recorded.' }) },
      { heading: 'Who accessed the record', intro: `${accesses.length} time${accesses.length === 1 ? '' : 's'}. Staff are shown by organisation and job title.`,
        ...(accesses.length ? { table: { head: ['When', 'Organisation', 'Role', 'What', 'Reason given'], rows: accesses.map((e) => {
          const v = presentEntry(e, { names: false })
          return [v.when, v.organisation, v.who, v.what, v.reason]
        }) } } : { empty: 'Nobody has accessed the record.' }) },
      { heading: 'Changes to the record', ...(changes.length ? { table: { head: ['When', 'Organisation', 'What'], rows: changes.map((e) => {
        const v = presentEntry(e, { names: false })
        return [v.when, v.organisation, v.what]
      }) } } : { empty: 'None recorded in the audit trail.' }) },
      { heading: 'What ContactPoint never holds', intro: 'Case notes, assessments, medical information, exam results and details of other family members are never held. This report lists everything held about the child.' },
    ],
  }
}

function identityRows(detail: ChildDetail): [string, string][] {
  const c = detail.child
  return [
    ['ContactPoint ID', formatId(c.contactpoint_id)],
    ['Name', [c.given_name, c.middle_names, c.family_name].filter(Boolean).join(' ')],
    ...detail.names.map((n) => [n.kind === 'former' ? 'Former name' : 'Also known as', [n.given_name, n.middle_names, n.family_name].filter(Boolean).join(' ')] as [string, string]),
    ['Date of birth', formatDate(c.date_of_birth)],
    ['Gender', GENDER_LABELS[c.gender] ?? humanise(c.gender)],
    ...(c.date_of_death ? [['Date of death', formatDate(c.date_of_death)] as [string, string]] : []),
    ['Record status', humanise(c.status)],
    ['Shielded', c.shielded ? 'Yes' : 'No'],
  ]
}

function addressSection(detail: ChildDetail): SarSection {
  if (detail.addresses.length === 0) return { heading: 'Addresses', rows: [['Address status', humanise(detail.child.address_status)]] }
  return { heading: 'Addresses', intro: `Address status: ${humanise(detail.child.address_status)}.`, table: { head: ['Address', 'Current', 'From', 'To'],
    rows: detail.addresses.map((a) => [[...a.lines, a.town, a.postcode].filter(Boolean).join(', '), a.is_current ? 'Yes' : 'No', formatDate(a.valid_from), formatDate(a.valid_to)]) } }
}

/** The same document as lines for the PDF. */
export function sarPdfLines(doc: SarDocument): PdfLine[] {
  const lines: PdfLine[] = [
    { text: `ContactPoint - ${doc.title}`, style: 'title' },
    { text: `${doc.childName}, ContactPoint ID ${doc.contactPointId}`, style: 'bold' },
    { text: `Produced ${doc.generated}.`, style: 'small' },
  ]
  if (doc.shielded) lines.push({ text: 'This child is shielded. Check that no address or contact detail reaches a person the child is shielded from before this report is released.', style: 'bold' })
  for (const section of doc.sections) {
    lines.push({ text: section.heading, style: 'heading' })
    if (section.intro) lines.push({ text: section.intro })
    for (const [key, value] of section.rows ?? []) lines.push({ text: `${key}: ${value}` })
    if (section.table) {
      lines.push({ text: section.table.head.join(' | '), style: 'bold' })
      for (const row of section.table.rows) lines.push({ text: row.map((cell) => cell || '-').join(' | ') })
    }
    if (section.empty) lines.push({ text: section.empty })
  }
  return lines
}
