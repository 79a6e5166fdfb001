// Practitioners' recording through the API, over the same practice service as the web pages:
// the same validation, policy (own involvements only; shielded records refused), audit and change
// notices. Every operation changes data, so each POST needs an Idempotency-Key.
import { Type, type Static } from '@sinclair/typebox'
import { ERROR_REPORT_PARTS } from '../db/schema.ts'
import { CONSENT_BASES, GENDERS, SERVICE_TYPES } from '../feeds/feed-record.ts'
import type { Services } from '../services.ts'
import type { ApiCaller } from './api-auth.service.ts'
import type { ApiRoute } from './api-route.ts'
import { ChildParams, ContactPointId, IsoDate } from './schemas.ts'

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()])
const Phone = Type.String({ maxLength: 30, description: 'A UK phone number.' })
const Email = Type.String({ maxLength: 200, format: 'email' })

const InvolvementRequest = Type.Object({
  serviceType: Type.Union(SERVICE_TYPES.map((s) => Type.Literal(s)), { description: 'The service you work with the child through.' }),
  consentBasis: Type.Optional(Type.Union(CONSENT_BASES.map((c) => Type.Literal(c)), { description: 'Required for a sensitive service (sexual health, mental health, substance misuse): the young person consented, or recorded to prevent significant harm.' })),
  practitionerName: Type.String({ maxLength: 100, description: 'Your name as others should see it.' }),
  phone: Type.Optional(Phone),
  email: Type.Optional(Email),
  startedOn: IsoDate,
}, { additionalProperties: false, description: 'A phone number or an email address is required.' })

const Involvement = Type.Object({
  id: Type.String({ format: 'uuid' }), service: Type.String(), startedOn: IsoDate, endedOn: Nullable(IsoDate),
  leadProfessional: Type.Boolean(), holdsCaf: Type.Boolean(),
}, { additionalProperties: false })

const InvolvementParams = Type.Object({ contactPointId: ContactPointId, involvementId: Type.String({ format: 'uuid' }) }, { additionalProperties: false })
const MarkerParams = Type.Object({ contactPointId: ContactPointId, markerId: Type.String({ format: 'uuid' }) }, { additionalProperties: false })
const EndRequest = Type.Object({ endedOn: IsoDate }, { additionalProperties: false })
const IndicatorsRequest = Type.Object({
  holdsCaf: Type.Boolean({ description: 'You hold a Common Assessment Framework (CAF) assessment for the child.' }),
  leadProfessional: Type.Boolean({ description: 'You are the lead professional.' }),
}, { additionalProperties: false })
const MarkerRequest = Type.Object({
  contactName: Type.String({ maxLength: 100, description: 'Whom to contact. A marker says only "contact me": never why.' }),
  phone: Type.Optional(Phone), email: Type.Optional(Email),
}, { additionalProperties: false })
const ErrorReportRequest = Type.Object({
  part: Type.Union(ERROR_REPORT_PARTS.map((p) => Type.Literal(p))),
  description: Type.String({ maxLength: 2000, description: 'What is wrong and what it should say.' }),
}, { additionalProperties: false })
const DeathRequest = Type.Object({ dateOfDeath: IsoDate }, { additionalProperties: false })
const NewChildRequest = Type.Object({
  givenName: Type.String({ maxLength: 100 }), middleNames: Type.Optional(Type.String({ maxLength: 100 })), familyName: Type.String({ maxLength: 100 }),
  dateOfBirth: IsoDate, gender: Type.Union(GENDERS.map((g) => Type.Literal(g))),
  addressLine1: Type.Optional(Type.String({ maxLength: 200 })), addressLine2: Type.Optional(Type.String({ maxLength: 200 })),
  town: Type.Optional(Type.String({ maxLength: 100 })), postcode: Type.Optional(Type.String({ maxLength: 10 })),
  serviceType: Type.Union(SERVICE_TYPES.map((s) => Type.Literal(s)), { description: 'The service you work with the child through: recorded as your involvement.' }),
  notListed: Type.Optional(Type.Boolean({ description: 'true once the user has seen the probable matches offered and none is the child.' })),
}, { additionalProperties: false })
const NewChildResponse = Type.Object({
  outcome: Type.Union([Type.Literal('offer'), Type.Literal('created'), Type.Literal('held')], {
    description: 'offer: probable matches to check first (send again with notListed: true if none is the child); created: a new record; held: the record waits for the authority\'s data team.',
  }),
  contactPointId: Type.Optional(ContactPointId),
  matches: Type.Optional(Type.Array(Type.Object({
    contactPointId: ContactPointId, name: Type.String(), dateOfBirth: Type.String(), gender: Type.String(), town: Nullable(Type.String()), postcodeDistrict: Nullable(Type.String()),
  }, { additionalProperties: false }))),
}, { additionalProperties: false })

const parts = (iso: string) => {
  const [year = '', month = '', day = ''] = iso.split('-')
  return { day, month, year }
}
const pathOf = (request: { params: unknown }) => request.params as { contactPointId: string; involvementId?: string; markerId?: string }
const ctx = (caller: ApiCaller) => caller.context

export function practiceRoutes(services: Services): ApiRoute[] {
  const practice = services.practice
  const newest = <T extends { created_at?: Date; set_at?: Date }>(rows: readonly T[]) =>
    [...rows].sort((a, b) => ((b.created_at ?? b.set_at)?.getTime() ?? 0) - ((a.created_at ?? a.set_at)?.getTime() ?? 0))[0]
  const write = { tag: 'Recording', scope: 'children.write' as const, idempotency: 'required' as const, perMinute: 30 }
  return [
    {
      ...write, method: 'POST', url: '/v1/children/:contactPointId/involvements', operationId: 'recordInvolvement',
      summary: 'Record your involvement with a child', params: ChildParams, body: InvolvementRequest,
      description: 'Recorded for the calling user and their organisation. A sensitive service needs a consent basis and is shown to others only as "a sensitive service is involved". Refused on a shielded record (contact the authority).',
      responses: { 201: { description: 'Recorded.', schema: Type.Object({ contactPointId: ContactPointId, involvement: Involvement }, { additionalProperties: false }) } },
      handler: async (request, reply, caller) => {
        const body = request.body as Static<typeof InvolvementRequest>
        const { day, month, year } = parts(body.startedOn)
        const child = await practice.recordInvolvement(caller.user, pathOf(request).contactPointId, {
          serviceType: body.serviceType, consentBasis: body.consentBasis ?? '', practitionerName: body.practitionerName, phone: body.phone ?? '', email: body.email ?? '',
          startDay: day, startMonth: month, startYear: year,
        }, ctx(caller))
        const created = newest((await practice.panel(caller.user, child)).ownInvolvements)
        reply.code(201)
        return {
          contactPointId: child.contactpoint_id,
          involvement: created ? { id: created.id, service: created.service_type, startedOn: created.started_on, endedOn: created.ended_on, leadProfessional: created.is_lead_professional, holdsCaf: created.holds_caf } : undefined,
        }
      },
    },
    {
      ...write, method: 'POST', url: '/v1/children/:contactPointId/involvements/:involvementId/end', operationId: 'endInvolvement',
      summary: 'End your involvement', params: InvolvementParams, body: EndRequest,
      responses: { 200: { description: 'Ended.', schema: Type.Object({ contactPointId: ContactPointId, involvementId: Type.String(), endedOn: IsoDate }, { additionalProperties: false }) } },
      handler: async (request, _reply, caller) => {
        const { contactPointId, involvementId } = pathOf(request)
        const { endedOn } = request.body as Static<typeof EndRequest>
        const child = await practice.endInvolvement(caller.user, contactPointId, involvementId as string, parts(endedOn), ctx(caller))
        return { contactPointId: child.contactpoint_id, involvementId: involvementId as string, endedOn }
      },
    },
    {
      ...write, method: 'POST', url: '/v1/children/:contactPointId/involvements/:involvementId/indicators', operationId: 'setIndicators',
      summary: 'Say whether you hold a CAF and whether you are the lead professional', params: InvolvementParams, body: IndicatorsRequest,
      responses: { 200: { description: 'Set.', schema: Type.Object({ contactPointId: ContactPointId, involvementId: Type.String(), holdsCaf: Type.Boolean(), leadProfessional: Type.Boolean() }, { additionalProperties: false }) } },
      handler: async (request, _reply, caller) => {
        const { contactPointId, involvementId } = pathOf(request)
        const body = request.body as Static<typeof IndicatorsRequest>
        const child = await practice.setIndicators(caller.user, contactPointId, involvementId as string, body, ctx(caller))
        return { contactPointId: child.contactpoint_id, involvementId: involvementId as string, ...body }
      },
    },
    {
      ...write, method: 'POST', url: '/v1/children/:contactPointId/markers', operationId: 'setMarker',
      summary: 'Set a cause-for-concern marker', params: ChildParams, body: MarkerRequest,
      responses: { 201: { description: 'Set.', schema: Type.Object({ contactPointId: ContactPointId, marker: Type.Object({ id: Type.String({ format: 'uuid' }), contactName: Type.String(), setAt: Type.String({ format: 'date-time' }) }, { additionalProperties: false }) }, { additionalProperties: false }) } },
      handler: async (request, reply, caller) => {
        const body = request.body as Static<typeof MarkerRequest>
        const child = await practice.setMarker(caller.user, pathOf(request).contactPointId, { contactName: body.contactName, phone: body.phone ?? '', email: body.email ?? '' }, ctx(caller))
        const marker = newest((await practice.panel(caller.user, child)).organisationMarkers)
        reply.code(201)
        return { contactPointId: child.contactpoint_id, marker: marker ? { id: marker.id, contactName: marker.contact_name, setAt: marker.set_at.toISOString() } : undefined }
      },
    },
    {
      ...write, idempotency: undefined, method: 'DELETE', url: '/v1/children/:contactPointId/markers/:markerId', operationId: 'removeMarker',
      summary: 'Remove your organisation\'s marker', params: MarkerParams,
      responses: { 204: { description: 'Removed.' } },
      handler: async (request, reply, caller) => {
        const { contactPointId, markerId } = pathOf(request)
        await practice.removeMarker(caller.user, contactPointId, markerId as string, ctx(caller))
        return reply.code(204).send()
      },
    },
    {
      ...write, method: 'POST', url: '/v1/children/:contactPointId/error-reports', operationId: 'reportError',
      summary: 'Report an error in a record', params: ChildParams, body: ErrorReportRequest,
      description: 'Goes to the data-quality queue of the child\'s local authority.',
      responses: { 202: { description: 'Queued for the authority\'s data team.', schema: Type.Object({ contactPointId: ContactPointId, status: Type.Literal('queued') }, { additionalProperties: false }) } },
      handler: async (request, reply, caller) => {
        const child = await practice.reportError(caller.user, pathOf(request).contactPointId, request.body as Static<typeof ErrorReportRequest>, ctx(caller))
        reply.code(202)
        return { contactPointId: child.contactpoint_id, status: 'queued' as const }
      },
    },
    {
      ...write, method: 'POST', url: '/v1/children/:contactPointId/death', operationId: 'recordDeath',
      summary: 'Record a date of death (the authority\'s data managers)', params: ChildParams, body: DeathRequest,
      responses: { 200: { description: 'Recorded.', schema: Type.Object({ contactPointId: ContactPointId, dateOfDeath: IsoDate }, { additionalProperties: false }) } },
      handler: async (request, _reply, caller) => {
        const { dateOfDeath } = request.body as Static<typeof DeathRequest>
        const child = await practice.recordDeath(caller.user, pathOf(request).contactPointId, parts(dateOfDeath), ctx(caller))
        return { contactPointId: child.contactpoint_id, dateOfDeath }
      },
    },
    {
      ...write, method: 'POST', url: '/v1/children', operationId: 'addChild',
      summary: 'Create a record for a child who is not found', body: NewChildRequest,
      description: 'Search first. Probable matches are offered before anything is created (outcome offer); send again with notListed: true when none is the child. The new record goes through the same matching as every source, so a duplicate of a shielded child is held for the data team and never revealed.',
      responses: {
        200: { description: 'Probable matches to check first.', schema: NewChildResponse },
        201: { description: 'Created, with your involvement.', schema: NewChildResponse },
        202: { description: 'Held for the authority\'s data team.', schema: NewChildResponse },
      },
      handler: async (request, reply, caller) => {
        const body = request.body as Static<typeof NewChildRequest>
        const { day, month, year } = parts(body.dateOfBirth)
        const outcome = await practice.addChild(caller.user, {
          givenName: body.givenName, middleNames: body.middleNames ?? '', familyName: body.familyName, dobDay: day, dobMonth: month, dobYear: year,
          gender: body.gender, addressLine1: body.addressLine1 ?? '', addressLine2: body.addressLine2 ?? '', town: body.town ?? '', postcode: body.postcode ?? '',
          serviceType: body.serviceType,
        }, { offerMatches: body.notListed !== true }, ctx(caller))
        if (outcome.kind === 'offer') return { outcome: 'offer' as const, matches: outcome.matches.map((m) => ({ ...m })) }
        if (outcome.kind === 'created') {
          reply.code(201)
          return { outcome: 'created' as const, contactPointId: outcome.contactPointId }
        }
        reply.code(202)
        return { outcome: 'held' as const }
      },
    },
  ]
}
