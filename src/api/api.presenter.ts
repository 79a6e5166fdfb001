// What leaves the service through the API, built only from what the user may see: the same
// outcome the web page is built from (the search and record services, the record presenter's
// disclosure rule), as JSON instead of HTML. A restricted (shielded) record carries name, date of
// birth, gender, ID and the authority to contact, and nothing else.
import { createHash } from 'node:crypto'
import type { Gender } from '../feeds/feed-record.ts'
import { disclosed } from '../record/record.presenter.ts'
import type { RecordAccess } from '../record/record.service.ts'
import { presentResult } from '../search/search.presenter.ts'
import type { SearchOutcome } from '../search/search.service.ts'
import type { ChildRecord, SearchRequest } from './schemas.ts'

export function presentSearchPage(outcome: SearchOutcome, request: SearchRequest, criteriaKey: string) {
  const limit = request.limit ?? 20
  const offset = request.cursor ? readCursor(request.cursor, criteriaKey) : 0
  const page = outcome.results.slice(offset, offset + limit)
  const next = offset + limit < outcome.results.length ? writeCursor(offset + limit, criteriaKey) : null
  return {
    outcome: outcome.outcome,
    total: outcome.results.length,
    results: page.map((r) => {
      const view = presentResult(r, outcome.criteria)
      return {
        contactPointId: r.contactpoint_id, givenName: r.given_name, middleNames: r.middle_names, familyName: r.family_name,
        dateOfBirth: r.date_of_birth, gender: r.gender as Gender, place: view.place, shielded: r.shielded,
        match: r.strict ? 'strict' as const : 'tolerant' as const, reasons: [...view.reasons],
      }
    }),
    page: { limit, next },
  }
}

/** A key for the criteria a cursor was made for: a cursor is valid only with the same criteria. */
export function criteriaKeyOf(request: SearchRequest): string {
  const { limit: _limit, cursor: _cursor, ...criteria } = request
  return createHash('sha256').update(JSON.stringify(Object.entries(criteria).sort())).digest('base64url').slice(0, 16)
}

function writeCursor(offset: number, key: string): string {
  return Buffer.from(JSON.stringify({ o: offset, k: key })).toString('base64url')
}

function readCursor(cursor: string, key: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown; k?: unknown }
    if (parsed.k === key && Number.isInteger(parsed.o) && (parsed.o as number) >= 0 && (parsed.o as number) <= 50) return parsed.o as number
  } catch {
    // fall through: an unreadable cursor is the client's mistake
  }
  throw new CursorError()
}

export class CursorError extends Error {
  constructor() {
    super('The cursor is not valid for these criteria: start again without one')
    this.name = 'CursorError'
  }
}

export function presentRecordJson(access: RecordAccess): ChildRecord {
  const { child, detail } = access
  const base: ChildRecord = {
    contactPointId: child.contactpoint_id, mergedFrom: access.mergedFrom, restricted: access.restricted, shielded: child.shielded,
    archived: access.archived, givenName: child.given_name, middleNames: child.middle_names, familyName: child.family_name,
    dateOfBirth: child.date_of_birth, gender: child.gender,
    authority: { name: access.authority?.name ?? 'The child\'s local authority', phone: access.authority?.phone ?? null, email: access.authority?.email ?? null },
  }
  if (access.restricted || !detail) return base
  const shown = disclosed(access, detail)
  const current = detail.addresses.find((a) => a.is_current)
  const known = current && child.address_status !== 'no_known_address'
  return {
    ...base,
    dateOfDeath: child.date_of_death,
    formerNames: detail.names.map((n) => ({ kind: n.kind, givenName: n.given_name, middleNames: n.middle_names, familyName: n.family_name, usedUntil: n.used_until })),
    address: { status: child.address_status, returnIntent: child.return_intent, lines: known ? current.lines : [], town: known ? current.town : null, postcode: known ? current.postcode : null },
    identifiers: shown.identifiers.map((i) => ({ scheme: i.scheme, value: i.value })),
    carers: detail.carers.map((c) => ({
      id: c.id, givenName: c.given_name, familyName: c.family_name, relationship: c.relationship as never, parentalResponsibility: c.parental_responsibility,
      phone: c.phone, email: c.email,
    })),
    involvements: shown.involvements.map((i) => ({
      id: i.id, service: i.service_type as never, organisation: { id: i.organisation_id, name: i.organisation_name }, practitioner: i.practitioner_name,
      phone: i.phone ?? i.organisation_phone, email: i.email ?? access.organisationEmails.get(i.organisation_id) ?? null,
      startedOn: i.started_on, endedOn: i.ended_on, leadProfessional: i.is_lead_professional, holdsCaf: i.holds_caf, source: i.source_code,
    })),
    sensitiveService: shown.sensitiveService,
    markers: detail.markers.map((m) => ({
      id: m.id, organisation: m.organisation_name, contactName: m.contact_name, contactPhone: m.contact_phone, contactEmail: m.contact_email, setAt: m.set_at.toISOString(),
    })),
  }
}
