// The integration API under /api: the OAuth token endpoint, the /v1 operations, the OpenAPI
// document and its documentation page. One encapsulated Fastify context with its own validator
// (unknown fields are refused, not dropped), its own error handler (RFC 9457 problem details for
// every error) and per-user rate limits (429 with Retry-After).
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, ERROR_CODES, type ErrorCode } from '../errors.ts'
import type { Services } from '../services.ts'
import { OAuthError, USER_ASSERTION_HEADER, type ApiCaller, type ApiScope, type TokenRequest } from './api-auth.service.ts'
import { openApiDocument, type ApiRoute } from './api-route.ts'
import { childrenRoutes } from './children.routes.ts'
import { notificationRoutes } from './notifications.routes.ts'
import { practiceRoutes } from './practice.routes.ts'
import { TokenForm, TokenResponse } from './schemas.ts'

declare module 'fastify' {
  interface FastifyRequest {
    apiCaller: ApiCaller | null
  }
}

const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
/** Token requests per address per minute: a client needs one every few minutes. */
const TOKEN_PER_MINUTE = 60
const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,200}$/

/** Where a search or record field sits in a request, for a problem's errors[].pointer. */
const POINTERS: Readonly<Record<string, string>> = {
  'dob-day': '/dateOfBirth', 'dob-month': '/dateOfBirth', 'dob-year': '/dateOfBirth', reason: 'reason', detail: 'ContactPoint-Reason-Detail',
  'start-day': '/startedOn', 'start-month': '/startedOn', 'start-year': '/startedOn', 'end-day': '/endedOn', 'end-month': '/endedOn', 'end-year': '/endedOn',
  'death-day': '/dateOfDeath', 'death-month': '/dateOfDeath', 'death-year': '/dateOfDeath',
}

export interface ApiOptions {
  readonly publicUrl: string
  /** Extra operations (the write journeys) registered with the same machinery. */
  readonly extraRoutes?: (services: Services) => ApiRoute[]
}

export function apiRoutes(services: Services, options: Pick<ApiOptions, 'extraRoutes'> = {}): ApiRoute[] {
  return [...childrenRoutes(services), ...practiceRoutes(services), ...notificationRoutes(services), ...(options.extraRoutes?.(services) ?? [])]
}

/** The OpenAPI document of these operations, as served at /api/v1/openapi.json. */
export function apiDocument(routes: readonly ApiRoute[], publicUrl: string): Record<string, unknown> {
  return openApiDocument([tokenRoute(), ...routes], { publicUrl, version: pkg.version, tokenUrl: `${publicUrl}/api/oauth/token` })
}

export async function registerApi(app: FastifyInstance, services: Services, options: ApiOptions): Promise<void> {
  const routes = apiRoutes(services, options)
  const document = apiDocument(routes, options.publicUrl)
  app.decorateRequest('apiCaller', null)

  await app.register(async (api) => {
    // Query strings and paths arrive as text and are coerced; bodies must match exactly.
    const strict = addFormats.default(new Ajv({ allErrors: true, removeAdditional: false, useDefaults: true, coerceTypes: false, strict: false }))
    const coercing = addFormats.default(new Ajv({ allErrors: true, removeAdditional: false, useDefaults: true, coerceTypes: 'array', strict: false }))
    api.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema))
    api.setErrorHandler(async (error: FastifyError | AppError, request, reply) => problem(error, request, reply))
    api.setNotFoundHandler(async (request, reply) => sendProblem(request, reply, 'not_found', 'There is no such operation: see /api/v1/openapi.json'))
    // Answers with personal data are never stored by a cache on the way.
    api.addHook('onSend', async (_request, reply, payload) => {
      reply.header('cache-control', 'no-store')
      return payload
    })

    const token = tokenRoute()
    api.post('/oauth/token', {
      schema: { body: token.body, response: { 200: TokenResponse } },
      config: { rateLimit: { max: TOKEN_PER_MINUTE, timeWindow: '1 minute' } },
    }, async (request) => services.apiAuth.issueToken(request.body as TokenRequest, contextOf(request)))

    for (const route of routes) {
      api.route({
        method: route.method, url: route.url,
        schema: {
          ...(route.params ? { params: route.params } : {}), ...(route.querystring ? { querystring: route.querystring } : {}),
          ...(route.body ? { body: route.body } : {}),
          response: Object.fromEntries(Object.entries(route.responses).filter(([, r]) => r.schema).map(([s, r]) => [s, r.schema])),
        },
        // Authenticate first (before validation, and before the limit, which is counted per client and user).
        onRequest: async (request) => {
          request.apiCaller = await services.apiAuth.authenticate(request.headers.authorization, header(request, USER_ASSERTION_HEADER), contextOf(request), route.scope as ApiScope)
        },
        config: {
          rateLimit: {
            max: route.perMinute, timeWindow: '1 minute', hook: 'preHandler',
            keyGenerator: (request: FastifyRequest) => `${request.apiCaller?.client.id ?? request.ip}:${request.apiCaller?.user.id ?? ''}:${route.operationId}`,
          },
        },
        handler: async (request, reply) => {
          const caller = request.apiCaller as ApiCaller
          if (route.method !== 'POST' || !route.idempotency) return route.handler(request, reply, caller)
          return idempotent(services, route, request, reply, caller)
        },
      })
    }

    api.get('/v1/openapi.json', async (_request, reply) => reply.header('cache-control', 'no-cache').send(document))
    api.get('/v1/docs', async (_request, reply) => reply.header('cache-control', 'no-cache').view('api-docs.njk', { title: 'Integration API', api: docsView(document) }))
  }, { prefix: '/api' })
}

function tokenRoute(): ApiRoute {
  return {
    method: 'POST', url: '/oauth/token', operationId: 'getAccessToken', tag: 'Authentication', scope: null, perMinute: TOKEN_PER_MINUTE,
    summary: 'Get an access token',
    description: 'OAuth 2.0 client credentials with a private_key_jwt client assertion (RFC 7523). Each assertion is accepted once (its jti is remembered until it expires). Tokens last 5 minutes; ask for a new one rather than refreshing.',
    body: TokenForm, bodyType: 'form',
    responses: { 200: { description: 'An access token.', schema: TokenResponse } },
    handler: async () => {
      throw new Error('registered directly')
    },
  }
}

/** Runs a POST once per Idempotency-Key: a retry gets the stored answer; a different request with the key, 409. */
async function idempotent(services: Services, route: ApiRoute, request: FastifyRequest, reply: FastifyReply, caller: ApiCaller): Promise<unknown> {
  const key = header(request, 'idempotency-key')
  if (key === undefined) {
    if (route.idempotency === 'required') throw new AppError('validation_failed', 'This operation needs an Idempotency-Key header (a UUID per intended operation)', { fields: [{ field: 'Idempotency-Key', message: 'Required' }] })
    return route.handler(request, reply, caller)
  }
  if (!IDEMPOTENCY_KEY.test(key)) throw new AppError('validation_failed', 'An Idempotency-Key is 8 to 200 letters, digits, dots, hyphens, underscores or colons', { fields: [{ field: 'Idempotency-Key', message: 'Not valid' }] })
  const clients = services.repositories.apiClients
  const requestHash = createHash('sha256').update(JSON.stringify([caller.user.id, route.operationId, request.url, request.body])).digest('hex')
  const prior = await clients.claimIdempotencyKey(caller.client.id, key, requestHash, services.clock.now())
  if (prior) {
    if (prior.requestHash !== requestHash) throw new AppError('conflict', 'This Idempotency-Key was used for a different request')
    if (prior.status === null) throw new AppError('conflict', 'A request with this Idempotency-Key is still being answered: retry shortly')
    reply.header('idempotent-replayed', 'true')
    return reply.code(prior.status).send(prior.response)
  }
  try {
    const result = await route.handler(request, reply, caller)
    await clients.storeAnswer(caller.client.id, key, reply.statusCode, result)
    return result
  } catch (error) {
    await clients.releaseIdempotencyKey(caller.client.id, key)
    throw error
  }
}

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name]
  return typeof value === 'string' ? value : undefined
}

export const contextOf = (request: FastifyRequest) => ({ clientIp: request.ip, requestId: request.id })

async function problem(error: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  if (error instanceof OAuthError) {
    return sendProblem(request, reply, error.code, error.message, [], { error: error.oauthCode, error_description: error.message })
  }
  if (error instanceof AppError) {
    if (error.status >= 500) request.log.error({ err: error }, 'request failed')
    return sendProblem(request, reply, error.code, error.message, error.fields.map((f) => ({ pointer: POINTERS[f.field] ?? (f.field.startsWith('/') ? f.field : `/${f.field}`), detail: f.message })))
  }
  if (error.validation) {
    const where = error.validationContext ?? 'body'
    const errors = error.validation.map((v) => {
      const missing = (v.params as { missingProperty?: string }).missingProperty
      const extra = (v.params as { additionalProperty?: string }).additionalProperty
      const path = `${v.instancePath}${missing ? `/${missing}` : extra ? `/${extra}` : ''}`
      return { pointer: where === 'body' ? path || '/' : path.replace(/^\//, '') || where, detail: extra ? 'Not a field of this request' : v.message ?? 'Not valid' }
    })
    return sendProblem(request, reply, 'validation_failed', `The request ${where} is not valid`, errors)
  }
  if (error.statusCode === 429) return sendProblem(request, reply, 'rate_limited', 'Too many requests: wait the number of seconds in Retry-After, then try again')
  if (error.statusCode === 413) return sendProblem(request, reply, 'payload_too_large', 'The request body is too large')
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return sendProblem(request, reply, error.statusCode === 401 ? 'unauthenticated' : error.statusCode === 404 ? 'not_found' : 'validation_failed', 'The request could not be understood')
  }
  request.log.error({ err: error }, 'unexpected error')
  return sendProblem(request, reply, 'internal_error', 'Sorry, there is a problem with the service. Try again later.')
}

const TITLES: Partial<Record<ErrorCode, string>> = {
  validation_failed: 'The request is not valid', unauthenticated: 'Not authenticated', forbidden: 'Not allowed', not_found: 'Not found',
  conflict: 'Conflict', payload_too_large: 'Too large', rate_limited: 'Too many requests', internal_error: 'Internal error', service_unavailable: 'Unavailable',
}

export async function sendProblem(request: FastifyRequest, reply: FastifyReply, code: ErrorCode, detail: string,
  errors: readonly { pointer: string; detail: string }[] = [], extra: Record<string, string> = {}): Promise<FastifyReply> {
  const status = ERROR_CODES[code]
  if (status === 401) reply.header('www-authenticate', 'Bearer realm="contactpoint"')
  return reply.code(status).type('application/problem+json').send({
    type: `https://contactpoint.example/problems/${code}`, title: TITLES[code] ?? 'Problem', status, detail, code, requestId: request.id,
    ...(errors.length ? { errors } : {}), ...extra,
  })
}

interface DocsOperation { method: string; path: string; summary: string; description: string; scope: string; parameters: { name: string; in: string; required: boolean; description: string }[]; body: { name: string; description: string }[] }

/** The OpenAPI document as the documentation page lists it. */
function docsView(document: Record<string, unknown>) {
  const operations: DocsOperation[] = []
  for (const [path, methods] of Object.entries(document.paths as Record<string, Record<string, Record<string, unknown>>>)) {
    for (const [method, op] of Object.entries(methods)) {
      const body = (op.requestBody as { content: Record<string, { schema: { properties?: Record<string, { description?: string }> } }> } | undefined)
      const schema = body ? Object.values(body.content)[0]?.schema : undefined
      operations.push({
        method: method.toUpperCase(), path, summary: op.summary as string, description: (op.description as string | undefined) ?? '',
        scope: ((op.security as { clientCredentials?: string[] }[])[0]?.clientCredentials ?? []).join(' ') || 'none (client assertion)',
        parameters: (op.parameters as { name: string; in: string; required: boolean; description?: string }[]).map((p) => ({ ...p, description: p.description ?? '' })),
        body: Object.entries(schema?.properties ?? {}).map(([name, p]) => ({ name, description: p.description ?? '' })),
      })
    }
  }
  const info = document.info as { description: string; version: string }
  return { description: info.description, version: info.version, operations }
}
