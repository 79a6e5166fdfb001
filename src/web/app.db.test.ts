// The web shell end to end in-process: the real app on a real store, requests injected.
import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../app.ts'
import { loadConfig } from '../config/config.ts'
import { createLogger } from '../observability/logger.ts'
import { hashPassword } from '../people/passwords.ts'
import { UserRepository } from '../people/user.repository.ts'
import type { Services } from '../services.ts'
import { createTestDatabase, type TestDatabase } from '../testing/database.ts'
import { buildAuthority, buildOrganisation } from '../testing/factories.ts'

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
  await new UserRepository(handle.db).insert({
    username: 'zoe.obrien', display_name: "Zoë O'Brien", organisation_id: school.id, status: 'active',
    password_hash: await hashPassword('a long test passphrase'),
  }, [{ role: 'practitioner', authorityId: authority.id }])
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
      ['/assets/init.js', 'javascript'], ['/assets/images/favicon.svg', 'image/svg+xml'], ['/assets/manifest.json', 'json']] as const) {
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
      type: 'https://contactpoint.example/problems/not_found', title: 'Page not found', status: 404,
      detail: 'If you typed the web address, check it is correct. If you pasted the web address, check you copied the entire address.',
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

describe('sign-in (first factor)', () => {
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

  test('unknown user and wrong password get the same answer; the right password reaches the second factor', async () => {
    const { cookie, token } = await form()
    const unknown = await post(cookie, { _csrf: token, username: 'nobody.here', password: 'whatever it is' })
    const wrong = await post(cookie, { _csrf: token, username: 'zoe.obrien', password: 'not the passphrase' })
    assert.equal(unknown.statusCode, 401)
    assert.equal(wrong.statusCode, 401)
    const message = (body: string) => /govuk-error-summary__list[\s\S]*?<\/ul>/.exec(body)?.[0]
    assert.equal(message(unknown.body), message(wrong.body))
    assert.match(wrong.body, /value="zoe.obrien"/, 'the username is kept; the password never is')
    assert.doesNotMatch(wrong.body, /not the passphrase/)
    const right = await post(cookie, { _csrf: token, username: 'ZOE.OBRIEN', password: 'a long test passphrase' })
    assert.equal(right.statusCode, 200)
    assert.match(right.body, /Confirm it is you/)
    const events = await services.repositories.audit.listFrom(null, 100)
    const checks = events.filter((e) => e.action === 'auth.password_check')
    assert.deepEqual(checks.map((e) => e.outcome), ['denied', 'denied', 'success'])
    assert.ok(!JSON.stringify(events).includes('passphrase'))
  })

  test('logs carry request ids and routes, never names, passwords or query strings', () => {
    const requests = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request')
    assert.ok(requests.length > 5)
    for (const line of requests) assert.ok(typeof line.reqId === 'string' && typeof line.route === 'string')
    const all = logLines.join('\n')
    for (const secret of ['passphrase', 'zoe.obrien', 'ZOE.OBRIEN', 'name=Zoe', "O'Brien"]) assert.ok(!all.includes(secret), secret)
  })
})
