// Finding a child and reading their record, over the same services as the web pages: the same
// criteria rules, scope, shielding, sensitive-service and reason-for-access rules, and audit.
import { createHash } from 'node:crypto'
import { AppError } from '../errors.ts'
import type { Services } from '../services.ts'
import type { SearchForm } from '../search/search-criteria.ts'
import { requireScope, type ApiRoute } from './api-route.ts'
import { criteriaKeyOf, CursorError, presentRecordJson, presentSearchPage } from './api.presenter.ts'
import { ChildParams, ChildRecord, RecordQuery, SearchRequest, SearchResponse } from './schemas.ts'

export const REASON_DETAIL_HEADER = 'contactpoint-reason-detail'

export function childrenRoutes(services: Services): ApiRoute[] {
  return [
    {
      method: 'POST', url: '/v1/children/searches', operationId: 'searchChildren', tag: 'Children', scope: 'children.search', perMinute: 60,
      summary: 'Find a child',
      description: 'A ContactPoint ID alone, or a family name and at least one more detail. Tolerant of familiar forms, sound-alikes, slips and swapped day and month. At most 50 results over all pages; a shielded child matches only on name, gender and date of birth, and shows no place. Criteria go in the body so that names never sit in addresses or logs.',
      body: SearchRequest, idempotency: 'optional',
      responses: { 200: { description: 'The matches, a page at a time.', schema: SearchResponse } },
      handler: async (request, _reply, caller) => {
        requireScope(caller, 'children.search')
        const body = request.body as SearchRequest
        const outcome = await services.search.search(caller.user, formOf(body), caller.context)
        try {
          return presentSearchPage(outcome, body, criteriaKeyOf(body))
        } catch (error) {
          if (error instanceof CursorError) throw new AppError('validation_failed', error.message, { fields: [{ field: '/cursor', message: error.message }] })
          throw error
        }
      },
    },
    {
      method: 'GET', url: '/v1/children/:contactPointId', operationId: 'getChild', tag: 'Children', scope: 'children.read', perMinute: 120,
      summary: 'Read a child\'s record, for a stated reason',
      description: 'Every read is one audited view with its reason. A merged record\'s ID answers with the record that replaced it (mergedFrom says so). A shielded child gives a restricted record; an archived one only to the authority\'s data managers within a year. Sensitive services appear only as sensitiveService: true. The answer carries an ETag: send it back in If-None-Match to get 304 when nothing changed (still an audited view).',
      params: ChildParams, querystring: RecordQuery,
      headers: [
        { name: 'ContactPoint-Reason-Detail', description: 'Free text about the reason (required for reason "other"; at most 500 characters). A header, so it stays out of addresses and logs.' },
        { name: 'If-None-Match', description: 'The ETag of a copy you hold.' },
      ],
      responses: { 200: { description: 'The record as the user may see it.', schema: ChildRecord }, 304: { description: 'Unchanged since the ETag given.' } },
      handler: async (request, reply, caller) => {
        requireScope(caller, 'children.read')
        const { contactPointId } = request.params as { contactPointId: string }
        const { reason } = request.query as { reason: string }
        const detail = request.headers[REASON_DETAIL_HEADER]
        const access = await services.record.view(caller.user, contactPointId, { reason, detail: typeof detail === 'string' ? detail : '' },
          { sessionId: `api:${caller.client.id}` }, caller.context)
        const record = presentRecordJson(access)
        const etag = `"${createHash('sha256').update(JSON.stringify(record)).digest('base64url').slice(0, 27)}"`
        reply.header('etag', etag)
        if (request.headers['if-none-match'] === etag) return reply.code(304).send()
        return record
      },
    },
  ]
}

function formOf(body: SearchRequest): SearchForm {
  const [year, month, day] = (body.dateOfBirth ?? '').split('-')
  return {
    contactPointId: body.contactPointId ?? '', familyName: body.familyName ?? '', givenName: body.givenName ?? '',
    dobYear: year ?? '', dobMonth: month ?? '', dobDay: day ?? '', gender: body.gender ?? 'any', postcode: body.postcode ?? '', address: body.address ?? '',
  }
}
