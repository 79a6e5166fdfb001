// ContactPoint's answers as FHIR R4 resources: Patient (the child), RelatedPerson (parents and
// carers), CareTeam (each involvement), Flag (lead professional, CAF, cause for concern, sensitive
// service) and AuditEvent (who looked). Built from the same RecordAccess the web page and the REST
// API are built from, through the same disclosure rule, so FHIR reveals nothing more.
import type { AuditEvent as AuditRow } from '../db/schema.ts'
import { disclosed } from '../record/record.presenter.ts'
import type { RecordAccess } from '../record/record.service.ts'
import type { FoundChild } from '../search/search.service.ts'

export const CONTACTPOINT_ID_SYSTEM = 'https://contactpoint.example/Id/contactpoint-id'
const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number'
const UPN_SYSTEM = 'https://contactpoint.example/Id/unique-pupil-number'
const SERVICE_SYSTEM = 'https://contactpoint.example/CodeSystem/service-type'
const FLAG_SYSTEM = 'https://contactpoint.example/CodeSystem/indicator'
const ADDRESS_STATUS_URL = 'https://contactpoint.example/fhir/StructureDefinition/address-status'
const MATCH_GRADE_URL = 'http://hl7.org/fhir/StructureDefinition/match-grade'

export type Resource = Record<string, unknown> & { resourceType: string }

const FHIR_GENDER: Readonly<Record<string, string>> = { female: 'female', male: 'male', not_specified: 'unknown' }

/** The shielded (restricted) view: name, gender, birth date and ID only, labelled restricted. */
function patientBase(c: { contactpoint_id: string; given_name: string; middle_names: string | null; family_name: string; gender: string; date_of_birth: string }, shielded: boolean): Resource {
  return {
    resourceType: 'Patient', id: c.contactpoint_id,
    ...(shielded ? { meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R', display: 'restricted' }] } } : {}),
    identifier: [{ use: 'official', system: CONTACTPOINT_ID_SYSTEM, value: c.contactpoint_id }],
    name: [{ use: 'official', family: c.family_name, given: [c.given_name, ...(c.middle_names ? c.middle_names.split(/\s+/) : [])] }],
    gender: FHIR_GENDER[c.gender] ?? 'unknown',
    birthDate: c.date_of_birth,
  }
}

export function patientFromAccess(access: RecordAccess): Resource {
  const { child, detail } = access
  const base = patientBase(child, child.shielded)
  const links = access.mergedFrom ? { link: [{ other: { reference: `Patient/${access.mergedFrom}` }, type: 'replaces' }] } : {}
  const organisation = { managingOrganization: { display: access.authority?.name ?? 'The child\'s local authority' } }
  if (access.restricted || !detail) return { ...base, ...links, ...organisation }
  const shown = disclosed(access, detail)
  const current = detail.addresses.find((a) => a.is_current)
  const addressKnown = current && child.address_status !== 'no_known_address'
  return {
    ...base,
    identifier: [
      ...(base.identifier as unknown[]),
      ...shown.identifiers.map((i) => ({ use: 'secondary', system: i.scheme === 'nhs_number' ? NHS_NUMBER_SYSTEM : UPN_SYSTEM, value: i.value })),
    ],
    name: [
      ...(base.name as unknown[]),
      ...detail.names.map((n) => ({
        use: n.kind === 'former' ? 'old' : 'usual', family: n.family_name,
        ...(n.given_name ? { given: [n.given_name, ...(n.middle_names ? n.middle_names.split(/\s+/) : [])] } : {}),
        ...(n.used_until ? { period: { end: n.used_until } } : {}),
      })),
    ],
    ...(child.date_of_death ? { deceasedDateTime: child.date_of_death } : {}),
    address: [{
      extension: [{ url: ADDRESS_STATUS_URL, valueCode: child.address_status }],
      use: child.address_status === 'current' ? 'home' : 'old',
      ...(addressKnown && current.lines.length ? { line: current.lines } : {}),
      ...(addressKnown && current.town ? { city: current.town } : {}),
      ...(addressKnown && current.postcode ? { postalCode: current.postcode } : {}),
      ...(child.address_status === 'left_england' ? { text: 'Left England' } : child.address_status === 'no_known_address' ? { text: 'No known address' } : {}),
    }],
    ...links, ...organisation,
  }
}

export function patientFromSearch(found: FoundChild): Resource {
  return patientBase(found, found.shielded)
}

/** match-grade (Patient/$match): certain for an ID, probable for a strict match, possible for a tolerant one. */
export function matchGrade(found: FoundChild): { grade: 'certain' | 'probable' | 'possible'; score: number } {
  if (found.by_id) return { grade: 'certain', score: 1 }
  return found.strict ? { grade: 'probable', score: 0.9 } : { grade: 'possible', score: 0.6 }
}

export function matchExtension(grade: string) {
  return [{ url: MATCH_GRADE_URL, valueCode: grade }]
}

const patientRef = (access: RecordAccess) => ({ reference: `Patient/${access.child.contactpoint_id}` })

const RELATIONSHIP: Readonly<Record<string, string>> = {
  mother: 'MTH', father: 'FTH', parent: 'PRN', step_parent: 'STPPRN', grandparent: 'GRPRN', foster_carer: 'FSTPRN', guardian: 'GUARD',
  special_guardian: 'GUARD', carer: 'CAREGIVER', sibling: 'SIB', other_relative: 'FAMMEMB', other: 'O',
}

export function relatedPeople(access: RecordAccess): Resource[] {
  if (access.restricted || !access.detail) return []
  return access.detail.carers.map((c) => ({
    resourceType: 'RelatedPerson', id: c.id, active: true, patient: patientRef(access),
    relationship: [{
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: RELATIONSHIP[c.relationship] ?? 'O' }],
      text: `${c.relationship.replaceAll('_', ' ')}${c.parental_responsibility ? ', has parental responsibility' : ''}`,
    }],
    name: [{ family: c.family_name, given: [c.given_name] }],
    ...(c.phone || c.email ? { telecom: [...(c.phone ? [{ system: 'phone', value: c.phone }] : []), ...(c.email ? [{ system: 'email', value: c.email }] : [])] } : {}),
  }))
}

export function careTeams(access: RecordAccess): Resource[] {
  if (access.restricted || !access.detail) return []
  return disclosed(access, access.detail).involvements.map((i) => {
    const telecom = [
      ...(i.phone ?? i.organisation_phone ? [{ system: 'phone', value: (i.phone ?? i.organisation_phone) as string }] : []),
      ...(i.email ? [{ system: 'email', value: i.email }] : []),
    ]
    return {
      resourceType: 'CareTeam', id: i.id, status: i.ended_on ? 'inactive' : 'active',
      category: [{ coding: [{ system: SERVICE_SYSTEM, code: i.service_type }], text: i.service_type.replaceAll('_', ' ') }],
      name: i.organisation_name, subject: patientRef(access),
      period: { start: i.started_on, ...(i.ended_on ? { end: i.ended_on } : {}) },
      participant: [{
        ...(i.is_lead_professional ? { role: [{ coding: [{ system: FLAG_SYSTEM, code: 'lead-professional' }], text: 'Lead professional' }] } : {}),
        member: { display: i.practitioner_name ?? i.organisation_name },
        onBehalfOf: { display: i.organisation_name },
      }],
      managingOrganization: [{ display: i.organisation_name }],
      ...(telecom.length ? { telecom } : {}),
    }
  })
}

export function flags(access: RecordAccess): Resource[] {
  if (access.restricted || !access.detail) return []
  const shown = disclosed(access, access.detail)
  const live = shown.involvements.filter((i) => !i.ended_on)
  const flag = (id: string, code: string, text: string, author: string, start?: string): Resource => ({
    resourceType: 'Flag', id, status: 'active', code: { coding: [{ system: FLAG_SYSTEM, code }], text },
    subject: patientRef(access), ...(start ? { period: { start } } : {}), author: { display: author },
  })
  return [
    ...live.filter((i) => i.is_lead_professional).map((i) => flag(`lead-${i.id}`, 'lead-professional', 'Is the lead professional', i.organisation_name, i.started_on)),
    ...live.filter((i) => i.holds_caf).map((i) => flag(`caf-${i.id}`, 'caf', 'Holds a Common Assessment Framework (CAF) assessment', i.organisation_name, i.started_on)),
    ...access.detail.markers.map((m) => flag(`concern-${m.id}`, 'cause-for-concern', `Has a concern: contact ${m.contact_name}`, m.organisation_name, m.set_at.toISOString())),
    ...(shown.sensitiveService ? [flag(`sensitive-${access.child.contactpoint_id}`, 'sensitive-service', 'A sensitive service is involved: contact the local authority ContactPoint team', access.authority?.name ?? 'The child\'s local authority')] : []),
  ]
}

export function auditEvent(row: AuditRow): Resource {
  const read = row.action === 'child.view'
  return {
    resourceType: 'AuditEvent', id: row.id,
    type: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110110', display: 'Patient Record' },
    subtype: [{ system: 'https://contactpoint.example/CodeSystem/audit-action', code: row.action }],
    action: read || row.action.includes('search') ? 'R' : 'E',
    recorded: row.occurred_at.toISOString(),
    outcome: row.outcome === 'success' ? '0' : row.outcome === 'denied' ? '4' : '8',
    ...(row.reason_code ? { purposeOfEvent: [{ coding: [{ system: 'https://contactpoint.example/CodeSystem/view-reason', code: row.reason_code }], ...(row.reason_text ? { text: row.reason_text } : {}) }] } : {}),
    agent: [{
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/extra-security-role-type', code: 'humanuser' }] },
      who: { identifier: { system: 'https://contactpoint.example/Id/user', value: row.actor_user_id ?? 'system' } },
      requestor: true,
      ...(row.client_ip ? { network: { address: row.client_ip, type: '2' } } : {}),
    }],
    source: { observer: { display: `ContactPoint (${row.channel})` } },
    entity: [{ what: { identifier: { system: CONTACTPOINT_ID_SYSTEM, value: row.subject_id ?? '' } }, type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1' } }],
  }
}

export function bundle(type: 'searchset', base: string, selfUrl: string, entries: readonly { resource: Resource; search?: Record<string, unknown> }[]): Resource {
  return {
    resourceType: 'Bundle', type, total: entries.length, link: [{ relation: 'self', url: selfUrl }],
    entry: entries.map((e) => ({ fullUrl: `${base}/${e.resource.resourceType}/${e.resource.id as string}`, resource: e.resource, search: e.search ?? { mode: 'match' } })),
  }
}

export function operationOutcome(severity: 'error' | 'fatal', code: string, diagnostics: string, expression?: string): Resource {
  return { resourceType: 'OperationOutcome', issue: [{ severity, code, diagnostics, ...(expression ? { expression: [expression] } : {}) }] }
}
