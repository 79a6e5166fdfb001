// The web shell end to end in-process: the real app on a real store, requests injected.
import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../app.ts'
import { loadConfig } from '../config/config.ts'
import { createLogger } from '../observability/logger.ts'
import { hashPassword } from '../people/passwords.ts'
import { base32Decode, totpAt } from '../people/totp.ts'
import { UserRepository } from '../people/user.repository.ts'
import type { Services } from '../services.ts'
import { createTestDatabase, type TestDatabase } from '../testing/database.ts'
import { buildAuthority, buildOrganisation } from '../testing/factories.ts'

const TOTP_SECRET = Buffer.from('0123456789abcdefghij')
let handle: TestDatabase
let app: FastifyInstance
let services: Services
const logLines: string[] = []

before(async () => {
  handle = await createTestDatabase()
  const logStream = new PassThrough()
  logStream.on('data', (chunk: Buffer) => logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean)))
  ;({ app, services } = await buildApp({ config: loadConfig({ NODE_ENV: 'test' }), database: handle, logger: createLogger('info', logStream) }))
  app.get('/__boom', async () => {
    throw new Error('boom: secret internal detail')
  })
  await app.ready()
  const authority = await buildAuthority(handle.db)
  const school = await buildOrganisation(handle.db, authority)
  const user = await new UserRepository(handle.db).insert({
    username: 'zoe.obrien', display_name: "Zoë O'Brien", organisation_id: school.id, status: 'active',
    password_hash: await hashPassword('a long test passphrase'), dbs_checked_on: '2025-06-01', training_completed_on: '2025-06-02',
    agreement_signed_on: '2025-06-02',
  }, [{ role: 'practitioner', authorityId: authority.id }])
  await services.signIn.enrolTotpSecret(user.id, TOTP_SECRET)
})
after(async () => {
  await app.close()
  await handle.close()
})

describe('pages and assets', () => {
  test('the start page uses the GOV.UK layout with a per-request CSP nonce and no caching', async () => {
    const res = await app.inject({ url: '/' })
    assert.equal(res.statusCode, 200)
    assert.match(res.headers['content-type'] as string, /text\/html/)
    assert.match(res.body, /<title>Find who is working with a child – ContactPoint<\/title>/)
    assert.match(res.body, /govuk-service-navigation/)
    assert.match(res.body, /href="\/sign-in"/)
    const csp = res.headers['content-security-policy'] as string
    const nonce = /script-src 'self' 'nonce-([^']+)'/.exec(csp)?.[1]
    assert.ok(nonce, csp)
    assert.ok(res.body.includes(`nonce="${nonce}"`), 'inline scripts carry the nonce')
    assert.match(csp, /frame-ancestors 'none'/)
    assert.equal(res.headers['cache-control'], 'no-store')
    const second = await app.inject({ url: '/' })
    assert.notEqual(/nonce-([^']+)/.exec(second.headers['content-security-policy'] as string)?.[1], nonce)
  })

  test('GOV.UK Frontend assets are served from the package', async () => {
    for (const [url, type] of [['/assets/govuk-frontend.min.css', 'text/css'], ['/assets/govuk-frontend.min.js', 'text/javascript'],
      ['/assets/init.js', 'javascript'], ['/assets/images/favicon.svg', 'image/svg+xml'], ['/assets/manifest.json', 'json'],
      ['/assets/simplewebauthn-browser.js', 'text/javascript'], ['/assets/webauthn.js', 'javascript']] as const) {
      const res = await app.inject({ url })
      assert.equal(res.statusCode, 200, url)
      assert.ok((res.headers['content-type'] as string).includes(type), url)
    }
    assert.equal((await app.inject({ url: '/assets/../package.json' })).statusCode, 404)
  })
})

describe('errors', () => {
  test('an unknown page is a GOV.UK 404 for people and problem details for API clients', async () => {
    const page = await app.inject({ url: '/no-such-page?name=Zoe' })
    assert.equal(page.statusCode, 404)
    assert.match(page.body, /Page not found/)
    const api = await app.inject({ url: '/api/v1/nothing', headers: { accept: 'application/json' } })
    assert.equal(api.statusCode, 404)
    assert.match(api.headers['content-type'] as string, /application\/problem\+json/)
    assert.deepEqual({ ...(api.json() as Record<string, unknown>), requestId: undefined }, {
      type: 'https://contactpoint.example/problems/not_found', title: 'Not found', status: 404,
      detail: 'There is no such operation: see /api/v1/openapi.json',
      code: 'not_found', requestId: undefined,
    })
  })

  test('an unexpected failure is a generic 500 with a reference, never a stack trace or message', async () => {
    const res = await app.inject({ url: '/__boom' })
    assert.equal(res.statusCode, 500)
    assert.match(res.body, /Sorry, there is a problem with the service/)
    assert.doesNotMatch(res.body, /boom|secret internal|at .*\.ts:\d+/)
    assert.ok(res.body.includes(res.headers['x-request-id'] as string))
    const json = await app.inject({ url: '/__boom', headers: { accept: 'application/json' } })
    assert.doesNotMatch(json.body, /boom|stack/)
    assert.ok(logLines.some((l) => l.includes('boom: secret internal detail')), 'the operator still sees the cause in the log')
  })
})

describe('request ids, health and info', () => {
  test('a well-formed X-Request-Id is honoured and echoed; a malformed one is replaced', async () => {
    const ok = await app.inject({ url: '/ping', headers: { 'x-request-id': 'cms-req-12345678' } })
    assert.equal(ok.headers['x-request-id'], 'cms-req-12345678')
    const bad = await app.inject({ url: '/ping', headers: { 'x-request-id': 'bad id\nwith newline' } })
    assert.match(bad.headers['x-request-id'] as string, /^[0-9a-f-]{36}$/)
  })

  test('/health checks the database; /info gives build facts and nothing about data', async () => {
    const health = await app.inject({ url: '/health' })
    assert.equal(health.statusCode, 200)
    assert.equal(health.json().status, 'UP')
    assert.equal(health.json().components.database.status, 'UP')
    const info = await app.inject({ url: '/info' })
    assert.equal(info.json().name, 'contactpoint')
    assert.match(info.json().node, /^v24\./)
    assert.equal(info.json().store, handle.kind)
  })

  test('/health reports DOWN with 503 when the database cannot answer', async () => {
    const broken = await createTestDatabase()
    const { app: other } = await buildApp({ config: loadConfig({ NODE_ENV: 'test' }), database: broken, logger: createLogger('silent') })
    await broken.close()
    const res = await other.inject({ url: '/health' })
    assert.equal(res.statusCode, 503)
    assert.equal(res.json().components.database.status, 'DOWN')
    await other.close()
  })
})

function cookieNamed(res: { headers: Record<string, unknown> }, name: string): string {
  const all = ([] as string[]).concat(res.headers['set-cookie'] as string | string[])
  const found = all.find((c) => c.startsWith(`${name}=`))
  assert.ok(found, `cookie ${name}`)
  return found.split(';')[0] as string
}

describe('signing in', () => {
  async function form(): Promise<{ cookie: string; token: string }> {
    const res = await app.inject({ url: '/sign-in' })
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1]
    const cookie = (res.headers['set-cookie'] as string | string[] | undefined)
    const first = Array.isArray(cookie) ? cookie[0] : cookie
    assert.ok(token && first)
    return { cookie: first.split(';')[0] as string, token }
  }
  const post = (cookie: string, body: Record<string, string>) => app.inject({
    method: 'POST', url: '/sign-in', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(body).toString(),
  })

  test('a post without the CSRF token is refused', async () => {
    const { cookie } = await form()
    const res = await post(cookie, { username: 'zoe.obrien', password: 'a long test passphrase' })
    assert.equal(res.statusCode, 403)
  })

  test('empty fields get a GOV.UK error summary linking to each field', async () => {
    const { cookie, token } = await form()
    const res = await post(cookie, { _csrf: token, username: '', password: '' })
    assert.equal(res.statusCode, 400)
    assert.match(res.body, /<title>Error: Sign in to ContactPoint/)
    assert.match(res.body, /href="#username">Enter your username/)
    assert.match(res.body, /href="#password">Enter your password/)
  })

  test('unknown user and wrong password get the same answer, and the password is never echoed', async () => {
    const { cookie, token } = await form()
    const unknown = await post(cookie, { _csrf: token, username: 'nobody.here', password: 'whatever it is' })
    const wrong = await post(cookie, { _csrf: token, username: 'zoe.obrien', password: 'not the passphrase' })
    assert.equal(unknown.statusCode, 401)
    assert.equal(wrong.statusCode, 401)
    const message = (body: string) => /govuk-error-summary__list[\s\S]*?<\/ul>/.exec(body)?.[0]
    assert.equal(message(unknown.body), message(wrong.body))
    assert.match(wrong.body, /value="zoe.obrien"/, 'the username is kept; the password never is')
    assert.doesNotMatch(wrong.body, /not the passphrase/)
  })

  test('password, then code, then the signed-in page; signing out closes it', async () => {
    assert.equal((await app.inject({ url: '/home' })).headers.location, '/sign-in', 'signed-out users are sent to sign in')
    const { cookie, token } = await form()
    const first = await post(cookie, { _csrf: token, username: 'ZOE.OBRIEN', password: 'a long test passphrase' })
    assert.equal(first.statusCode, 303)
    assert.equal(first.headers.location, '/sign-in/code')
    const session = cookieNamed(first, 'cp-session')
    assert.match(String(first.headers['set-cookie']), /cp-session=[^;]+; Max-Age=43200; Path=\/; HttpOnly; SameSite=Lax/)
    const both = `${cookie}; ${session}`
    assert.equal((await app.inject({ url: '/home', headers: { cookie: both } })).headers.location, '/sign-in', 'a password alone is not enough')
    const codePage = await app.inject({ url: '/sign-in/code', headers: { cookie: both } })
    assert.equal(codePage.statusCode, 200)
    const csrf = /name="_csrf" value="([^"]+)"/.exec(codePage.body)?.[1] as string
    const bad = await app.inject({ method: 'POST', url: '/sign-in/code', headers: { cookie: both, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${encodeURIComponent(csrf)}&code=12ab` })
    assert.equal(bad.statusCode, 400)
    assert.match(bad.body, /Enter the 6-digit code, using numbers only/)
    const good = await app.inject({ method: 'POST', url: '/sign-in/code', headers: { cookie: both, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${encodeURIComponent(csrf)}&code=${totpAt(TOTP_SECRET, new Date())}` })
    assert.equal(good.statusCode, 303)
    assert.equal(good.headers.location, '/home')
    const home = await app.inject({ url: '/home', headers: { cookie: both } })
    assert.equal(home.statusCode, 200)
    assert.match(home.body, /Signed in as Zoë O&#39;Brien/)
    const homeCsrf = /name="_csrf" value="([^"]+)"/.exec(home.body)?.[1] as string
    const out = await app.inject({ method: 'POST', url: '/sign-out', headers: { cookie: both, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${encodeURIComponent(homeCsrf)}` })
    assert.equal(out.headers.location, '/signed-out')
    assert.equal((await app.inject({ url: '/home', headers: { cookie: both } })).headers.location, '/sign-in')
    const events = await services.repositories.audit.listFrom(null, 1000)
    assert.deepEqual(events.filter((e) => e.action.startsWith('auth.') && e.outcome === 'success').map((e) => e.action),
      ['auth.password', 'auth.second_factor', 'auth.sign_in', 'auth.sign_out'])
  })

  test('an invitation link sets a password and an authenticator, then signs the user in; it works once', async () => {
    const user = await services.repositories.users.findByUsername('zoe.obrien')
    assert.ok(user)
    const invitation = await services.signIn.invite(user.id, null, { clientIp: '127.0.0.1', requestId: 'test' })
    const page = await app.inject({ url: `/enrol/${invitation}` })
    assert.equal(page.statusCode, 200)
    const csrfCookie = cookieNamed(page, 'cp-csrf')
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] as string
    const postForm = (url: string, cookie: string, body: Record<string, string>) => app.inject({
      method: 'POST', url, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ _csrf: csrf, ...body }).toString(),
    })
    const mismatch = await postForm(`/enrol/${invitation}`, csrfCookie, { password: 'a new long passphrase', confirm: 'something else entirely' })
    assert.equal(mismatch.statusCode, 400)
    assert.match(mismatch.body, /The passwords do not match/)
    const accepted = await postForm(`/enrol/${invitation}`, csrfCookie, { password: 'a new long passphrase', confirm: 'a new long passphrase' })
    assert.equal(accepted.headers.location, '/enrol-authenticator')
    const both = `${csrfCookie}; ${cookieNamed(accepted, 'cp-session')}`
    const setup = await app.inject({ url: '/enrol-authenticator', headers: { cookie: both } })
    const key = /data-qa="totp-secret">([A-Z2-7 ]+)</.exec(setup.body)?.[1]
    assert.ok(key, 'the setup key is shown')
    const code = totpAt(base32Decode(key), new Date())
    const done = await postForm('/enrol-authenticator', both, { code })
    assert.equal(done.headers.location, '/home')
    assert.equal((await app.inject({ url: '/home', headers: { cookie: both } })).statusCode, 200)
    const reused = await app.inject({ url: `/enrol/${invitation}` })
    assert.equal(reused.statusCode, 404)
    assert.match(reused.body, /This invitation cannot be used/)
  })

  test('logs carry request ids and routes, never names, passwords or query strings', () => {
    const requests = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request')
    assert.ok(requests.length > 5)
    for (const line of requests) assert.ok(typeof line.reqId === 'string' && typeof line.route === 'string')
    const all = logLines.join('\n')
    for (const secret of ['passphrase', 'zoe.obrien', 'ZOE.OBRIEN', 'name=Zoe', "O'Brien"]) assert.ok(!all.includes(secret), secret)
  })
})
