// The integration API end to end, in-process on a real store: a test case management system is
// registered with its public key, signs its client assertion for a token, names its user in a
// signed user assertion on every call, searches, reads a record, subscribes a real local HTTP
// receiver and gets a signed webhook when the child is shielded; then the rules at the edges.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose'
import { buildApp } from '../app.ts'
import { loadConfig } from '../config/config.ts'
import type { Child, Organisation } from '../db/schema.ts'
import { createLogger } from '../observability/logger.ts'
import type { Services } from '../services.ts'
import { FakeClock } from '../system/clock.ts'
import { createTestDatabase, type TestDatabase } from '../testing/database.ts'
import { buildAuthority, buildChild, buildOrganisation } from '../testing/factories.ts'
import { buildStaff, TEST_CONTEXT, type Staff } from '../testing/people.ts'
import { verifyWebhook } from '../notifications/webhook-signature.ts'
import { MAX_ATTEMPTS } from '../notifications/notification.service.ts'

const PUBLIC_URL = 'https://contactpoint.test'
const CLIENT_ID = 'meadow-cms'
let handle: TestDatabase
let app: FastifyInstance
let services: Services
let clock: FakeClock
let authority: Organisation
let school: Organisation
let practitioner: Staff
let child: Child
let keys: { privateKey: CryptoKey; kid: string }

interface Received { headers: http.IncomingHttpHeaders; body: string }
const received: Received[] = []
let receiver: http.Server
let receiverUrl: string
let receiverStatus = 204

const now = () => Math.floor(clock.now().getTime() / 1000)

async function clientAssertion(overrides: { jti?: string; kid?: string; key?: CryptoKey; aud?: string } = {}): Promise<string> {
  return new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: overrides.kid ?? keys.kid }).setIssuer(CLIENT_ID).setSubject(CLIENT_ID)
    .setAudience(overrides.aud ?? `${PUBLIC_URL}/api/oauth/token`).setIssuedAt(now()).setExpirationTime(now() + 120).setJti(overrides.jti ?? randomUUID())
    .sign(overrides.key ?? keys.privateKey)
}

async function userAssertion(username: string, key: CryptoKey = keys.privateKey): Promise<string> {
  return new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: keys.kid }).setIssuer(CLIENT_ID).setSubject(username)
    .setAudience(`${PUBLIC_URL}/api`).setIssuedAt(now()).setExpirationTime(now() + 120).sign(key)
}

async function token(scope?: string): Promise<string> {
  const res = await app.inject({
    method: 'POST', url: '/api/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await clientAssertion(), ...(scope ? { scope } : {}),
    }).toString(),
  })
  assert.equal(res.statusCode, 200, res.body)
  return res.json().access_token as string
}

let cached: { token: string; at: number } | undefined
/** A CMS keeps its token until it is nearly out (tokens last five minutes). */
async function currentToken(): Promise<string> {
  if (!cached || clock.now().getTime() - cached.at > 240_000) cached = { token: await token(), at: clock.now().getTime() }
  return cached.token
}

async function call(method: 'GET' | 'POST' | 'DELETE', url: string, options: { body?: unknown; as?: string; token?: string; headers?: Record<string, string> } = {}) {
  return app.inject({
    method, url,
    headers: {
      authorization: `Bearer ${options.token ?? await currentToken()}`, 'contactpoint-user-assertion': await userAssertion(options.as ?? practitioner.user.username),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers,
    },
    ...(options.body !== undefined ? { payload: JSON.stringify(options.body) } : {}),
  })
}

before(async () => {
  handle = await createTestDatabase()
  clock = new FakeClock('2026-11-24T09:00:00Z')
  ;({ app, services } = await buildApp({ config: loadConfig({ NODE_ENV: 'test', PUBLIC_URL }), database: handle, logger: createLogger('silent'), clock }))
  await app.ready()
  authority = await buildAuthority(handle.db)
  school = await buildOrganisation(handle.db, authority)
  practitioner = await buildStaff(services, school, 'practitioner', authority.id, { access_channel: 'both' })
  const admin = await buildStaff(services, authority, 'authority_user_admin', authority.id)
  child = await buildChild(handle.db, authority, { givenName: 'Rosalind', familyName: 'Quenby', dateOfBirth: '2016-05-09' })
  await services.repositories.practice.insertInvolvements([{ child_id: child.id, service_type: 'school', organisation_id: school.id, started_on: '2021-09-01' }])

  const pair = await generateKeyPair('ES256', { extractable: true })
  const jwk = await exportJWK(pair.publicKey)
  await services.apiAuth.register(admin.user, { id: CLIENT_ID, name: 'Meadow CMS', organisationCode: school.code, scopes: ['children.search', 'children.read', 'children.write', 'notifications'], jwk: { ...jwk, kid: 'k1' } }, TEST_CONTEXT)
  keys = { privateKey: pair.privateKey, kid: 'k1' }

  receiver = http.createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => { body += chunk.toString('utf8') })
    request.on('end', () => {
      received.push({ headers: request.headers, body })
      response.writeHead(receiverStatus).end()
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`
})

after(async () => {
  receiver.close()
  await app.close()
  await handle.close()
})

describe('a CMS acting for its user', () => {
  test('searches, reads with a reason, subscribes and receives a signed webhook', async () => {
    const search = await call('POST', '/api/v1/children/searches', { body: { familyName: 'Quenby', dateOfBirth: '2016-05-09' } })
    assert.equal(search.statusCode, 200, search.body)
    const found = search.json()
    assert.equal(found.outcome, 'results')
    assert.equal(found.results[0].contactPointId, child.contactpoint_id)
    assert.equal(found.results[0].match, 'strict')
    assert.ok(found.results[0].reasons.includes('Family name'))

    const read = await call('GET', `/api/v1/children/${child.contactpoint_id}?reason=starting_work`)
    assert.equal(read.statusCode, 200, read.body)
    const record = read.json()
    assert.equal(record.givenName, 'Rosalind')
    assert.equal(record.restricted, false)
    assert.equal(record.involvements[0].organisation.name, school.name)
    assert.equal(read.headers['cache-control'], 'no-store')
    const etag = read.headers.etag as string
    assert.match(etag, /^"[\w-]+"$/)
    const again = await call('GET', `/api/v1/children/${child.contactpoint_id}?reason=starting_work`, { headers: { 'if-none-match': etag } })
    assert.equal(again.statusCode, 304)

    const subscribe = await call('POST', '/api/v1/webhooks/subscriptions', { body: { url: receiverUrl }, headers: { 'idempotency-key': randomUUID() } })
    assert.equal(subscribe.statusCode, 201, subscribe.body)
    const { secret } = subscribe.json()
    const dataManager = await buildStaff(services, authority, 'authority_data_manager', authority.id)
    await services.shielding.shield(dataManager.user, child.contactpoint_id, { reason: 'domestic_violence', reviewDueOn: '2027-06-01' }, TEST_CONTEXT)
    const round = await services.notifications.runOnce()
    assert.equal(round.delivered, 1)
    const hook = received.at(-1) as Received
    assert.ok(verifyWebhook(secret, hook.body, hook.headers['contactpoint-signature'] as string, clock.now()))
    assert.ok(!verifyWebhook(secret, hook.body, hook.headers['contactpoint-signature'] as string, new Date(clock.now().getTime() + 600_000)), 'outside the replay window')
    assert.ok(!verifyWebhook('another secret', hook.body, hook.headers['contactpoint-signature'] as string, clock.now()))
    const body = JSON.parse(hook.body)
    assert.deepEqual({ type: body.type, child: body.child }, { type: 'child.shielded', child: { contactPointId: child.contactpoint_id, replacedBy: null } })
    assert.equal(hook.headers['contactpoint-event-id'], body.id)

    // Shielded now: the same read gives only what identifies the child.
    const shielded = (await call('GET', `/api/v1/children/${child.contactpoint_id}?reason=starting_work`)).json()
    assert.equal(shielded.restricted, true)
    assert.equal(shielded.involvements, undefined)
    assert.equal(shielded.address, undefined)
    const privacyOfficer = await buildStaff(services, authority, 'authority_privacy_officer', authority.id)
    await services.shielding.lift(privacyOfficer.user, child.contactpoint_id, 'risk has passed', TEST_CONTEXT)
    assert.equal((await services.notifications.runOnce()).delivered, 1)
    assert.equal(JSON.parse((received.at(-1) as Received).body).type, 'child.unshielded')
  })

  test('every call is audited on the api channel with the client, and without names', async () => {
    const events = await services.repositories.audit.listForSubject('child', child.contactpoint_id)
    const views = events.filter((e) => e.action === 'child.view' && e.channel === 'api')
    assert.ok(views.length >= 2)
    assert.equal((views[0]?.details as { apiClient?: string }).apiClient, CLIENT_ID)
    assert.equal(views[0]?.actor_user_id, practitioner.user.id)
    assert.equal(views[0]?.reason_code, 'starting_work')
    const all = await services.repositories.audit.listFrom(null, 10_000)
    assert.ok(all.some((e) => e.action === 'child.search' && e.channel === 'api'))
    assert.ok(all.some((e) => e.action === 'api.token' && e.outcome === 'success'))
    assert.ok(!JSON.stringify(all.map((e) => e.details)).includes('Quenby'), 'search terms never reach the audit trail')
  })
})

describe('authentication', () => {
  test('a client assertion is accepted once', async () => {
    const assertion = await clientAssertion({ jti: 'one-time-jti-123' })
    const form = (a: string) => new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: a }).toString()
    const first = await app.inject({ method: 'POST', url: '/api/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form(assertion) })
    assert.equal(first.statusCode, 200)
    assert.equal(first.json().expires_in, 300)
    const replay = await app.inject({ method: 'POST', url: '/api/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form(assertion) })
    assert.equal(replay.statusCode, 401)
    assert.equal(replay.json().error, 'invalid_client')
    assert.match(replay.headers['content-type'] as string, /application\/problem\+json/)
  })

  test('a wrong key, audience, unknown scope or expired assertion gets no token', async () => {
    const other = await generateKeyPair('ES256')
    const post = async (assertion: string, scope?: string) => app.inject({
      method: 'POST', url: '/api/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion, ...(scope ? { scope } : {}) }).toString(),
    })
    assert.equal((await post(await clientAssertion({ key: other.privateKey }))).statusCode, 401)
    assert.equal((await post(await clientAssertion({ aud: 'https://elsewhere.test/token' }))).statusCode, 401)
    assert.equal((await post(await clientAssertion({ kid: 'nope' }))).statusCode, 401)
    assert.equal((await post(await clientAssertion(), 'audit.read')).json().error, 'invalid_scope')
    const stale = await clientAssertion()
    clock.advance(10 * 60_000)
    assert.equal((await post(stale)).statusCode, 401)
  })

  test('keys rotate: a new key works at once, a retired one stops', async () => {
    const admin = await buildStaff(services, authority, 'authority_user_admin', authority.id)
    const next = await generateKeyPair('ES256', { extractable: true })
    await services.apiAuth.addKey(admin.user, CLIENT_ID, { ...await exportJWK(next.publicKey), kid: 'k2' }, TEST_CONTEXT)
    const old = keys
    keys = { privateKey: next.privateKey, kid: 'k2' }
    assert.equal((await call('GET', '/api/v1/webhooks/subscriptions')).statusCode, 200)
    await services.apiAuth.retireKey(admin.user, CLIENT_ID, 'k1', TEST_CONTEXT)
    keys = old
    const res = await app.inject({ method: 'POST', url: '/api/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await clientAssertion() }).toString() })
    assert.equal(res.statusCode, 401)
    keys = { privateKey: next.privateKey, kid: 'k2' }
  })

  test('every call needs a token and a user assertion for a usable user of the client\'s organisation', async () => {
    const bearer = await token()
    const noUser = await app.inject({ method: 'GET', url: '/api/v1/webhooks/subscriptions', headers: { authorization: `Bearer ${bearer}` } })
    assert.equal(noUser.statusCode, 401)
    const noToken = await app.inject({ method: 'GET', url: '/api/v1/webhooks/subscriptions', headers: { 'contactpoint-user-assertion': await userAssertion(practitioner.user.username) } })
    assert.equal(noToken.statusCode, 401)
    assert.equal(noToken.headers['www-authenticate'], 'Bearer realm="contactpoint"')

    const elsewhere = await buildStaff(services, await buildOrganisation(handle.db, authority), 'practitioner', authority.id, { access_channel: 'cms' })
    assert.equal((await call('GET', '/api/v1/webhooks/subscriptions', { as: elsewhere.user.username })).statusCode, 401)
    const webOnly = await buildStaff(services, school, 'practitioner', authority.id, { access_channel: 'web' })
    assert.equal((await call('GET', '/api/v1/webhooks/subscriptions', { as: webOnly.user.username })).statusCode, 403)
    const lapsed = await buildStaff(services, school, 'practitioner', authority.id, { access_channel: 'cms', dbs_checked_on: '2023-01-01' })
    const refused = await call('GET', '/api/v1/webhooks/subscriptions', { as: lapsed.user.username })
    assert.equal(refused.statusCode, 403)
    assert.match(refused.json().detail, /dbs lapsed/)
    const suspended = await buildStaff(services, school, 'practitioner', authority.id, { access_channel: 'cms' })
    assert.equal((await call('GET', '/api/v1/webhooks/subscriptions', { as: suspended.user.username })).statusCode, 200)
    await services.repositories.users.update(suspended.user.id, { status: 'suspended' })
    assert.equal((await call('GET', '/api/v1/webhooks/subscriptions', { as: suspended.user.username })).statusCode, 403, 'checked on every call')
    const forged = await generateKeyPair('ES256')
    assert.equal((await call('GET', '/api/v1/webhooks/subscriptions', { headers: { 'contactpoint-user-assertion': await userAssertion(practitioner.user.username, forged.privateKey) } })).statusCode, 401)
  })

  test('scopes limit the client; the user\'s own role limits what it can do', async () => {
    const searchOnly = await token('children.search')
    const read = await call('GET', `/api/v1/children/${child.contactpoint_id}?reason=starting_work`, { token: searchOnly })
    assert.equal(read.statusCode, 403)
    assert.match(read.json().detail, /children\.read/)
    const admin = await buildStaff(services, school, 'authority_user_admin', authority.id, { access_channel: 'cms' })
    assert.equal((await call('POST', '/api/v1/children/searches', { as: admin.user.username, body: { familyName: 'Quenby', givenName: 'Rosalind' } })).statusCode, 403)
  })
})

describe('the REST conventions', () => {
  test('problems for invalid requests point at the field; unknown fields are refused', async () => {
    const unknown = await call('POST', '/api/v1/children/searches', { body: { familyName: 'Quenby', role: 'national_admin' } })
    assert.equal(unknown.statusCode, 400)
    assert.deepEqual(unknown.json().errors, [{ pointer: '/role', detail: 'Not a field of this request' }])
    const tooFew = await call('POST', '/api/v1/children/searches', { body: { familyName: 'Quenby' } })
    assert.equal(tooFew.statusCode, 400)
    assert.equal(tooFew.json().errors[0].pointer, '/givenName')
    const noReason = await call('GET', `/api/v1/children/${child.contactpoint_id}`)
    assert.equal(noReason.statusCode, 400)
    assert.equal(noReason.json().errors[0].pointer, 'reason')
    const other = await call('GET', `/api/v1/children/${child.contactpoint_id}?reason=other`)
    assert.equal(other.json().errors[0].pointer, 'ContactPoint-Reason-Detail')
    const missing = await call('GET', '/api/v1/children/000000000000?reason=safeguarding')
    assert.equal(missing.statusCode, 404)
    assert.equal(missing.json().code, 'not_found')
  })

  test('an idempotency key replays the first answer, and refuses a different request', async () => {
    const key = randomUUID()
    const first = await call('POST', '/api/v1/webhooks/subscriptions', { body: { url: `${receiverUrl}/a` }, headers: { 'idempotency-key': key } })
    const second = await call('POST', '/api/v1/webhooks/subscriptions', { body: { url: `${receiverUrl}/a` }, headers: { 'idempotency-key': key } })
    assert.equal(second.statusCode, 201)
    assert.equal(second.headers['idempotent-replayed'], 'true')
    assert.equal(second.json().id, first.json().id)
    const different = await call('POST', '/api/v1/webhooks/subscriptions', { body: { url: `${receiverUrl}/b` }, headers: { 'idempotency-key': key } })
    assert.equal(different.statusCode, 409)
    const none = await call('POST', '/api/v1/webhooks/subscriptions', { body: { url: `${receiverUrl}/c` } })
    assert.equal(none.statusCode, 400)
    await call('DELETE', `/api/v1/webhooks/subscriptions/${first.json().id as string}`)
  })

  test('search pages with a cursor tied to its criteria', async () => {
    for (let i = 0; i < 3; i += 1) await buildChild(handle.db, authority, { givenName: 'Theo', familyName: 'Pagewright', dateOfBirth: `2015-0${i + 1}-02` })
    const first = (await call('POST', '/api/v1/children/searches', { body: { familyName: 'Pagewright', givenName: 'Theo', limit: 2 } })).json()
    assert.equal(first.total, 3)
    assert.equal(first.results.length, 2)
    const second = (await call('POST', '/api/v1/children/searches', { body: { familyName: 'Pagewright', givenName: 'Theo', limit: 2, cursor: first.page.next } })).json()
    assert.equal(second.results.length, 1)
    assert.equal(second.page.next, null)
    const ids = [...first.results, ...second.results].map((r: { contactPointId: string }) => r.contactPointId)
    assert.equal(new Set(ids).size, 3)
    const misused = await call('POST', '/api/v1/children/searches', { body: { familyName: 'Quenby', givenName: 'Rosalind', cursor: first.page.next } })
    assert.equal(misused.statusCode, 400)
  })

  test('the per-user limit answers 429 with Retry-After', async () => {
    const bearer = await token()
    const heavy = await buildStaff(services, school, 'practitioner', authority.id, { access_channel: 'cms' })
    const assertion = await userAssertion(heavy.user.username)
    const statuses: number[] = []
    let last: Awaited<ReturnType<typeof app.inject>> | undefined
    for (let i = 0; i < 61; i += 1) {
      last = await app.inject({ method: 'GET', url: '/api/v1/webhooks/subscriptions', headers: { authorization: `Bearer ${bearer}`, 'contactpoint-user-assertion': assertion } })
      statuses.push(last.statusCode)
    }
    assert.deepEqual(statuses.slice(0, 60).filter((s) => s !== 200), [])
    assert.equal(last?.statusCode, 429)
    assert.ok(Number(last?.headers['retry-after']) > 0)
    assert.equal(last?.json().code, 'rate_limited')
    // Another user of the same client has their own allowance.
    assert.equal((await call('GET', '/api/v1/webhooks/subscriptions')).statusCode, 200)
  })

  test('the OpenAPI document and its documentation page are served', async () => {
    const doc = await app.inject({ url: '/api/v1/openapi.json' })
    assert.equal(doc.statusCode, 200)
    assert.equal(doc.json().openapi, '3.1.0')
    assert.equal(doc.json().components.securitySchemes.clientCredentials.flows.clientCredentials.tokenUrl, `${PUBLIC_URL}/api/oauth/token`)
    const page = await app.inject({ url: '/api/v1/docs' })
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /POST \/api\/v1\/children\/searches/)
  })
})

describe('recording through the API', () => {
  test('a CMS records its user\'s involvement (once per idempotency key), sets indicators and a marker, ends it, and hears of each change', async () => {
    const newcomer = await buildChild(handle.db, authority, { givenName: 'Ottilie', familyName: 'Newcastle', dateOfBirth: '2017-08-30' })
    const key = randomUUID()
    const body = { serviceType: 'early_help', practitionerName: 'P. Worker', phone: '01632 960111', startedOn: '2026-11-01' }
    const url = `/api/v1/children/${newcomer.contactpoint_id}/involvements`
    const first = await call('POST', url, { body, headers: { 'idempotency-key': key } })
    assert.equal(first.statusCode, 201, first.body)
    const involvementId = first.json().involvement.id as string
    const retry = await call('POST', url, { body, headers: { 'idempotency-key': key } })
    assert.equal(retry.json().involvement.id, involvementId)
    assert.equal(retry.headers['idempotent-replayed'], 'true')
    const rows = await handle.db.selectFrom('involvement').select('id').where('child_id', '=', newcomer.id).execute()
    assert.equal(rows.length, 1, 'the retry recorded nothing more')
    const noKey = await call('POST', url, { body })
    assert.equal(noKey.statusCode, 400)
    const badDate = await call('POST', url, { body: { ...body, startedOn: '2010-01-01' }, headers: { 'idempotency-key': randomUUID() } })
    assert.equal(badDate.statusCode, 400)
    assert.equal(badDate.json().errors[0].pointer, '/startedOn')

    const indicators = await call('POST', `${url}/${involvementId}/indicators`, { body: { holdsCaf: true, leadProfessional: true }, headers: { 'idempotency-key': randomUUID() } })
    assert.equal(indicators.statusCode, 200, indicators.body)
    const marker = await call('POST', `/api/v1/children/${newcomer.contactpoint_id}/markers`, { body: { contactName: 'P. Worker', phone: '01632 960111' }, headers: { 'idempotency-key': randomUUID() } })
    assert.equal(marker.statusCode, 201, marker.body)
    const record = (await call('GET', `/api/v1/children/${newcomer.contactpoint_id}?reason=coordinating`)).json()
    assert.equal(record.involvements[0].leadProfessional, true)
    assert.equal(record.markers[0].contactName, 'P. Worker')
    assert.equal((await call('DELETE', `/api/v1/children/${newcomer.contactpoint_id}/markers/${marker.json().marker.id as string}`)).statusCode, 204)
    const ended = await call('POST', `${url}/${involvementId}/end`, { body: { endedOn: '2026-11-20' }, headers: { 'idempotency-key': randomUUID() } })
    assert.equal(ended.statusCode, 200, ended.body)

    const before = received.length
    await services.notifications.runOnce()
    const types = received.slice(before).map((r) => JSON.parse(r.body) as { type: string; child: { contactPointId: string } })
    assert.deepEqual(types.map((t) => t.type).sort(), ['indicator.changed', 'involvement.changed', 'involvement.changed', 'marker.changed', 'marker.changed'])
    assert.ok(types.every((t) => t.child.contactPointId === newcomer.contactpoint_id))
    const audited = (await services.repositories.audit.listForSubject('child', newcomer.contactpoint_id)).filter((e) => e.action === 'child.record_involvement')
    assert.equal(audited.length, 1)
    assert.equal(audited[0]?.channel, 'api')
    assert.equal((audited[0]?.details as { apiClient?: string }).apiClient, CLIENT_ID)
  })

  test('a child not found goes to the same service, which waits for the initial data set (its matching is tested on a loaded store in src/practice)', async () => {
    const body = { givenName: 'Wilhelmina', familyName: 'Zzyzx', dateOfBirth: '2016-05-09', gender: 'female', serviceType: 'school' }
    const res = await call('POST', '/api/v1/children', { body, headers: { 'idempotency-key': randomUUID() } })
    assert.equal(res.statusCode, 503, res.body)
    assert.equal(res.json().code, 'service_unavailable')
    const unknown = await call('POST', '/api/v1/children', { body: { ...body, nhsNumber: '9434765919' }, headers: { 'idempotency-key': randomUUID() } })
    assert.equal(unknown.statusCode, 400)
  })
})

describe('delivery', () => {
  test('failures retry with backoff, then wait as dead letters the organisation can list and replay', async () => {
    receiverStatus = 500
    const dataManager = await buildStaff(services, authority, 'authority_data_manager', authority.id)
    await services.shielding.shield(dataManager.user, child.contactpoint_id, { reason: 'adoption', reviewDueOn: '2027-06-01' }, TEST_CONTEXT)
    const before = received.length
    for (let i = 0; i < MAX_ATTEMPTS; i += 1) {
      await services.notifications.runOnce()
      clock.advance(7 * 3_600_000)
    }
    assert.equal(received.length - before, MAX_ATTEMPTS, 'one attempt per round until the last')
    assert.equal(new Set(received.slice(before).map((r) => r.headers['contactpoint-event-id'])).size, 1)
    cached = undefined
    const dead = await call('GET', '/api/v1/webhooks/dead-letters?limit=10')
    assert.equal(dead.statusCode, 200, dead.body)
    const [letter] = dead.json().deliveries
    assert.equal(letter.type, 'child.shielded')
    assert.equal(letter.attempts, MAX_ATTEMPTS)
    assert.equal(letter.lastError, 'HTTP 500')

    receiverStatus = 204
    const replay = await call('POST', `/api/v1/webhooks/dead-letters/${letter.id as string}/replay`, { headers: { 'idempotency-key': randomUUID() } })
    assert.equal(replay.statusCode, 202, replay.body)
    assert.equal((await services.notifications.runOnce()).delivered, 1)
    assert.equal((await call('GET', '/api/v1/webhooks/dead-letters')).json().deliveries.length, 0)
  })

  test('organisations that do not work with the child hear nothing', async () => {
    const stranger = await buildChild(handle.db, authority, { givenName: 'Nobody', familyName: 'Knowsme' })
    const dataManager = await buildStaff(services, authority, 'authority_data_manager', authority.id)
    const before = received.length
    await services.shielding.shield(dataManager.user, stranger.contactpoint_id, { reason: 'adoption', reviewDueOn: '2027-06-01' }, TEST_CONTEXT)
    const round = await services.notifications.runOnce()
    assert.equal(round.fannedOut, 0)
    assert.equal(received.length, before)
  })
})
