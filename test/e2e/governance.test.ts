// The governance journey in a real browser (Debian's chromium), without JavaScript, against the real
// `contactpoint start` process on the demo authority: the privacy officer works an alert raised by
// monitoring and an override investigation, shields a child and lifts the shield, sees who accessed
// the record and what a user did, produces the subject access report (page and PDF), and reads the
// monthly and workforce reports with their CSVs. axe-core checks every page; the running service
// signs an audit checkpoint on its own schedule.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { sql } from 'kysely'
import { chromium, type Browser, type Page } from 'playwright-core'
import { loadConfig } from '../../src/config/config.ts'
import { openDatabase } from '../../src/db/client.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { DemoLoader } from '../../src/demo/demo-loader.ts'
import { DEMO_PASSWORD } from '../../src/demo/demo-users.ts'
import { addDays, londonDay, londonMidnight } from '../../src/governance/governance-access.ts'
import { createServices } from '../../src/services.ts'
import { axeViolations } from '../support/axe.ts'
import { enterDemoCode } from '../support/demo-code.ts'
import { startServer, type RunningServer } from '../support/server.ts'

let server: RunningServer
let browser: Browser
let dataDir: string
let plainId: string
let otherId: string
const SCREENSHOTS = path.resolve(import.meta.dirname, '../../tmp/screenshots')

before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cp-e2e-governance-'))
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir })
  const database = await openDatabase(config.database)
  await migrateToLatest(database.db)
  await new DemoLoader(database, config.dataEncryptionKey).load({ children: 400, seed: config.demo.seed })
  const services = createServices(database, { encryptionKey: config.dataEncryptionKey })
  const ids = (await sql<{ contactpoint_id: string; shielded: boolean }>`
    SELECT contactpoint_id, shielded FROM child WHERE status = 'active' ORDER BY contactpoint_id LIMIT 200`.execute(database.db)).rows
  const plain = ids.filter((c) => !c.shielded)
  plainId = (plain[0] as { contactpoint_id: string }).contactpoint_id
  otherId = (plain[1] as { contactpoint_id: string }).contactpoint_id
  const shieldedId = (ids.find((c) => c.shielded) as { contactpoint_id: string }).contactpoint_id
  // Last night, the teacher opened records in the small hours: monitoring raises an alert.
  const teacher = await services.repositories.users.findByUsername('demo.teacher')
  const yesterday = addDays(londonDay(new Date()), -1)
  for (let i = 0; i < 3; i++) {
    await services.repositories.audit.append({ channel: 'web', action: 'child.view', outcome: 'success', actorUserId: teacher?.id ?? null, actorOrganisationId: teacher?.organisation_id ?? null,
      subjectType: 'child', subjectId: ids[i + 5]?.contactpoint_id ?? plainId, reasonCode: 'safeguarding', details: { restricted: false },
      occurredAt: new Date(londonMidnight(yesterday).getTime() + (2 * 60 + i * 10) * 60_000) })
  }
  await services.monitoring.run(yesterday)
  // The social worker overrode a shield: an investigation for the authority.
  const socialWorker = await services.repositories.users.findByUsername('demo.social-worker')
  if (!socialWorker) throw new Error('no demo social worker')
  await services.record.overrideShield(socialWorker, shieldedId, { reason: 'immediate_risk', detail: 'Brought to A&E by a neighbour' }, { sessionId: 'e2e-session' }, { clientIp: '127.0.0.1', requestId: 'e2e' })
  await database.close()
  server = await startServer({ dataDir, env: { DEMO_CHILDREN: '400' } })
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
})
after(async () => {
  await browser?.close()
  await server?.stop()
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
})

async function signIn(username: string, options: { javaScriptEnabled: boolean }): Promise<Page> {
  const context = await browser.newContext(options)
  const page = await context.newPage()
  await page.goto(`${server.url}/sign-in`)
  await page.fill('#username', username)
  await page.fill('#password', DEMO_PASSWORD)
  await page.getByRole('button', { name: 'Continue' }).click()
  await enterDemoCode(page, username)
  assert.equal(new URL(page.url()).pathname, '/home')
  return page
}

test('the running service signs audit checkpoints on its own schedule', () => {
  const folder = path.join(dataDir, 'audit-checkpoints')
  const files = fs.existsSync(folder) ? fs.readdirSync(folder).filter((f) => f.endsWith('.jsonl')) : []
  assert.equal(files.length, 1, server.output())
  const line = fs.readFileSync(path.join(folder, files[0] as string), 'utf8').trim().split('\n')[0] as string
  assert.match(line, /"sig":"[A-Za-z0-9+/]+==/)
})

test('the privacy officer works an alert and an investigation, shields and lifts, audits, reports; axe-core on every page', async () => {
  const page = await signIn('demo.privacy', { javaScriptEnabled: true })
  const checked: string[] = []
  const check = async (label: string) => {
    assert.deepEqual(await axeViolations(page), [], label)
    checked.push(label)
  }
  await page.getByRole('link', { name: /Governance: shielding, alerts/ }).click()
  assert.equal(await page.locator('h1').innerText(), 'Governance')
  assert.match(await page.locator('main').innerText(), /Monitoring alerts: 1 open/)
  await check('governance hub')

  // A monitoring alert: read it, try to close it without an outcome, then close it.
  await page.getByRole('link', { name: 'Monitoring alerts' }).click()
  await check('alerts')
  await page.getByRole('link', { name: 'Unusual hours' }).click()
  assert.match(await page.locator('main').innerText(), /between 22:00 and 06:00/)
  await check('alert')
  // What that user did.
  await page.locator('a[href$="/activity"]').first().click()
  assert.match(await page.locator('h1').innerText(), /^What Hannah Okafor did$/)
  await check('user activity')
  await page.goBack()
  await page.getByRole('button', { name: 'Close the alert' }).click()
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Select the outcome of the investigation/)
  await check('alert with errors')
  await page.getByLabel('No misuse, but the user needs guidance or training').check()
  await page.fill('#note', 'Worked late on a safeguarding referral; reminded of out-of-hours arrangements.')
  await page.getByRole('button', { name: 'Close the alert' }).click()
  assert.match(await page.locator('main').innerText(), /No alerts/)
  await page.screenshot({ path: path.join(SCREENSHOTS, 'governance-alerts.png'), fullPage: true })

  // The shield override investigation.
  await page.goto(`${server.url}/governance/investigations`)
  await check('investigations')
  await page.locator('a[href^="/governance/investigations/"]').first().click()
  assert.match(await page.locator('main').innerText(), /Brought to A&E by a neighbour/)
  await check('investigation')
  await page.getByLabel('Justified: the override was needed to protect the child').check()
  await page.fill('#note', 'Confirmed with the hospital safeguarding team.')
  await page.getByRole('button', { name: 'Close the investigation' }).click()
  assert.match(await page.locator('main').innerText(), /No investigations/)

  // Shield a child, and lift the shield.
  await page.goto(`${server.url}/governance`)
  await page.fill('#id', plainId)
  await page.getByRole('button', { name: 'Find child' }).click()
  assert.match(await page.locator('main').innerText(), /Shielded\s+No/)
  await check('governance child')
  await page.getByRole('button', { name: 'Shield this child' }).click()
  await check('shield form')
  await page.getByRole('button', { name: 'Shield this child' }).click()
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Select why the child is shielded/)
  await check('shield form with errors')
  const review = new Date(Date.now() + 180 * 86_400_000)
  await page.getByLabel('Domestic violence or abuse').check()
  await page.fill('#reviewDueOn-day', String(review.getUTCDate()))
  await page.fill('#reviewDueOn-month', String(review.getUTCMonth() + 1))
  await page.fill('#reviewDueOn-year', String(review.getUTCFullYear()))
  await page.getByRole('button', { name: 'Shield this child' }).click()
  assert.match(await page.locator('main').innerText(), /Shielded\s+Yes: Domestic violence or abuse/)

  // Who accessed the record, the subject access report.
  await page.getByRole('link', { name: 'Who accessed this record' }).click()
  assert.match(await page.locator('main').innerText(), /Shielded the record/)
  await check('who accessed')
  await page.goto(`${server.url}/governance/children/${plainId}/subject-access`)
  assert.match(await page.locator('main').innerText(), /Who accessed the record/)
  assert.match(await page.locator('main').innerText(), /This child is shielded/)
  await check('subject access report')
  await page.screenshot({ path: path.join(SCREENSHOTS, 'subject-access.png'), fullPage: true })
  const pdf = await page.context().request.get(`${server.url}/governance/children/${plainId}/subject-access.pdf`)
  assert.equal(pdf.headers()['content-type'], 'application/pdf')
  assert.equal((await pdf.body()).subarray(0, 5).toString('latin1'), '%PDF-')

  await page.goto(`${server.url}/governance/children/${plainId}/unshield`)
  await check('lift the shield')
  await page.fill('#reason', 'Decision reviewed: the family has moved to a refuge in another area.')
  await page.getByRole('button', { name: 'Lift the shield' }).click()
  assert.match(await page.locator('main').innerText(), /Shielded\s+No/)
  await page.goto(`${server.url}/governance/shielding`)
  await check('shield reviews due')

  // Reports.
  await page.goto(`${server.url}/reports/monthly`)
  assert.match(await page.locator('h1').innerText(), /Northmoor/)
  await check('monthly report')
  await page.screenshot({ path: path.join(SCREENSHOTS, 'report-monthly.png'), fullPage: true })
  const csv = await page.context().request.get(`${server.url}/reports/monthly.csv`)
  assert.match(await csv.text(), /^section,measure,value/)
  await page.goto(`${server.url}/reports/workforce`)
  await check('workforce report')
  await page.screenshot({ path: path.join(SCREENSHOTS, 'report-workforce.png'), fullPage: true })
  assert.match(await (await page.context().request.get(`${server.url}/reports/workforce.csv`)).text(), /^authority,agency/)
  assert.equal(checked.length, 16)
  await page.context().close()
})

test('without JavaScript: the forms work (errors summarised, a shield applied and lifted)', async () => {
  const page = await signIn('demo.privacy', { javaScriptEnabled: false })
  await page.goto(`${server.url}/governance/children/${otherId}/shield`)
  await page.getByRole('button', { name: 'Shield this child' }).click()
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Select why the child is shielded/)
  const review = new Date(Date.now() + 90 * 86_400_000)
  await page.getByLabel('Adoption').check()
  await page.fill('#reviewDueOn-day', String(review.getUTCDate()))
  await page.fill('#reviewDueOn-month', String(review.getUTCMonth() + 1))
  await page.fill('#reviewDueOn-year', String(review.getUTCFullYear()))
  await page.getByRole('button', { name: 'Shield this child' }).click()
  assert.match(await page.locator('main').innerText(), /Shielded\s+Yes: Adoption/)
  await page.getByRole('button', { name: 'Lift the shield' }).click()
  await page.fill('#reason', 'Entered in error.')
  await page.getByRole('button', { name: 'Lift the shield' }).click()
  assert.match(await page.locator('main').innerText(), /Shielded\s+No/)
  await page.context().close()
})

test('a practitioner has no governance pages', async () => {
  const page = await signIn('demo.teacher', { javaScriptEnabled: false })
  assert.equal(await page.getByRole('link', { name: /Governance/ }).count(), 0)
  const response = await page.goto(`${server.url}/governance/alerts`)
  assert.equal(response?.status(), 403)
  await page.context().close()
})
