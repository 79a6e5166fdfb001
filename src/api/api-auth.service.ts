// Case management systems as API clients. A CMS is registered to an accredited organisation with
// its public keys (JWK) and scopes. It gets a short-lived access token with OAuth 2.0 client
// credentials and a signed client assertion (private_key_jwt, RFC 7523); each assertion's jti is
// accepted once. Every call then names the user it acts for in a second signed JWT (the user
// assertion), and that user is checked exactly as the web checks them on every request: active,
// vetted within three years, trained, agreement signed, allowed CMS access, in the client's
// organisation. Authorisation is then the user's, through the same policy as the web.
import { createHash, randomBytes } from 'node:crypto'
import { calculateJwkThumbprint, decodeProtectedHeader, importJWK, jwtVerify, type JWK, type JWTPayload } from 'jose'
import type { Kysely } from 'kysely'
import type { ApiClient, Database } from '../db/schema.ts'
import { AppError } from '../errors.ts'
import type { AuditRepository } from '../governance/audit.repository.ts'
import { decide } from '../governance/policy.ts'
import type { OrganisationRepository } from '../people/organisation.repository.ts'
import { accountProblem, type RequestContext } from '../people/sign-in.service.ts'
import type { UserRepository, UserWithRoles } from '../people/user.repository.ts'
import { MINUTE, type Clock } from '../system/clock.ts'
import type { ApiClientRepository } from './api-client.repository.ts'

export const API_SCOPES = ['children.search', 'children.read', 'children.write', 'notifications', 'audit.read'] as const
export type ApiScope = (typeof API_SCOPES)[number]

export const ACCESS_TOKEN_TTL_SECONDS = 300
/** Client and user assertions must be short-lived: at most this long from issue to expiry. */
export const MAX_ASSERTION_LIFETIME_MS = 5 * MINUTE
const CLOCK_TOLERANCE_SECONDS = 30
const ALGORITHMS = ['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA']
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
/** The header that carries the user assertion on every call. */
export const USER_ASSERTION_HEADER = 'contactpoint-user-assertion'

/** Who is calling: the registered client and the user it acts for. */
export interface ApiCaller {
  readonly client: ApiClient
  readonly scopes: readonly ApiScope[]
  readonly user: UserWithRoles
  readonly context: RequestContext
}

export interface TokenRequest {
  readonly grant_type?: string
  readonly client_assertion_type?: string
  readonly client_assertion?: string
  readonly scope?: string
}

/** An OAuth error (RFC 6749 §5.2): the code goes into the answer as `error`. */
export class OAuthError extends AppError {
  readonly oauthCode: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type' | 'invalid_scope'
  constructor(oauthCode: OAuthError['oauthCode'], message: string) {
    super(oauthCode === 'invalid_client' ? 'unauthenticated' : 'validation_failed', message)
    this.name = 'OAuthError'
    this.oauthCode = oauthCode
  }
}

export interface ApiAuthDependencies {
  readonly db: Kysely<Database>
  readonly clients: ApiClientRepository
  readonly users: UserRepository
  readonly organisations: OrganisationRepository
  readonly audit: AuditRepository
  readonly clock: Clock
  /** The service's public address: assertions are addressed (aud) to its token endpoint and API. */
  readonly publicUrl: string
}

export class ApiAuthService {
  readonly #d: ApiAuthDependencies

  constructor(dependencies: ApiAuthDependencies) {
    this.#d = dependencies
  }

  get tokenEndpoint(): string {
    return `${this.#d.publicUrl}/api/oauth/token`
  }

  get apiAudience(): string {
    return `${this.#d.publicUrl}/api`
  }

  /**
   * Registers a CMS for an accredited organisation: a system account (role cms_client, CMS access
   * only, never a web sign-in) and the client with its first key. The operator must be allowed to
   * accredit organisations of that authority (its user admin or a national admin).
   */
  async register(operator: UserWithRoles, input: { id: string; name: string; organisationCode: string; scopes: readonly string[]; jwk: unknown }, context: RequestContext): Promise<ApiClient> {
    const { db, clients, users, organisations, audit, clock } = this.#d
    if (!/^[a-z0-9][a-z0-9-]{2,62}$/.test(input.id)) throw new AppError('validation_failed', 'A client ID is 3 to 63 lower-case letters, digits and hyphens')
    const organisation = await organisations.findByCode(input.organisationCode)
    if (!organisation) throw new AppError('not_found', `There is no organisation with code ${input.organisationCode}`)
    if (organisation.accreditation_status !== 'accredited') throw new AppError('conflict', 'Only an accredited organisation can register a case management system')
    const authorityId = organisation.kind === 'local_authority' ? organisation.id : organisation.authority_id
    const allowed = decide(operator, 'organisation.accredit', { authorityId })
    if (!allowed.allowed) throw new AppError('forbidden', `You cannot register clients for this organisation: ${allowed.reason}`)
    const scopes = checkScopes(input.scopes)
    const { kid, jwk } = await publicKeyOf(input.jwk)
    if (await clients.find(input.id)) throw new AppError('conflict', `A client called ${input.id} is already registered`)
    const now = clock.now()
    return db.transaction().execute(async (trx) => {
      const systemUser = await users.insert({
        username: `cms.${input.id}`, display_name: input.name, organisation_id: organisation.id, kind: 'system', status: 'active', access_channel: 'cms',
        created_by: operator.id,
      }, [{ role: 'cms_client', authorityId }], operator.id, trx)
      const client = await clients.insert({ id: input.id, name: input.name, organisationId: organisation.id, systemUserId: systemUser.id, scopes, createdBy: operator.id }, trx)
      await clients.addKey(client.id, kid, jwk, trx)
      await audit.append({
        channel: 'cli', action: 'api_client.register', outcome: 'success', actorUserId: operator.id, actorOrganisationId: operator.organisation_id,
        subjectType: 'api_client', subjectId: client.id, details: { organisation: organisation.code, scopes, kid },
        clientIp: context.clientIp, requestId: context.requestId, occurredAt: now,
      }, trx)
      return client
    })
  }

  /** Adds a key (rotation: add the new one, move the CMS over, then retire the old one). */
  async addKey(operator: UserWithRoles, clientId: string, jwkInput: unknown, context: RequestContext): Promise<string> {
    const client = await this.#managed(operator, clientId)
    const { kid, jwk } = await publicKeyOf(jwkInput)
    if ((await this.#d.clients.keys(client.id)).some((k) => k.kid === kid)) throw new AppError('conflict', `The client already has a key ${kid}`)
    await this.#d.clients.addKey(client.id, kid, jwk)
    await this.#operatorAudit(operator, 'api_client.add_key', client.id, { kid }, context)
    return kid
  }

  async retireKey(operator: UserWithRoles, clientId: string, kid: string, context: RequestContext): Promise<void> {
    const client = await this.#managed(operator, clientId)
    if (!await this.#d.clients.retireKey(client.id, kid, this.#d.clock.now())) throw new AppError('not_found', `The client has no active key ${kid}`)
    await this.#operatorAudit(operator, 'api_client.retire_key', client.id, { kid }, context)
  }

  async setStatus(operator: UserWithRoles, clientId: string, status: 'active' | 'suspended' | 'revoked', context: RequestContext): Promise<void> {
    const client = await this.#managed(operator, clientId)
    await this.#d.clients.setStatus(client.id, status, this.#d.clock.now())
    if (status !== 'active') await this.#d.clients.revokeTokens(client.id)
    await this.#operatorAudit(operator, `api_client.${status === 'active' ? 'reinstate' : status === 'suspended' ? 'suspend' : 'revoke'}`, client.id, {}, context)
  }

  /** The token endpoint: client credentials with a private_key_jwt client assertion. */
  async issueToken(request: TokenRequest, context: RequestContext): Promise<{ access_token: string; token_type: 'Bearer'; expires_in: number; scope: string }> {
    const { clients, clock } = this.#d
    if (request.grant_type !== 'client_credentials') throw new OAuthError('unsupported_grant_type', 'grant_type must be client_credentials')
    if (request.client_assertion_type !== CLIENT_ASSERTION_TYPE || !request.client_assertion) {
      throw new OAuthError('invalid_client', `A client assertion (client_assertion_type ${CLIENT_ASSERTION_TYPE}) is required`)
    }
    const now = clock.now()
    let client: ApiClient | undefined
    try {
      const verified = await this.#verify(request.client_assertion, this.tokenEndpoint, null)
      client = verified.client
      const { payload } = verified
      if (payload.sub !== payload.iss) throw new OAuthError('invalid_client', 'The assertion\'s sub must be the client ID')
      if (typeof payload.jti !== 'string' || payload.jti.length < 8 || payload.jti.length > 200) throw new OAuthError('invalid_client', 'The assertion needs a unique jti')
      if (!await clients.useAssertion(client.id, payload.jti, new Date((payload.exp as number) * 1000), now)) {
        throw new OAuthError('invalid_client', 'This client assertion was used before')
      }
      const requested = request.scope ? request.scope.split(' ').filter(Boolean) : client.scopes
      const granted = requested.filter((s) => client?.scopes.includes(s))
      if (granted.length !== requested.length || granted.length === 0) throw new OAuthError('invalid_scope', 'The client is not registered for a scope it asked for')
      const token = randomBytes(32).toString('base64url')
      await clients.insertToken({ hash: sha256(token), clientId: client.id, scopes: granted, issuedAt: now, expiresAt: new Date(now.getTime() + ACCESS_TOKEN_TTL_SECONDS * 1000) })
      await this.#clientAudit(client, 'api.token', 'success', { scopes: granted }, context)
      return { access_token: token, token_type: 'Bearer', expires_in: ACCESS_TOKEN_TTL_SECONDS, scope: granted.join(' ') }
    } catch (error) {
      const reason = error instanceof AppError ? error.message : 'the assertion could not be verified'
      if (client) await this.#clientAudit(client, 'api.token', 'denied', { reason }, context)
      else await this.#d.audit.append({ channel: 'api', action: 'api.token', outcome: 'denied', details: { reason }, clientIp: context.clientIp, requestId: context.requestId, occurredAt: now })
      if (error instanceof OAuthError) throw error
      throw new OAuthError('invalid_client', reason)
    }
  }

  /**
   * Every call: the bearer token, then the user assertion, then the same checks of the user as the
   * web makes on each request. Failures are audited without personal data and answered alike.
   */
  async authenticate(authorization: string | undefined, userAssertion: string | undefined, context: RequestContext, scope: ApiScope): Promise<ApiCaller> {
    const { clients, users, clock } = this.#d
    const now = clock.now()
    const bearer = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(authorization ?? '')?.[1]
    const found = bearer ? await clients.findToken(sha256(bearer), now) : undefined
    if (!found) throw new AppError('unauthenticated', 'A valid access token is required (Authorization: Bearer …); tokens last 5 minutes')
    const { client } = found
    const refuse = async (reason: string, message: string, code: 'unauthenticated' | 'forbidden' = 'unauthenticated') => {
      await this.#clientAudit(client, 'api.authenticate', 'denied', { reason }, context)
      throw new AppError(code, message)
    }
    if (client.status !== 'active') return refuse('client not active', 'This client is not active')
    if (!found.accredited) return refuse('organisation not accredited', 'The client\'s organisation is not accredited')
    const clientActor = { roles: found.systemRoles.map((role) => ({ role, authorityId: null })) }
    if (!decide(clientActor, 'api.access').allowed) return refuse('client account may not use the API', 'This client may not use the API')
    if (!userAssertion) return refuse('no user assertion', `Every call must name its user in a signed ${USER_ASSERTION_HEADER} header`)
    let payload: JWTPayload
    try {
      payload = (await this.#verify(userAssertion, this.apiAudience, client)).payload
    } catch (error) {
      return refuse('invalid user assertion', error instanceof AppError ? error.message : 'The user assertion could not be verified')
    }
    const user = typeof payload.sub === 'string' ? await users.findByUsername(payload.sub) : undefined
    if (!user || user.organisation_id !== client.organisation_id) return refuse('assertion names no user of the client\'s organisation', 'The user is not a registered user of the client\'s organisation')
    const problem = accountProblem(user, now.toISOString().slice(0, 10), 'cms')
    if (problem) return refuse(`user ${problem}`, `This user cannot use ContactPoint now (${problem.replaceAll('_', ' ')}). Contact your local authority ContactPoint team.`, 'forbidden')
    if (!found.scopes.includes(scope)) return refuse(`token lacks scope ${scope}`, `The access token does not carry the ${scope} scope`, 'forbidden')
    return { client, scopes: found.scopes as ApiScope[], user, context: { ...context, channel: 'api', apiClientId: client.id } }
  }

  /** Verifies a JWT signed with one of the client's active keys, addressed to `audience`. */
  async #verify(jwt: string, audience: string, knownClient: ApiClient | null): Promise<{ client: ApiClient; payload: JWTPayload }> {
    const { clients, clock } = this.#d
    let header: ReturnType<typeof decodeProtectedHeader>
    let unverified: JWTPayload
    try {
      header = decodeProtectedHeader(jwt)
      unverified = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as JWTPayload
    } catch {
      throw new OAuthError('invalid_client', 'The assertion is not a signed JWT')
    }
    const clientId = typeof unverified.iss === 'string' ? unverified.iss : ''
    if (knownClient !== null && clientId !== knownClient.id) throw new OAuthError('invalid_client', 'The assertion was not issued by this client')
    const client = knownClient ?? await clients.find(clientId)
    if (!client) throw new OAuthError('invalid_client', 'Unknown client')
    if (client.status !== 'active') throw new OAuthError('invalid_client', 'This client is not active')
    if (!header.kid || !header.alg || !ALGORITHMS.includes(header.alg)) throw new OAuthError('invalid_client', `The assertion needs a kid and one of the algorithms ${ALGORITHMS.join(', ')}`)
    const jwk = await clients.activeKey(client.id, header.kid)
    if (!jwk) throw new OAuthError('invalid_client', `The client has no active key ${header.kid}`)
    try {
      const key = await importedKey(client.id, header.kid, header.alg, jwk)
      const { payload } = await jwtVerify(jwt, key, {
        issuer: client.id, audience, algorithms: ALGORITHMS, currentDate: clock.now(), clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'iat', 'sub'], maxTokenAge: `${MAX_ASSERTION_LIFETIME_MS / 1000 + CLOCK_TOLERANCE_SECONDS}s`,
      })
      if ((payload.exp as number) - (payload.iat as number) > MAX_ASSERTION_LIFETIME_MS / 1000) throw new Error('lives too long')
      return { client, payload }
    } catch (error) {
      throw new OAuthError('invalid_client', `The assertion is not valid: ${error instanceof Error ? describeJoseError(error) : 'unreadable'}`)
    }
  }

  async #managed(operator: UserWithRoles, clientId: string): Promise<ApiClient> {
    const client = await this.#d.clients.find(clientId)
    if (!client) throw new AppError('not_found', `There is no client ${clientId}`)
    const authorityId = await this.#d.users.authorityOfOrganisation(client.organisation_id)
    const allowed = decide(operator, 'organisation.accredit', { authorityId })
    if (!allowed.allowed) throw new AppError('forbidden', `You cannot manage this client: ${allowed.reason}`)
    return client
  }

  async #operatorAudit(operator: UserWithRoles, action: string, clientId: string, details: Record<string, unknown>, context: RequestContext): Promise<void> {
    await this.#d.audit.append({
      channel: 'cli', action, outcome: 'success', actorUserId: operator.id, actorOrganisationId: operator.organisation_id,
      subjectType: 'api_client', subjectId: clientId, details, clientIp: context.clientIp, requestId: context.requestId, occurredAt: this.#d.clock.now(),
    })
  }

  async #clientAudit(client: ApiClient, action: string, outcome: 'success' | 'denied', details: Record<string, unknown>, context: RequestContext): Promise<void> {
    await this.#d.audit.append({
      channel: 'api', action, outcome, actorUserId: client.system_user_id, actorOrganisationId: client.organisation_id,
      subjectType: 'api_client', subjectId: client.id, details, clientIp: context.clientIp, requestId: context.requestId, occurredAt: this.#d.clock.now(),
    })
  }
}

/** Imported keys by client, kid, algorithm and content: the database still says on each call whether the key is active. */
const KEY_CACHE = new Map<string, Promise<Awaited<ReturnType<typeof importJWK>>>>()
function importedKey(clientId: string, kid: string, alg: string, jwk: Record<string, unknown>) {
  const cacheKey = `${clientId} ${kid} ${alg} ${JSON.stringify(jwk)}`
  let key = KEY_CACHE.get(cacheKey)
  if (!key) {
    if (KEY_CACHE.size > 1000) KEY_CACHE.clear()
    key = importJWK(jwk as JWK, alg)
    key.catch(() => KEY_CACHE.delete(cacheKey))
    KEY_CACHE.set(cacheKey, key)
  }
  return key
}

export function checkScopes(scopes: readonly string[]): ApiScope[] {
  const unknown = scopes.filter((s) => !(API_SCOPES as readonly string[]).includes(s))
  if (unknown.length || scopes.length === 0) throw new AppError('validation_failed', `Scopes must be some of ${API_SCOPES.join(', ')}`)
  return [...new Set(scopes)] as ApiScope[]
}

/** A public key only (never a private one), of a kind we verify, with its kid (the RFC 7638 thumbprint when none is given). */
export async function publicKeyOf(input: unknown): Promise<{ kid: string; jwk: Record<string, unknown> }> {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new AppError('validation_failed', 'The key must be a JWK (a JSON object)')
  const jwk = input as Record<string, unknown>
  if ('d' in jwk || 'p' in jwk || 'k' in jwk) throw new AppError('validation_failed', 'Register the public key only: this JWK holds private or secret key material')
  const allowed = (jwk.kty === 'EC' && ['P-256', 'P-384'].includes(jwk.crv as string)) || (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') ||
    (jwk.kty === 'RSA' && typeof jwk.n === 'string' && Buffer.from(jwk.n, 'base64url').length >= 256)
  if (!allowed) throw new AppError('validation_failed', 'The key must be EC P-256 or P-384, Ed25519, or RSA of 2048 bits or more')
  try {
    await importJWK(jwk as JWK, jwk.kty === 'EC' ? (jwk.crv === 'P-384' ? 'ES384' : 'ES256') : jwk.kty === 'OKP' ? 'EdDSA' : 'PS256')
  } catch {
    throw new AppError('validation_failed', 'The JWK is not a usable public key')
  }
  const kid = typeof jwk.kid === 'string' && /^[A-Za-z0-9._-]{1,100}$/.test(jwk.kid) ? jwk.kid : await calculateJwkThumbprint(jwk as JWK)
  const { kty, crv, x, y, n, e } = jwk
  const clean = Object.fromEntries(Object.entries({ kty, crv, x, y, n, e, kid }).filter(([, v]) => v !== undefined))
  return { kid, jwk: clean }
}

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex')

function describeJoseError(error: Error): string {
  const code = (error as { code?: string }).code
  switch (code) {
    case 'ERR_JWT_EXPIRED': return 'it has expired'
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED': return 'the signature does not match the key'
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': return (error as { claim?: string }).claim ? `claim ${(error as { claim?: string }).claim} is wrong or missing` : 'a claim is wrong or missing'
    default: return error.message === 'lives too long' ? `it must expire within ${MAX_ASSERTION_LIFETIME_MS / 60000} minutes of being issued` : 'it could not be verified'
  }
}
