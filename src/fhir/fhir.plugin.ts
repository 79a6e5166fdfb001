// A FHIR R4 facade at /fhir over the same services as the web and the REST API, authenticated the
// same way (access token plus user assertion). Reads of a child's data are record views: they need
// a reason, in the ContactPoint-Reason header, and each is audited like a web view. Errors are
// OperationOutcome resources. Searches may be POSTed to _search so names stay out of addresses.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { USER_ASSERTION_HEADER, type ApiCaller, type ApiScope } from '../api/api-auth.service.ts'
import { contextOf } from '../api/api.plugin.ts'
import { REASON_DETAIL_HEADER } from '../api/children.routes.ts'
import { AppError } from '../errors.ts'
import { VIEW_REASONS, type RecordAccess } from '../record/record.service.ts'
import type { SearchForm } from '../search/search-criteria.ts'
import type { Services } from '../services.ts'
import { capabilityStatement } from './capability-statement.ts'
import {
  auditEvent, bundle, careTeams, CONTACTPOINT_ID_SYSTEM, flags, matchExtension, matchGrade, operationOutcome, patientFromAccess, patientFromSearch,
  relatedPeople, type Resource,
} from './fhir-resources.ts'

const FHIR_JSON = 'application/fhir+json'
export const REASON_HEADER = 'contactpoint-reason'
const PER_MINUTE = 120

type Query = Record<string, string | string[] | undefined>

export async function registerFhir(app: FastifyInstance, services: Services, options: { publicUrl: string }): Promise<void> {
  const base = `${options.publicUrl}/fhir`
  await app.register(async (fhir) => {
    fhir.addContentTypeParser(FHIR_JSON, { parseAs: 'string', bodyLimit: 256 * 1024 }, (_request, body, done) => {
      try {
        done(null, JSON.parse(body as string))
      } catch {
        done(new AppError('validation_failed', 'The body is not JSON'), undefined)
      }
    })
    fhir.setErrorHandler(async (error: FastifyError | AppError, request, reply) => outcome(error, request, reply))
    fhir.setNotFoundHandler(async (_request, reply) => send(reply.code(404), operationOutcome('error', 'not-supported', 'This interaction is not supported: see /fhir/metadata')))
    fhir.addHook('onSend', async (_request, reply, payload) => {
      reply.header('cache-control', 'no-store')
      return payload
    })

    fhir.get('/metadata', async (_request, reply) => send(reply, capabilityStatement(base)))

    const guarded = (scope: ApiScope) => ({
      onRequest: async (request: FastifyRequest) => {
        request.apiCaller = await services.apiAuth.authenticate(request.headers.authorization, header(request, USER_ASSERTION_HEADER), contextOf(request), scope)
      },
      config: {
        rateLimit: {
          max: PER_MINUTE, timeWindow: '1 minute', hook: 'preHandler' as const,
          keyGenerator: (request: FastifyRequest) => `fhir:${request.apiCaller?.client.id ?? request.ip}:${request.apiCaller?.user.id ?? ''}`,
        },
      },
    })
    const caller = (request: FastifyRequest) => request.apiCaller as ApiCaller

    const view = async (request: FastifyRequest, contactPointId: string): Promise<RecordAccess> => {
      const reason = header(request, REASON_HEADER) ?? ''
      if (!VIEW_REASONS.some((r) => r.code === reason)) {
        throw new AppError('validation_failed', `Say why the record is needed in the ContactPoint-Reason header: one of ${VIEW_REASONS.map((r) => r.code).join(', ')}`, { fields: [{ field: 'ContactPoint-Reason', message: 'Required' }] })
      }
      const who = caller(request)
      return services.record.view(who.user, contactPointId, { reason, detail: header(request, REASON_DETAIL_HEADER) ?? '' }, { sessionId: `api:${who.client.id}` }, who.context)
    }
    const patientParam = (query: Query, name = 'patient'): string => {
      const value = first(query[name]) ?? first(query.subject) ?? ''
      const id = value.replace(/^Patient\//, '')
      if (!/^\d{12}$/.test(id)) throw new AppError('validation_failed', `Give the child as ${name}=Patient/<ContactPoint ID>`, { fields: [{ field: name, message: 'Required' }] })
      return id
    }
    const compartment = (resourceType: string, build: (access: RecordAccess) => Resource[]) => {
      const handler = async (request: FastifyRequest, reply: FastifyReply) => {
        const query = { ...(request.query as Query), ...(request.body && typeof request.body === 'object' ? request.body as Query : {}) }
        const access = await view(request, patientParam(query))
        return send(reply, bundle('searchset', base, `${base}/${resourceType}`, build(access).map((resource) => ({ resource }))))
      }
      fhir.get(`/${resourceType}`, guarded('children.read'), handler)
      fhir.post(`/${resourceType}/_search`, guarded('children.read'), handler)
    }

    fhir.get<{ Params: { id: string } }>('/Patient/:id', guarded('children.read'), async (request, reply) => {
      if (!/^\d{12}$/.test(request.params.id)) throw new AppError('not_found', 'No child with that ContactPoint ID was found')
      return send(reply, patientFromAccess(await view(request, request.params.id)))
    })

    const patientSearch = async (request: FastifyRequest, reply: FastifyReply) => {
      const query = { ...(request.query as Query), ...(request.body && typeof request.body === 'object' ? request.body as Query : {}) }
      const outcome = await services.search.search(caller(request).user, searchForm(query), caller(request).context)
      return send(reply, bundle('searchset', base, `${base}/Patient`, outcome.results.map((found) => ({ resource: patientFromSearch(found), search: { mode: 'match' } }))))
    }
    fhir.get('/Patient', guarded('children.search'), patientSearch)
    fhir.post('/Patient/_search', guarded('children.search'), patientSearch)

    fhir.post('/Patient/$match', guarded('children.search'), async (request, reply) => {
      const { patient, onlyCertain, count } = matchInput(request.body)
      const outcome = await services.search.search(caller(request).user, formFromPatient(patient), caller(request).context)
      const graded = outcome.results.map((found) => ({ found, ...matchGrade(found) }))
        .filter((g) => !onlyCertain || g.grade === 'certain').sort((a, b) => b.score - a.score).slice(0, count)
      return send(reply, bundle('searchset', base, `${base}/Patient/$match`, graded.map((g) => ({
        resource: patientFromSearch(g.found), search: { extension: matchExtension(g.grade), mode: 'match', score: g.score },
      }))))
    })

    compartment('RelatedPerson', relatedPeople)
    compartment('CareTeam', careTeams)
    compartment('Flag', flags)

    const auditSearch = async (request: FastifyRequest, reply: FastifyReply) => {
      const query = { ...(request.query as Query), ...(request.body && typeof request.body === 'object' ? request.body as Query : {}) }
      const id = patientParam({ ...query, patient: first(query.patient) ?? first(query.entity) }, 'patient')
      const events = await services.accessLog.eventsAbout(caller(request).user, id, caller(request).context)
      return send(reply, bundle('searchset', base, `${base}/AuditEvent`, events.map((e) => ({ resource: auditEvent(e) }))))
    }
    fhir.get('/AuditEvent', guarded('audit.read'), auditSearch)
    fhir.post('/AuditEvent/_search', guarded('audit.read'), auditSearch)
  }, { prefix: '/fhir' })
}

const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value)

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name]
  return typeof value === 'string' ? value : undefined
}

async function send(reply: FastifyReply, resource: Resource): Promise<FastifyReply> {
  return reply.type(`${FHIR_JSON}; charset=utf-8`).send(resource)
}

/** FHIR search parameters to the search form; a prefix on birthdate other than eq is not supported. */
function searchForm(query: Query): SearchForm {
  const identifier = first(query.identifier)
  if (identifier) {
    const [system, value] = identifier.includes('|') ? identifier.split('|', 2) as [string, string] : [CONTACTPOINT_ID_SYSTEM, identifier]
    if (system !== CONTACTPOINT_ID_SYSTEM) throw new AppError('validation_failed', `Search by identifier supports the ContactPoint ID (${CONTACTPOINT_ID_SYSTEM}) only`, { fields: [{ field: 'identifier', message: 'Unsupported system' }] })
    return { contactPointId: value }
  }
  const birthdate = (first(query.birthdate) ?? '').replace(/^eq/, '')
  if (birthdate && !/^\d{4}(-\d{2}(-\d{2})?)?$/.test(birthdate)) throw new AppError('validation_failed', 'birthdate must be YYYY, YYYY-MM or YYYY-MM-DD', { fields: [{ field: 'birthdate', message: 'Not valid' }] })
  const [year, month, day] = birthdate ? birthdate.split('-') : []
  const gender = first(query.gender)
  return {
    familyName: first(query.family) ?? first(query.name) ?? '', givenName: first(query.given) ?? '',
    dobYear: year ?? '', dobMonth: month ?? '', dobDay: day ?? '',
    gender: gender === 'unknown' ? 'not_specified' : gender ?? 'any', postcode: first(query['address-postalcode']) ?? '', address: '',
  }
}

interface PatientInput { identifier?: { system?: string; value?: string }[]; name?: { family?: string; given?: string[] }[]; birthDate?: string; gender?: string; address?: { postalCode?: string; line?: string[]; city?: string }[] }

function matchInput(body: unknown): { patient: PatientInput; onlyCertain: boolean; count: number } {
  const parameters = body as { resourceType?: string; parameter?: { name?: string; resource?: PatientInput & { resourceType?: string }; valueBoolean?: boolean; valueInteger?: number }[] } | undefined
  if (parameters?.resourceType !== 'Parameters') throw new AppError('validation_failed', '$match takes a Parameters resource with a resource parameter holding a Patient')
  const resource = parameters.parameter?.find((p) => p.name === 'resource')?.resource
  if (resource?.resourceType !== 'Patient') throw new AppError('validation_failed', 'The resource parameter must hold a Patient', { fields: [{ field: 'Parameters.parameter.resource', message: 'Required' }] })
  const count = parameters.parameter?.find((p) => p.name === 'count')?.valueInteger
  return {
    patient: resource, onlyCertain: parameters.parameter?.find((p) => p.name === 'onlyCertainMatches')?.valueBoolean === true,
    count: Number.isInteger(count) && (count as number) > 0 ? Math.min(count as number, 50) : 50,
  }
}

function formFromPatient(patient: PatientInput): SearchForm {
  const id = patient.identifier?.find((i) => i.system === CONTACTPOINT_ID_SYSTEM)?.value
  if (id) return { contactPointId: id }
  const name = patient.name?.[0]
  const [year, month, day] = patient.birthDate ? patient.birthDate.split('-') : []
  const address = patient.address?.[0]
  return {
    familyName: name?.family ?? '', givenName: name?.given?.[0] ?? '', dobYear: year ?? '', dobMonth: month ?? '', dobDay: day ?? '',
    gender: patient.gender === 'unknown' ? 'not_specified' : patient.gender ?? 'any', postcode: address?.postalCode ?? '',
    address: [...(address?.line ?? []), address?.city ?? ''].join(' ').trim(),
  }
}

const ISSUE_CODES: Readonly<Record<string, [number, string]>> = {
  validation_failed: [400, 'invalid'], invalid_contactpoint_id: [400, 'invalid'], unauthenticated: [401, 'login'], forbidden: [403, 'forbidden'],
  not_found: [404, 'not-found'], conflict: [409, 'conflict'], payload_too_large: [413, 'too-costly'], rate_limited: [429, 'throttled'],
}

async function outcome(error: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  if (error instanceof AppError && ISSUE_CODES[error.code]) {
    const [status, code] = ISSUE_CODES[error.code] as [number, string]
    if (status === 401) reply.header('www-authenticate', 'Bearer realm="contactpoint"')
    return send(reply.code(status), operationOutcome('error', code, error.message, error.fields[0]?.field))
  }
  if ((error as FastifyError).statusCode === 429) return send(reply.code(429), operationOutcome('error', 'throttled', 'Too many requests: wait the seconds in Retry-After'))
  const status = (error as FastifyError).statusCode
  if (status !== undefined && status >= 400 && status < 500) return send(reply.code(status), operationOutcome('error', 'invalid', 'The request could not be understood'))
  request.log.error({ err: error }, 'unexpected error')
  return send(reply.code(500), operationOutcome('fatal', 'exception', `Sorry, there is a problem with the service (request ${request.id})`))
}
