// A child's record as the page shows it, built only from what the viewer may see. A restricted
// (shielded) view carries name, gender, date of birth and ContactPoint ID and nothing else. A
// sensitive service never appears as itself: only as a line saying one is involved and whom to ask.
import type { CarerRow, ChildDetail, InvolvementRow, ProvenanceRow } from '../children/child.repository.ts'
import { formatDate, formatId, GENDER_LABELS, humanise } from '../web/format.ts'
import type { RecordAccess } from './record.service.ts'

export interface FieldView {
  readonly key: string
  readonly lines: readonly string[]
  /** Where the value came from, when known. */
  readonly source: string | null
}

export interface InvolvementView {
  readonly service: string
  readonly organisation: string
  readonly practitioner: string | null
  readonly phone: string | null
  readonly email: string | null
  readonly started: string
  readonly ended: string | null
  readonly leadProfessional: boolean
  readonly holdsCaf: boolean
  readonly source: string
}

export interface RecordPageView {
  readonly name: string
  readonly contactPointId: string
  readonly rawContactPointId: string
  readonly restricted: boolean
  readonly shielded: boolean
  readonly mayOverride: boolean
  readonly overrideAt: string | null
  readonly mergedFrom: string | null
  readonly archived: boolean
  readonly authority: { readonly name: string; readonly phone: string | null; readonly email: string | null }
  readonly identity: readonly FieldView[]
  readonly carers: readonly { name: string; relationship: string; parentalResponsibility: string; phone: string | null; email: string | null }[]
  readonly education: readonly InvolvementView[]
  readonly gp: readonly InvolvementView[]
  readonly services: readonly InvolvementView[]
  readonly leadProfessional: readonly InvolvementView[]
  readonly cafHolders: readonly InvolvementView[]
  readonly markers: readonly { organisation: string; contact: string; phone: string | null; email: string | null; since: string }[]
  readonly sensitiveService: boolean
  readonly ended: readonly InvolvementView[]
}

export const SERVICE_LABELS: Readonly<Record<string, string>> = {
  early_years: 'Early years setting', school: 'School', further_education: 'Further education college', gp_practice: 'GP practice',
  health_visitor: 'Health visitor', school_nurse: 'School nurse', community_paediatrics: 'Community paediatrics',
  childrens_social_care: 'Children\'s social care', early_help: 'Early help', youth_offending: 'Youth offending team',
  youth_service: 'Youth service', connexions: 'Connexions', education_welfare: 'Education welfare',
  send_support: 'Special educational needs support', camhs_universal: 'Child and adolescent mental health (universal)',
  voluntary_sector: 'Voluntary sector', housing: 'Housing', police_liaison: 'Police liaison', other: 'Other service',
}
const EDUCATION = new Set(['early_years', 'school', 'further_education'])
const ADDRESS_STATUS: Readonly<Record<string, string>> = {
  current: 'Current address', last_known: 'Last known address', no_known_address: 'No known address', left_england: 'Left England',
}
const RETURN_INTENT: Readonly<Record<string, string>> = {
  intends_to_return: 'intends to return within 3 years', does_not_intend_to_return: 'does not intend to return', unknown: 'intention to return not known',
}

export function presentRecord(access: RecordAccess): RecordPageView {
  const { child, detail } = access
  const authority = { name: access.authority?.name ?? 'the child\'s local authority', phone: access.authority?.phone ?? null, email: access.authority?.email ?? null }
  const base = {
    name: [child.given_name, child.middle_names, child.family_name].filter(Boolean).join(' '),
    contactPointId: formatId(child.contactpoint_id), rawContactPointId: child.contactpoint_id,
    restricted: access.restricted, shielded: child.shielded, mayOverride: access.mayOverride,
    overrideAt: access.override ? access.override.created_at.toISOString() : null,
    mergedFrom: access.mergedFrom ? formatId(access.mergedFrom) : null, archived: access.archived, authority,
  }
  if (access.restricted || !detail) {
    return {
      ...base,
      identity: [
        { key: 'Name', lines: [base.name], source: null },
        { key: 'Date of birth', lines: [formatDate(child.date_of_birth)], source: null },
        { key: 'Gender', lines: [GENDER_LABELS[child.gender] ?? child.gender], source: null },
        { key: 'ContactPoint ID', lines: [base.contactPointId], source: null },
      ],
      carers: [], education: [], gp: [], services: [], leadProfessional: [], cafHolders: [], markers: [], sensitiveService: false, ended: [],
    }
  }

  const source = sourceOf(detail.provenance)
  const shown = disclosed(access, detail)
  const current = detail.addresses.find((a) => a.is_current)
  const status = ADDRESS_STATUS[child.address_status] ?? humanise(child.address_status)
  const statusLine = child.address_status === 'left_england' && child.return_intent ? `${status}: ${RETURN_INTENT[child.return_intent] ?? ''}` : status
  const identity: FieldView[] = [
    { key: 'Name', lines: [base.name], source: source('family_name') ?? source('given_name') },
    ...(detail.names.length ? [{
      key: 'Former names', source: null,
      lines: detail.names.map((n) => `${[n.given_name ?? child.given_name, n.given_name ? n.middle_names : n.middle_names ?? child.middle_names, n.family_name].filter(Boolean).join(' ')}${n.kind === 'alias' ? ' (also known as)' : ''}${n.used_until ? `, until ${formatDate(n.used_until)}` : ''}`),
    }] : []),
    { key: 'Date of birth', lines: [formatDate(child.date_of_birth)], source: source('date_of_birth') },
    ...(child.date_of_death ? [{ key: 'Date of death', lines: [formatDate(child.date_of_death)], source: source('date_of_death') }] : []),
    { key: 'Gender', lines: [GENDER_LABELS[child.gender] ?? child.gender], source: source('gender') },
    {
      key: 'Address',
      lines: current && child.address_status !== 'no_known_address' ? [...current.lines, current.town ?? '', current.postcode ?? '', statusLine].filter(Boolean) : [statusLine],
      source: source('address') ?? source('address_status'),
    },
    { key: 'ContactPoint ID', lines: [base.contactPointId], source: null },
    ...shown.identifiers.map((i) => ({ key: i.scheme === 'nhs_number' ? 'NHS number' : 'Unique pupil number', lines: [i.value], source: null })),
  ]

  const visible = shown.involvements
  const view = (i: InvolvementRow): InvolvementView => ({
    service: SERVICE_LABELS[i.service_type] ?? humanise(i.service_type), organisation: i.organisation_name, practitioner: i.practitioner_name,
    phone: i.phone ?? i.organisation_phone, email: i.email ?? access.organisationEmails.get(i.organisation_id) ?? null,
    started: formatDate(i.started_on), ended: i.ended_on ? formatDate(i.ended_on) : null,
    leadProfessional: i.is_lead_professional, holdsCaf: i.holds_caf,
    source: i.source_code ? access.sourceNames.get(i.source_code) ?? i.source_code : 'Recorded in ContactPoint',
  })
  const live = visible.filter((i) => !i.ended_on).map(view)
  const liveRows = visible.filter((i) => !i.ended_on)
  return {
    ...base, identity,
    carers: carersOnce(detail.carers),
    education: live.filter((_, n) => EDUCATION.has(liveRows[n]?.service_type ?? '')),
    gp: live.filter((_, n) => liveRows[n]?.service_type === 'gp_practice'),
    services: live.filter((_, n) => !EDUCATION.has(liveRows[n]?.service_type ?? '') && liveRows[n]?.service_type !== 'gp_practice'),
    leadProfessional: live.filter((i) => i.leadProfessional),
    cafHolders: live.filter((i) => i.holdsCaf),
    markers: detail.markers.map((m) => ({ organisation: m.organisation_name, contact: m.contact_name, phone: m.contact_phone, email: m.contact_email, since: formatDate(m.set_at.toISOString()) })),
    sensitiveService: shown.sensitiveService,
    ended: visible.filter((i) => i.ended_on).map(view),
  }
}

/**
 * What of a full record may leave the service, for the web page and the API alike: a sensitive
 * service never as itself (only that one is involved), and an identifier only to the body that issued it.
 */
export function disclosed(access: RecordAccess, detail: ChildDetail) {
  return {
    involvements: detail.involvements.filter((i) => !i.is_sensitive),
    sensitiveService: detail.involvements.some((i) => i.is_sensitive && !i.ended_on),
    identifiers: detail.identifiers.filter((i) => i.issuer_organisation_id === access.viewer.organisationId),
  }
}

function sourceOf(provenance: readonly ProvenanceRow[]): (field: string) => string | null {
  const byField = new Map(provenance.map((p) => [p.field, p.source_name ?? (p.recorded_by_user_id ? 'Recorded in ContactPoint by a practitioner' : null)]))
  return (field) => byField.get(field) ?? null
}

/**
 * Each source that knows a child names its parents and carers; the record shows each person once
 * (same name and relationship), with the first phone and email any source gave, and parental
 * responsibility if any source records it.
 */
function carersOnce(carers: readonly CarerRow[]): RecordPageView['carers'] {
  const byPerson = new Map<string, { name: string; relationship: string; responsible: boolean; phone: string | null; email: string | null }>()
  for (const c of carers) {
    const key = `${c.given_name} ${c.family_name}|${c.relationship}`.toLowerCase().replace(/\s+/g, ' ')
    const seen = byPerson.get(key)
    if (seen) {
      seen.responsible ||= c.parental_responsibility
      seen.phone ??= c.phone
      seen.email ??= c.email
    } else byPerson.set(key, { name: `${c.given_name} ${c.family_name}`, relationship: humanise(c.relationship), responsible: c.parental_responsibility, phone: c.phone, email: c.email })
  }
  return [...byPerson.values()].map((c) => ({
    name: c.name, relationship: c.relationship, parentalResponsibility: c.responsible ? 'Has parental responsibility' : 'No parental responsibility', phone: c.phone, email: c.email,
  }))
}
