// One declaration per REST operation: its schemas, scope, limits and handler. From the list come
// both the Fastify routes (validation, response shaping, authentication, idempotency) and the
// OpenAPI 3.1 document, so what is documented is what is enforced.
import type { TSchema } from '@sinclair/typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { AppError } from '../errors.ts'
import { USER_ASSERTION_HEADER, type API_SCOPES, type ApiCaller, type ApiScope } from './api-auth.service.ts'
import { Problem } from './schemas.ts'

export interface ApiHeader {
  readonly name: string
  readonly description: string
  readonly required?: boolean
}

export interface ApiRoute {
  readonly method: 'GET' | 'POST' | 'DELETE'
  /** Path under /api, in Fastify's form (/v1/children/:contactPointId). */
  readonly url: string
  readonly operationId: string
  readonly summary: string
  readonly description?: string
  readonly tag: string
  /** The scope a client needs; null for the token endpoint (the client assertion is its credential). */
  readonly scope: ApiScope | null
  readonly params?: TSchema
  readonly querystring?: TSchema
  readonly body?: TSchema
  readonly bodyType?: 'json' | 'form'
  readonly headers?: readonly ApiHeader[]
  /** Success responses by status; every operation also answers with problem details. */
  readonly responses: Readonly<Record<number, { readonly description: string; readonly schema?: TSchema }>>
  /** POSTs take an Idempotency-Key: required for those that change data. */
  readonly idempotency?: 'required' | 'optional'
  /** Calls per user of a client per minute. */
  readonly perMinute: number
  readonly handler: (request: FastifyRequest, reply: FastifyReply, caller: ApiCaller) => Promise<unknown>
}

export const IDEMPOTENCY_HEADER: ApiHeader = {
  name: 'Idempotency-Key', description: 'A unique key per intended operation (a UUID). A retry with the same key and body gets the first answer again, with Idempotent-Replayed: true; the same key with another body is refused (409). Keys are kept 24 hours.',
}

const PROBLEM_RESPONSES: Readonly<Record<number, string>> = {
  400: 'The request is not valid: see errors.', 401: 'No valid access token or user assertion.',
  403: 'The user or client may not do this (scope, role, vetting, suspension, shielding).', 404: 'Not found (also a child of another authority where the user has no access).',
  409: 'A conflict, such as an idempotency key reused with a different request.', 429: 'Too many requests: wait the seconds in Retry-After.',
}

export function requireScope(caller: ApiCaller, scope: ApiScope): void {
  if (!caller.scopes.includes(scope)) throw new AppError('forbidden', `The access token does not carry the ${scope} scope`)
}

/** JSON Schema as published: TypeBox's symbols gone, Problem by reference. */
function publish(schema: TSchema): unknown {
  const plain = JSON.parse(JSON.stringify(schema)) as Record<string, unknown>
  delete plain.$id
  return plain
}

const toOpenApiPath = (url: string): string => `/api${url.replace(/:([A-Za-z]+)/g, '{$1}')}`

function parametersOf(schema: TSchema | undefined, where: 'path' | 'query'): unknown[] {
  if (!schema) return []
  const properties = (schema as { properties?: Record<string, TSchema> }).properties ?? {}
  const required = new Set((schema as { required?: string[] }).required ?? [])
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = publish(property) as { description?: string }
    return { name, in: where, required: where === 'path' || required.has(name), ...(description ? { description } : {}), schema: rest }
  })
}

export function openApiDocument(routes: readonly ApiRoute[], options: { publicUrl: string; version: string; tokenUrl: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const route of routes) {
    const path = toOpenApiPath(route.url)
    const headers = [...(route.headers ?? []), ...(route.idempotency ? [{ ...IDEMPOTENCY_HEADER, required: route.idempotency === 'required' }] : [])]
    const responses: Record<string, unknown> = {}
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.schema ? { content: { 'application/json': { schema: publish(response.schema) } } } : {}),
      }
    }
    for (const [status, description] of Object.entries(PROBLEM_RESPONSES)) {
      if (route.scope === null && ['403', '404', '409'].includes(status)) continue
      responses[status] = { description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } }
    }
    paths[path] ??= {}
    ;(paths[path] as Record<string, unknown>)[route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      security: route.scope ? [{ clientCredentials: [route.scope], userAssertion: [] }] : [],
      parameters: [
        ...parametersOf(route.params, 'path'),
        ...parametersOf(route.querystring, 'query'),
        ...headers.map((h) => ({ name: h.name, in: 'header', required: h.required === true, description: h.description, schema: { type: 'string', maxLength: 500 } })),
      ],
      ...(route.body ? {
        requestBody: { required: true, content: { [route.bodyType === 'form' ? 'application/x-www-form-urlencoded' : 'application/json']: { schema: publish(route.body) } } },
      } : {}),
      responses,
    }
  }
  const tags = [...new Set(routes.map((r) => r.tag))]
  return {
    openapi: '3.1.0',
    info: {
      title: 'ContactPoint integration API',
      version: options.version,
      summary: 'Find a child and see who is working with them, from a case management system.',
      description: 'For case management systems (CMS) of accredited organisations. A CMS is registered by its local authority ContactPoint team, gets 5-minute access tokens with OAuth 2.0 client credentials and a private_key_jwt client assertion (RFC 7523), and names on every call the registered user it acts for in a signed user assertion. The user is checked on every call exactly as on the web (role, vetting, training, suspension), and every call is audited. See docs/integration.md.',
      contact: { name: 'ContactPoint national team', url: `${options.publicUrl}/api/v1/docs` },
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: options.publicUrl, description: 'This ContactPoint service' }],
    tags: tags.map((name) => ({ name, description: TAG_DESCRIPTIONS[name] ?? name })),
    paths,
    components: {
      schemas: { Problem: publish(Problem) },
      securitySchemes: {
        clientCredentials: {
          type: 'oauth2',
          description: 'Client credentials with a private_key_jwt client assertion (RFC 7523): POST grant_type=client_credentials, client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer and client_assertion to the token URL.',
          flows: { clientCredentials: { tokenUrl: options.tokenUrl, scopes: SCOPE_DESCRIPTIONS } },
        },
        userAssertion: {
          type: 'apiKey', in: 'header', name: headerName(USER_ASSERTION_HEADER),
          description: 'A JWT signed with the client\'s key naming the user the call is made for: iss the client ID, sub the user\'s ContactPoint username, aud the service address followed by /api, exp at most 5 minutes after iat.',
        },
      },
    },
  }
}

const headerName = (lower: string) => lower.split('-').map((w) => (w === 'contactpoint' ? 'ContactPoint' : `${w[0]?.toUpperCase() ?? ''}${w.slice(1)}`)).join('-')

const SCOPE_DESCRIPTIONS: Record<(typeof API_SCOPES)[number], string> = {
  'children.search': 'Search for children.',
  'children.read': 'Read a child\'s record, with a reason (FHIR reads too).',
  'children.write': 'Record and end involvements, indicators and markers; report errors; create records.',
  notifications: 'Manage webhook subscriptions and see and replay failed deliveries.',
  'audit.read': 'Read who viewed a child (privacy officers only).',
}

const TAG_DESCRIPTIONS: Record<string, string> = {
  Authentication: 'Access tokens for registered clients.',
  Children: 'Finding a child and reading their record.',
  Notifications: 'Signed webhooks when something changes about a child your organisation works with.',
  Recording: 'Recording your own involvement, indicators and markers, reporting errors, and adding a child who is not found.',
}
