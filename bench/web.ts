// `npm run bench:web [-- --sign-ins N]`: how long signing in takes, over real HTTP on loopback —
// the sign-in page, the password (argon2id), the authenticator code, and the first signed-in page —
// against the real app on an embedded store. Each code works once per 30-second step, so the
// service's clock is a fake one moved a step per sign-in; everything else is real.
import { randomBytes } from 'node:crypto'
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config/config.ts'
import { openMemoryDatabase } from '../src/db/client.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { createLogger } from '../src/observability/logger.ts'
import { hashPassword } from '../src/people/passwords.ts'
import { totpAt } from '../src/people/totp.ts'
import { FakeClock } from '../src/system/clock.ts'
import { buildAuthority, buildOrganisation } from '../src/testing/factories.ts'
import { machineFacts, writeBenchmarkSection } from './report.ts'

const loadAtStart = loadavg()[0] ?? 0
const { values } = parseArgs({ options: { 'sign-ins': { type: 'string', default: '60' } } })
const count = Number(values['sign-ins'])
const PASSWORD = 'benchmark passphrase for sign-in'

const database = await openMemoryDatabase()
await migrateToLatest(database.db)
const clock = new FakeClock(new Date())
// Behind a load balancer, as in production: each sign-in comes from its own address, so the
// per-address rate limit on sign-in (which a single benchmark client would hit) applies as to real users.
const config = loadConfig({ NODE_ENV: 'test', TRUST_PROXY: 'true' })
const { app, services } = await buildApp({ config, database, logger: createLogger('silent'), clock })
const authority = await buildAuthority(database.db)
const school = await buildOrganisation(database.db, authority)
const user = await services.repositories.users.insert({
  username: 'bench.user', display_name: 'Bench User', organisation_id: school.id, status: 'active', password_hash: await hashPassword(PASSWORD),
  dbs_checked_on: new Date().toISOString().slice(0, 10), training_completed_on: '2025-01-01', agreement_signed_on: '2025-01-01',
}, [{ role: 'practitioner', authorityId: authority.id }])
const secret = randomBytes(20)
await services.signIn.enrolTotpSecret(user.id, secret)
const address = await app.listen({ host: '127.0.0.1', port: 0 })

const cookiesOf = (res: Response): string[] => res.headers.getSetCookie().map((c) => c.split(';')[0] as string)
const form = (body: Record<string, string>) => new URLSearchParams(body).toString()
const steps = { page: [] as number[], password: [] as number[], code: [] as number[], home: [] as number[], total: [] as number[] }

async function timed<T>(list: number[], run: () => Promise<T>): Promise<T> {
  const started = performance.now()
  const result = await run()
  list.push(performance.now() - started)
  return result
}

for (let i = 0; i < count + 5; i += 1) {
  clock.advance(30_000)
  const from = { 'x-forwarded-for': `198.51.100.${(i % 250) + 1}` }
  const started = performance.now()
  const page = await timed(steps.page, () => fetch(`${address}/sign-in`, { headers: from }))
  const html = await page.text()
  let cookies = cookiesOf(page)
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] as string
  const password = await timed(steps.password, () => fetch(`${address}/sign-in`, {
    method: 'POST', redirect: 'manual', headers: { ...from, cookie: cookies.join('; '), 'content-type': 'application/x-www-form-urlencoded' },
    body: form({ _csrf: csrf, username: 'bench.user', password: PASSWORD }),
  }))
  cookies = [...cookies, ...cookiesOf(password)]
  const code = await timed(steps.code, () => fetch(`${address}/sign-in/code`, {
    method: 'POST', redirect: 'manual', headers: { ...from, cookie: cookies.join('; '), 'content-type': 'application/x-www-form-urlencoded' },
    body: form({ _csrf: csrf, code: totpAt(secret, clock.now()) }),
  }))
  const home = await timed(steps.home, () => fetch(`${address}/home`, { headers: { ...from, cookie: cookies.join('; ') } }))
  await home.text()
  if (password.status !== 303 || code.headers.get('location') !== '/home' || home.status !== 200) throw new Error(`sign-in ${i} failed: ${password.status} ${code.status} ${home.status}`)
  steps.total.push(performance.now() - started)
}
await app.close()
await database.close()

// The first five are warm-up (compilation, caches) and are left out.
const stats = (list: number[]) => {
  const sorted = list.slice(5).sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number
  return { median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] as number }
}
const ms = (v: number) => `${v.toFixed(1)} ms`
const rows: [string, ReturnType<typeof stats>][] = [
  ['Sign-in page', stats(steps.page)], ['Password (argon2id)', stats(steps.password)], ['Authenticator code', stats(steps.code)],
  ['First signed-in page', stats(steps.home)], ['Whole sign-in', stats(steps.total)],
]
const table = ['| Step | Median | p95 | Max |', '| --- | ---: | ---: | ---: |', ...rows.map(([k, s]) => `| ${k} | ${ms(s.median)} | ${ms(s.p95)} | ${ms(s.max)} |`)].join('\n')
console.log(table)
await writeBenchmarkSection('web', `## Signing in\n\n\`npm run bench:web\` signs in ${count} times (after 5 warm-up sign-ins) over HTTP on loopback: the sign-in page, ` +
  `the password, the authenticator code and the first signed-in page, against the real app on an in-memory embedded store, one at a time. ` +
  `The original ContactPoint's users reported sign-in taking minutes.\n\n${table}\n\nMachine: ${machineFacts()} Load average (1 minute) at the start and end: ${loadAtStart.toFixed(2)} and ${loadavg()[0]?.toFixed(2)} — other work on the machine slows these figures.`)
