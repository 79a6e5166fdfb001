// `npm run bench:web [-- --sign-ins N --searches N --children N]`: how long signing in takes, over
// real HTTP on loopback — the sign-in page, the password (argon2id), the authenticator code, and the
// first signed-in page — against the real app on an embedded store. Each code works once per
// 30-second step, so the service's clock is a fake one moved a step per sign-in; everything else is
// real. Then, on the demo authority (20,000 children) in a second embedded store: searches of three
// kinds and the whole journey from search to record (search, reason page, record).
import { randomBytes } from 'node:crypto'
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config/config.ts'
import { openMemoryDatabase } from '../src/db/client.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { DemoLoader } from '../src/demo/demo-loader.ts'
import { DEMO_PASSWORD, demoTotpSecret } from '../src/demo/demo-users.ts'
import { createLogger } from '../src/observability/logger.ts'
import { hashPassword } from '../src/people/passwords.ts'
import { totpAt } from '../src/people/totp.ts'
import { FakeClock } from '../src/system/clock.ts'
import { buildAuthority, buildOrganisation } from '../src/testing/factories.ts'
import { machineFacts, writeBenchmarkSection } from './report.ts'

const loadAtStart = loadavg()[0] ?? 0
const { values } = parseArgs({ options: { 'sign-ins': { type: 'string', default: '60' }, searches: { type: 'string', default: '200' }, children: { type: 'string', default: '20000' } } })
const count = Number(values['sign-ins'])
const searchCount = Number(values.searches)
const demoChildren = Number(values.children)
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

// ---------------------------------------------------------------------------------------------
// Finding a child and opening the record, on the demo authority.
const demoStore = await openMemoryDatabase()
await migrateToLatest(demoStore.db)
const loadStarted = performance.now()
const demoSeed = 1
await new DemoLoader(demoStore, config.dataEncryptionKey).load({ children: demoChildren, seed: demoSeed })
const loadSeconds = (performance.now() - loadStarted) / 1000
const demoClock = new FakeClock(new Date())
const demo = await buildApp({ config, database: demoStore, logger: createLogger('silent'), clock: demoClock })
const demoAddress = await demo.app.listen({ host: '127.0.0.1', port: 0 })
const subjects = (await demo.services.repositories.search.sampleForBenchmark(400)).filter((s) => s.given_name && s.family_name)
if (subjects.length === 0) throw new Error('no children to look for')

// One signed-in practitioner, as a person would be.
let jar: string[] = []
const signInPage = await fetch(`${demoAddress}/sign-in`)
jar = cookiesOf(signInPage)
let csrfToken = /name="_csrf" value="([^"]+)"/.exec(await signInPage.text())?.[1] as string
const post = (url: string, body: Record<string, string>, ip: string) => fetch(`${demoAddress}${url}`, {
  method: 'POST', redirect: 'manual', headers: { 'x-forwarded-for': ip, cookie: jar.join('; '), 'content-type': 'application/x-www-form-urlencoded' },
  body: form({ _csrf: csrfToken, ...body }),
})
jar = [...jar, ...cookiesOf(await post('/sign-in', { username: 'demo.teacher', password: DEMO_PASSWORD }, '198.51.100.1'))]
const codeStep = await post('/sign-in/code', { code: totpAt(demoTotpSecret('demo.teacher', demoSeed), demoClock.now()) }, '198.51.100.1')
if (codeStep.headers.get('location') !== '/home') throw new Error(`demo sign-in failed: ${codeStep.status}`)
const searchPage = await fetch(`${demoAddress}/search`, { headers: { cookie: jar.join('; ') } })
csrfToken = /name="_csrf" value="([^"]+)"/.exec(await searchPage.text())?.[1] as string

const searchSteps = { byDate: [] as number[], byGivenName: [] as number[], byYear: [] as number[], journey: [] as number[], record: [] as number[] }
const outcomes = { results: 0, strict_only: 0, too_many: 0, none: 0, found: 0 }
for (let i = 0; i < searchCount + 5; i += 1) {
  const child = subjects[(i * 7919) % subjects.length] as (typeof subjects)[number]
  const ip = `203.0.113.${(i % 250) + 1}`
  const [year, month, day] = child.date_of_birth.split('-') as [string, string, string]
  const kind = i % 3
  const fields: Record<string, string> = kind === 0 ? { familyName: child.family_name, 'dob-day': day, 'dob-month': month, 'dob-year': year, gender: 'any' }
    : kind === 1 ? { familyName: child.family_name, givenName: child.given_name, gender: 'any' }
      : { familyName: child.family_name, 'dob-year': year, gender: child.gender }
  const warmUp = i < 5
  const into = (list: number[]) => (warmUp ? [] : list)
  const started = performance.now()
  const results = await timed(into(kind === 0 ? searchSteps.byDate : kind === 1 ? searchSteps.byGivenName : searchSteps.byYear), async () => {
    const res = await post('/search', fields, ip)
    return { status: res.status, html: await res.text() }
  })
  if (results.status !== 200) throw new Error(`search ${i} failed: ${results.status}`)
  const outcome = /data-qa="too-many"/.test(results.html) ? 'too_many' : /data-qa="no-results"/.test(results.html) ? 'none' : /Add [^<]* to see them/.test(results.html) ? 'strict_only' : 'results'
  if (!warmUp) outcomes[outcome] += 1
  if (!results.html.includes(`/children/${child.contactpoint_id}/reason`)) continue
  if (!warmUp) outcomes.found += 1
  if (kind !== 0) continue
  // The journey on: the reason page, then the record.
  await (await fetch(`${demoAddress}/children/${child.contactpoint_id}/reason`, { headers: { 'x-forwarded-for': ip, cookie: jar.join('; ') } })).text()
  const record = await timed(into(searchSteps.record), async () => {
    const res = await post(`/children/${child.contactpoint_id}/reason`, { reason: 'safeguarding' }, ip)
    return { status: res.status, html: await res.text() }
  })
  if (record.status !== 200 || !record.html.includes(child.family_name.replace(/'/g, '&#39;'))) throw new Error(`record ${i} failed: ${record.status}`)
  into(searchSteps.journey).push(performance.now() - started)
}
await demo.app.close()
await demoStore.close()
const statsAll = (list: number[]) => {
  const sorted = [...list].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number
  return { median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] as number, n: sorted.length }
}
const searchRows: [string, ReturnType<typeof statsAll>][] = [
  ['Search: family name and date of birth', statsAll(searchSteps.byDate)],
  ['Search: family and given name (nicknames, sound-alikes)', statsAll(searchSteps.byGivenName)],
  ['Search: family name, year of birth and gender', statsAll(searchSteps.byYear)],
  ['Record (reason given, record shown)', statsAll(searchSteps.record)],
  ['Search to record (search, reason page, record)', statsAll(searchSteps.journey)],
]
const searchTable = ['| Step | Runs | Median | p95 | Max |', '| --- | ---: | ---: | ---: | ---: |',
  ...searchRows.map(([k, s]) => `| ${k} | ${s.n} | ${ms(s.median)} | ${ms(s.p95)} | ${ms(s.max)} |`)].join('\n')
console.log(searchTable)
console.log(outcomes)
await writeBenchmarkSection('web-search', `## Finding a child and opening the record\n\n\`npm run bench:web\` also loads the demo authority ` +
  `(${demoChildren.toLocaleString('en-GB')} children, seed ${demoSeed}; ${loadSeconds.toFixed(0)} s) into an in-memory embedded store and, signed in as the demo teacher, ` +
  `runs ${searchCount} searches over HTTP on loopback, one at a time, for children picked across the demo (after 5 warm-up searches), in turn by family name and full date of birth, ` +
  `by family and given name, and by family name, year of birth and gender. Each search found by its date of birth goes on to the reason page and the record. ` +
  `Every search and record opening appends its audit event, as in service. Outcomes: ${outcomes.results} listed, ${outcomes.strict_only} listed strict matches only, ` +
  `${outcomes.too_many} too many (asked for a date of birth), ${outcomes.none} none; the child looked for was listed ${outcomes.found} times.\n\n${searchTable}\n\n` +
  `Machine: ${machineFacts()} Load average (1 minute) at the end: ${loadavg()[0]?.toFixed(2)}.`)
await writeBenchmarkSection('web', `## Signing in\n\n\`npm run bench:web\` signs in ${count} times (after 5 warm-up sign-ins) over HTTP on loopback: the sign-in page, ` +
  `the password, the authenticator code and the first signed-in page, against the real app on an in-memory embedded store, one at a time. ` +
  `The original ContactPoint's users reported sign-in taking minutes.\n\n${table}\n\nMachine: ${machineFacts()} Load average (1 minute) at the start and end: ${loadAtStart.toFixed(2)} and ${loadavg()[0]?.toFixed(2)} — other work on the machine slows these figures.`)
