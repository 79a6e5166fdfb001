// `npm run bench:api [-- --children N --seconds N --connections N]`: the integration API under
// load. The demo authority (20,000 children) is loaded into an in-memory embedded store; a
// registered CMS signs its client assertion for a token and acts for 500 registered users (the
// per-user limits of a real deployment stay on, so load is spread across users as it would be);
// 50 concurrent connections then search (POST /api/v1/children/searches, criteria kinds in turn)
// and read records (GET /api/v1/children/{id} with a reason) over HTTP on loopback. Every call is
// authenticated, authorised and audited as in service. Latency is each response's own time.
import { randomUUID } from 'node:crypto'
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config/config.ts'
import { openMemoryDatabase } from '../src/db/client.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { DemoLoader } from '../src/demo/demo-loader.ts'
import { createLogger } from '../src/observability/logger.ts'
import { machineFacts, writeBenchmarkSection } from './report.ts'

const { values } = parseArgs({ options: {
  children: { type: 'string', default: '20000' }, seconds: { type: 'string', default: '20' }, connections: { type: 'string', default: '50' },
} })
const children = Number(values.children)
const seconds = Number(values.seconds)
const connections = Number(values.connections)
const USERS = 500
const PUBLIC_URL = 'https://contactpoint.bench'

const database = await openMemoryDatabase()
await migrateToLatest(database.db)
const config = loadConfig({ NODE_ENV: 'test', PUBLIC_URL })
const loadStarted = performance.now()
await new DemoLoader(database, config.dataEncryptionKey).load({ children, seed: 1 })
const loadSeconds = (performance.now() - loadStarted) / 1000
const { app, services } = await buildApp({ config, database, logger: createLogger('silent') })
const address = await app.listen({ host: '127.0.0.1', port: 0 })

// The demo social care team's CMS, its key, and the users it acts for.
const worker = await services.repositories.users.findByUsername('demo.social-worker')
const organisation = worker && await services.repositories.organisations.findById(worker.organisation_id)
const admin = await services.repositories.users.findByUsername('demo.user-admin')
if (!worker || !organisation || !admin) throw new Error('the demo authority is not loaded')
const authorityId = worker.roles[0]?.authorityId ?? null
const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
await services.apiAuth.register(admin, { id: 'bench-cms', name: 'Benchmark CMS', organisationCode: organisation.code, scopes: ['children.search', 'children.read'], jwk: { ...await exportJWK(publicKey), kid: 'bench' } }, { clientIp: 'bench', requestId: 'bench' })
const usernames: string[] = []
for (let i = 0; i < USERS; i += 1) {
  const user = await services.repositories.users.insert({
    username: `bench.cms.${i}`, display_name: `Bench Practitioner ${i}`, organisation_id: organisation.id, status: 'active', access_channel: 'cms',
    dbs_checked_on: new Date().toISOString().slice(0, 10), training_completed_on: '2025-01-01', agreement_signed_on: '2025-01-01',
  }, [{ role: 'practitioner', authorityId }])
  usernames.push(user.username)
}
const sign = (subject: string, audience: string, jti: boolean) => {
  const now = Math.floor(Date.now() / 1000)
  const jwt = new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: 'bench' }).setIssuer('bench-cms').setSubject(subject).setAudience(audience).setIssuedAt(now).setExpirationTime(now + 290)
  return (jti ? jwt.setJti(randomUUID()) : jwt).sign(privateKey)
}
async function accessToken(): Promise<string> {
  const res = await fetch(`${address}/api/oauth/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await sign('bench-cms', `${PUBLIC_URL}/api/oauth/token`, true) }),
  })
  if (!res.ok) throw new Error(`token: ${res.status} ${await res.text()}`)
  return ((await res.json()) as { access_token: string }).access_token
}

const subjects = (await services.repositories.search.sampleForBenchmark(400)).filter((s) => s.given_name && s.family_name)

interface Phase { name: string; label: string; request: (i: number) => { method: string; path: string; body?: string } }
const phases: Phase[] = [
  {
    name: 'search', label: 'Search (POST /api/v1/children/searches)',
    request: (i) => {
      const child = subjects[(i * 7919) % subjects.length] as (typeof subjects)[number]
      const body = i % 3 === 0 ? { familyName: child.family_name, dateOfBirth: child.date_of_birth }
        : i % 3 === 1 ? { familyName: child.family_name, givenName: child.given_name } : { familyName: child.family_name, dateOfBirth: child.date_of_birth.slice(0, 4), gender: child.gender }
      return { method: 'POST', path: '/api/v1/children/searches', body: JSON.stringify(body) }
    },
  },
  {
    name: 'read', label: 'Read a record (GET /api/v1/children/{id})',
    request: (i) => ({ method: 'GET', path: `/api/v1/children/${(subjects[(i * 7919) % subjects.length] as (typeof subjects)[number]).contactpoint_id}?reason=safeguarding` }),
  },
]

const rows: string[] = []
for (const phase of phases) {
  const token = await accessToken()
  const assertions = await Promise.all(usernames.map((u) => sign(u, `${PUBLIC_URL}/api`, false)))
  let n = 0
  const times: number[] = []
  const statuses = new Map<number, number>()
  const instance = autocannon({
    url: address, connections, duration: seconds, timeout: 10,
    requests: [{
      setupRequest: (request) => {
        n += 1
        const next = phase.request(n)
        return {
          ...request, ...next,
          headers: { authorization: `Bearer ${token}`, 'contactpoint-user-assertion': assertions[n % assertions.length] as string, ...(next.body ? { 'content-type': 'application/json' } : {}) },
        }
      },
    }],
  })
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    times.push(ms)
    statuses.set(status, (statuses.get(status) ?? 0) + 1)
  })
  const result = await instance
  times.sort((a, b) => a - b)
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0
  const throughput = times.length / result.duration
  const other = [...statuses].filter(([s]) => s !== 200).map(([s, c]) => `${c} × ${s}`).join(', ') || 'none'
  const row = `| ${phase.label} | ${times.length} | ${throughput.toFixed(0)}/s | ${at(0.5).toFixed(1)} ms | ${at(0.95).toFixed(1)} ms | ${at(0.99).toFixed(1)} ms | ${result.errors + result.timeouts} | ${other} |`
  console.log(row)
  rows.push(row)
}
await app.close()
await database.close()

const table = ['| Operation | Requests | Throughput | p50 | p95 | p99 | Errors | Not 200 |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |', ...rows].join('\n')
console.log(table)
await writeBenchmarkSection('api', `## Integration API\n\n\`npm run bench:api\` loads the demo authority (${children.toLocaleString('en-GB')} children, seed 1; ${loadSeconds.toFixed(0)} s) ` +
  `into an in-memory embedded store, registers a CMS with an ES256 key, and for ${seconds} s per operation keeps ${connections} connections busy over HTTP on loopback, ` +
  `each request for one of ${USERS} registered users in turn (signed user assertions; the per-user rate limits stay on). Every call checks the access token, ` +
  `verifies the user assertion, checks the user, runs the shared search or record service and appends its audit event. Searches alternate family name and ` +
  `date of birth, family and given name, and family name, year and gender; reads give a reason. Latency is each response's own time; throughput is responses a second.\n\n` +
  `${table}\n\nMachine: ${machineFacts()} The load generator shares the machine with the server, and the embedded store answers one query at a time, ` +
  `so these are regression figures, not capacity. Load average (1 minute) at the end: ${loadavg()[0]?.toFixed(2)}.`)
