// What a practitioner does after finding a child, in a real browser (Debian's chromium) against the
// real `contactpoint start` process on the demo authority: record one's involvement (prefilled),
// hold a CAF and be lead professional, end it; set and remove a cause-for-concern marker (by keyboard
// alone); report a data error and resolve it in the data team's queue; record a date of death; add a
// child who was not found (a new record, a probable match offered first, a shielded child never shown);
// a sensitive service; a phone enquiry audited for both the user and the caller. axe-core on every
// page; most journeys without JavaScript. Screenshots go to tmp/screenshots, or to docs/screenshots
// with UPDATE_SCREENSHOTS=1 (npm run docs:screenshots).
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { sql } from 'kysely'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { loadConfig } from '../../src/config/config.ts'
import { openDatabase } from '../../src/db/client.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { DemoLoader } from '../../src/demo/demo-loader.ts'
import { DEMO_PASSWORD } from '../../src/demo/demo-users.ts'
import { axeViolations } from '../support/axe.ts'
import { enterDemoCode } from '../support/demo-code.ts'
import { startServer, type RunningServer } from '../support/server.ts'

interface Subject { id: string; contactpoint_id: string; given_name: string; family_name: string; date_of_birth: string; gender: string; town: string | null; postcode: string | null; line: string | null }

let server: RunningServer
let browser: Browser
let dataDir: string
let plain: Subject
let other: Subject
let shielded: Subject
const ROOT = path.resolve(import.meta.dirname, '../..')
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? path.join(ROOT, 'docs/screenshots') : path.join(ROOT, 'tmp/screenshots')
const config = () => loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir })

before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cp-e2e-practice-'))
  const database = await openDatabase(config().database)
  await migrateToLatest(database.db)
  await new DemoLoader(database, config().dataEncryptionKey).load({ children: 400, seed: config().demo.seed })
  // Children with no namesake born the same day (a twin is rightly offered as a possible match instead).
  const pick = async (isShielded: boolean, offset: number) => (await sql<Subject>`
    SELECT c.id, c.contactpoint_id, c.given_name, c.family_name, c.date_of_birth, c.gender, a.town, a.postcode, a.lines[1] AS line FROM child c
    JOIN child_address a ON a.child_id = c.id AND a.is_current
    WHERE c.shielded = ${isShielded} AND c.status = 'active' AND c.gender <> 'not_specified' AND a.postcode IS NOT NULL AND c.date_of_death IS NULL
      AND NOT EXISTS (SELECT 1 FROM child o WHERE o.id <> c.id AND o.family_name = c.family_name AND o.date_of_birth = c.date_of_birth)
    ORDER BY c.family_name, c.given_name LIMIT 1 OFFSET ${offset}`.execute(database.db)).rows[0] as Subject
  plain = await pick(false, 0)
  other = await pick(false, 5)
  shielded = await pick(true, 0)
  await database.close()
  assert.ok(plain && other && shielded)
  server = await startServer({ dataDir, env: { DEMO_CHILDREN: '400' } })
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
})
after(async () => {
  await browser?.close()
  await server?.stop().catch(() => undefined)
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
})

async function signIn(username: string, javaScriptEnabled = false): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ javaScriptEnabled })
  context.setDefaultTimeout(30_000)
  const page = await context.newPage()
  await page.goto(`${server.url}/sign-in`)
  await page.fill('#username', username)
  await page.fill('#password', DEMO_PASSWORD)
  await page.getByRole('button', { name: 'Continue' }).click()
  await enterDemoCode(page, username)
  assert.equal(new URL(page.url()).pathname, '/home')
  if (javaScriptEnabled) scripted.add(page)
  return { context, page }
}

async function openRecord(page: Page, subject: Subject, reason = 'I am starting to work with the child or their family'): Promise<void> {
  await page.goto(`${server.url}/search`)
  await page.fill('#familyName', subject.family_name)
  const [y, m, d] = subject.date_of_birth.split('-') as [string, string, string]
  await page.fill('#dob-day', String(Number(d)))
  await page.fill('#dob-month', String(Number(m)))
  await page.fill('#dob-year', y)
  await page.getByRole('button', { name: 'Search' }).click()
  await page.locator(`a[href="/children/${subject.contactpoint_id}/reason"]`).click()
  await page.getByLabel(reason).check()
  await page.getByRole('button', { name: 'Continue to the record' }).click()
}

/** axe-core runs inside the page, so only where JavaScript is on; each page is checked in a journey that has it on. */
const scripted = new WeakSet<Page>()
async function accessible(page: Page, label: string): Promise<void> {
  if (scripted.has(page)) assert.deepEqual(await axeViolations(page), [], label)
}
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true })
const main = (page: Page) => page.locator('main').innerText()

test('without JavaScript: record your involvement (prefilled), hold a CAF and be lead professional, then end it', async () => {
  const { context, page } = await signIn('demo.teacher')
  await openRecord(page, plain)
  assert.match(await main(page), /Your work with this child/)
  await accessible(page, 'record with actions')
  await page.getByRole('link', { name: 'Record your involvement' }).click()
  assert.equal(await page.locator('h1').innerText(), 'Record your involvement')
  assert.equal(await page.inputValue('#practitionerName'), 'Hannah Okafor', 'prefilled from the profile')
  assert.equal(await page.locator('input[name="serviceType"][value="school"]').isChecked(), true, 'the service from the organisation')
  await accessible(page, 'involvement question')
  await shot(page, 'record-involvement')
  await page.fill('#phone', '')
  await page.fill('#email', '')
  await page.fill('#start-day', '31')
  await page.fill('#start-month', '2')
  await page.getByRole('button', { name: 'Record my involvement' }).click()
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter a phone number or an email address[\s\S]*must be a real date/)
  await accessible(page, 'involvement with errors')
  await page.fill('#phone', '01632 960 101')
  await page.fill('#start-day', '1')
  await page.fill('#start-month', '9')
  await page.getByRole('button', { name: 'Record my involvement' }).click()
  assert.match(await page.locator('.govuk-notification-banner--success').innerText(), /Your involvement has been recorded/)
  assert.match(await main(page), /Your involvement: School/)
  await accessible(page, 'record with success banner')
  await shot(page, 'record-after-involvement')

  await page.getByRole('link', { name: 'Change CAF or lead professional for your involvement' }).click()
  await accessible(page, 'CAF and lead professional')
  await page.getByLabel('I hold a Common Assessment Framework (CAF) assessment for this child').check()
  await page.getByLabel('I am the lead professional for this child').check()
  await page.getByRole('button', { name: 'Save' }).click()
  const coordination = await page.locator('.govuk-summary-card', { hasText: 'Coordination' }).innerText()
  assert.match(coordination, /Lead professional\s+Hannah Okafor/)
  assert.match(coordination, /Holds a CAF assessment\s+Hannah Okafor/)

  await page.getByRole('link', { name: 'End your involvement' }).click()
  await accessible(page, 'end involvement')
  await page.getByRole('button', { name: 'End my involvement' }).click()
  assert.match(await page.locator('.govuk-notification-banner--success').innerText(), /Your involvement has been ended/)
  assert.doesNotMatch(await main(page), /Your involvement: School/)
  await context.close()
})

test('with JavaScript: the involvement pages pass axe-core, errors included', async () => {
  const { context, page } = await signIn('demo.teacher', true)
  await openRecord(page, other)
  await accessible(page, 'record with actions')
  await page.getByRole('link', { name: 'Record your involvement' }).click()
  await accessible(page, 'involvement question')
  await page.fill('#practitionerName', '')
  await page.getByRole('button', { name: 'Record my involvement' }).click()
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter your name/)
  await accessible(page, 'involvement with errors')
  await page.fill('#practitionerName', 'Hannah Okafor')
  await page.getByRole('button', { name: 'Record my involvement' }).click()
  await accessible(page, 'record with success banner')
  await page.getByRole('link', { name: 'Change CAF or lead professional for your involvement' }).click()
  await accessible(page, 'CAF and lead professional')
  await page.goBack()
  await page.getByRole('link', { name: 'End your involvement' }).click()
  await accessible(page, 'end involvement')
  await page.fill('#end-day', '')
  await page.getByRole('button', { name: 'End my involvement' }).click()
  await accessible(page, 'end involvement with errors')
  await context.close()
})

test('keyboard only: set a cause-for-concern marker and remove it', async () => {
  const { context, page } = await signIn('demo.health-visitor', true)
  await openRecord(page, other)
  /** Presses Tab until the focused element (its text, or its id) matches, as a keyboard user would. */
  const tabTo = async (target: RegExp) => {
    for (let i = 0; i < 200; i += 1) {
      await page.keyboard.press('Tab')
      const focused = await page.evaluate<[string, string]>(`[document.activeElement?.innerText?.trim() ?? '', document.activeElement?.id ? '#' + document.activeElement.id : '']`)
      if (focused.some((f) => f && target.test(f))) return
    }
    assert.fail(`never reached ${target}`)
  }
  await tabTo(/^Set a cause-for-concern marker$/)
  await page.keyboard.press('Enter')
  await page.waitForURL(/\/marker$/)
  await accessible(page, 'marker question')
  await shot(page, 'marker')
  await tabTo(/^#contactName$/)
  await page.keyboard.press('Control+A')
  await page.keyboard.type('Gareth Lloyd')
  await page.keyboard.press('Tab')
  await page.keyboard.press('Control+A')
  await page.keyboard.type('01632 960 202')
  await page.keyboard.press('Enter')
  await page.waitForURL(/done=marker_set/)
  assert.match(await page.locator('[data-qa="marker"]', { hasText: 'Gareth Lloyd' }).innerText(), /contact them/)
  await tabTo(/^Remove the marker$/)
  await page.keyboard.press('Enter')
  await page.waitForURL(/done=marker_removed/)
  assert.equal(await page.locator('[data-qa="marker"]', { hasText: 'Gareth Lloyd' }).count(), 0)
  await context.close()
})

test('a data error goes to the data team\'s queue and is resolved there; the data team records a date of death', async () => {
  const teacher = await signIn('demo.teacher', true)
  await openRecord(teacher.page, plain)
  await teacher.page.getByRole('link', { name: 'Report an error on this record' }).click()
  await accessible(teacher.page, 'report an error')
  await teacher.page.getByLabel('Address').check()
  await teacher.page.fill('#description', 'The family moved to 9 Mill Lane last month.')
  await shot(teacher.page, 'report-error')
  await teacher.page.getByRole('button', { name: 'Send the report' }).click()
  assert.match(await teacher.page.locator('.govuk-notification-banner--success').innerText(), /sent to the local authority’s data team/)
  await teacher.context.close()

  const { context, page } = await signIn('demo.data-manager', true)
  await page.getByRole('link', { name: 'Reported data errors' }).click()
  assert.match(await page.locator('[data-qa="error-queue"]').innerText(), new RegExp(plain.family_name))
  await accessible(page, 'data-error queue')
  await shot(page, 'data-error-queue')
  await page.locator('[data-qa="error-queue"] a').first().click()
  assert.match(await main(page), /9 Mill Lane/)
  await accessible(page, 'data-error report')
  await page.getByRole('button', { name: 'Mark as resolved' }).click()
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter what you did about the report/)
  await accessible(page, 'data-error report with errors')
  await page.fill('#note', 'Checked with the school: address corrected at source.')
  await page.getByRole('button', { name: 'Mark as resolved' }).click()
  assert.match(await page.locator('.govuk-notification-banner--success').innerText(), /marked as resolved/)

  await openRecord(page, other, 'I am coordinating support with other practitioners')
  await page.getByRole('link', { name: 'Record a date of death' }).click()
  await accessible(page, 'date of death')
  await page.fill('#death-day', '20')
  await page.fill('#death-month', '11')
  await page.fill('#death-year', '2026')
  await page.getByRole('button', { name: 'Record the date of death' }).click()
  assert.match(await page.locator('.govuk-summary-card', { hasText: 'Identity' }).innerText(), /Date of death\s+20 November 2026/)
  await context.close()
})

test('a child not found: a new record; a probable match offered first; a shielded child never shown', async () => {
  const { context, page } = await signIn('demo.health-visitor', true)
  const fillChild = async (c: Pick<Subject, 'given_name' | 'family_name' | 'date_of_birth' | 'gender'> & Partial<Subject>) => {
    await page.goto(`${server.url}/children/new`)
    await page.fill('#givenName', c.given_name)
    await page.fill('#familyName', c.family_name)
    const [y, m, d] = c.date_of_birth.split('-') as [string, string, string]
    await page.fill('#dob-day', String(Number(d)))
    await page.fill('#dob-month', String(Number(m)))
    await page.fill('#dob-year', y)
    await page.locator(`input[name="gender"][value="${c.gender}"]`).check()
    if (c.line) await page.fill('#addressLine1', c.line)
    if (c.town) await page.fill('#town', c.town)
    if (c.postcode) await page.fill('#postcode', c.postcode)
    await page.getByRole('button', { name: 'Continue' }).click()
  }
  await page.goto(`${server.url}/children/new`)
  await accessible(page, 'add a child')
  await shot(page, 'add-a-child')
  await page.getByRole('button', { name: 'Continue' }).click()
  await accessible(page, 'add a child with errors')

  await fillChild({ given_name: 'Zephyrine', family_name: 'Quillfeather', date_of_birth: '2021-07-04', gender: 'female', line: '3 Lark Rise' })
  assert.equal(await page.locator('h1').innerText(), 'Record added')
  assert.match(await page.locator('[data-qa="new-id"]').innerText(), /^\d{4} \d{4} \d{4}$/)
  await accessible(page, 'record added')
  await page.getByRole('button', { name: 'Open the record' }).click()
  await page.getByLabel('I am starting to work with the child or their family').check()
  await page.getByRole('button', { name: 'Continue to the record' }).click()
  assert.match(await main(page), /Zephyrine Quillfeather[\s\S]*Source: Recorded in ContactPoint by a practitioner/)

  await fillChild(plain)
  assert.equal(await page.locator('h1').innerText(), 'Is this the child?')
  assert.match(await page.locator('[data-qa="match"]').first().innerText(), new RegExp(plain.family_name))
  await accessible(page, 'probable match')
  await shot(page, 'add-a-child-match')
  await page.getByRole('button', { name: 'Send my record to be checked' }).click()
  assert.equal(await page.locator('h1').innerText(), 'Sent to the data team to check')
  await accessible(page, 'held for the data team')

  await fillChild(shielded)
  assert.equal(await page.locator('h1').innerText(), 'Sent to the data team to check', 'held at once, as for any doubt')
  const text = await main(page)
  for (const hidden of [shielded.contactpoint_id, shielded.postcode ?? '', shielded.town ?? '']) assert.ok(!text.includes(hidden), 'nothing of the shielded child')
  await context.close()
})

test('a shielded record offers nothing to record; a sensitive service shows only as a line', async () => {
  const { context, page } = await signIn('demo.teacher')
  await openRecord(page, shielded)
  assert.doesNotMatch(await main(page), /Your work with this child|Record your involvement/)
  const refused = await page.goto(`${server.url}/children/${shielded.contactpoint_id}/involvement`)
  assert.equal(refused?.status(), 403)
  await context.close()

  const worker = await signIn('demo.social-worker')
  await openRecord(worker.page, other)
  await worker.page.getByRole('link', { name: 'Record your involvement' }).click()
  await worker.page.getByLabel('Mental health', { exact: true }).check()
  await worker.page.getByLabel('The young person has consented').check()
  await worker.page.getByRole('button', { name: 'Record my involvement' }).click()
  assert.match(await worker.page.locator('.govuk-notification-banner--success').innerText(), /recorded/)
  await worker.context.close()

  const visitor = await signIn('demo.health-visitor')
  await openRecord(visitor.page, other)
  assert.match(await visitor.page.locator('[data-qa="sensitive-service"]').innerText(), /A sensitive service is involved/)
  assert.doesNotMatch(await main(visitor.page), /Amira Haddad|Mental health/)
  await visitor.context.close()
})

test('a phone enquiry: the caller is recorded, every page says so, and the audit shows both people', async () => {
  const { context, page } = await signIn('demo.teacher', true)
  await page.getByRole('link', { name: 'Phone enquiry' }).click()
  await accessible(page, 'phone enquiry')
  await shot(page, 'phone-enquiry')
  await page.getByRole('button', { name: 'Start the enquiry' }).click()
  await accessible(page, 'phone enquiry with errors')
  await page.fill('#callerName', 'Sam Caller')
  await page.fill('#callerOrganisation', 'Northmoor Youth Club')
  await page.fill('#callerPhone', '01632 960 555')
  await page.getByLabel('I called them back on a number I found independently for their organisation').check()
  await page.getByRole('button', { name: 'Start the enquiry' }).click()
  assert.match(await page.locator('[data-qa="phone-enquiry"]').innerText(), /Phone enquiry for Sam Caller, Northmoor Youth Club/)
  await openRecord(page, plain, 'I am making or answering a referral')
  assert.match(await page.locator('[data-qa="phone-enquiry"]').innerText(), /Sam Caller/)
  await accessible(page, 'record during a phone enquiry')
  await shot(page, 'record-phone-enquiry')
  await page.getByRole('link', { name: 'End the enquiry' }).click()
  await page.getByRole('button', { name: 'End the enquiry' }).click()
  assert.equal(await page.locator('[data-qa="phone-enquiry"]').count(), 0)
  await context.close()

  // The store is the server's: stop it to read the trail.
  await server.stop()
  const database = await openDatabase(config().database)
  const { rows } = await sql<{ action: string; channel: string; on_behalf_of: string | null; username: string }>`
    SELECT e.action, e.channel, e.on_behalf_of, u.username FROM audit_event e JOIN app_user u ON u.id = e.actor_user_id
    WHERE e.on_behalf_of LIKE 'Sam Caller%' ORDER BY e.seq`.execute(database.db)
  await database.close()
  assert.deepEqual(rows.map((r) => [r.action, r.channel, r.username]), [
    ['phone_enquiry.start', 'phone', 'demo.teacher'], ['child.search', 'phone', 'demo.teacher'], ['child.view', 'phone', 'demo.teacher'], ['phone_enquiry.end', 'phone', 'demo.teacher'],
  ])
  assert.ok(rows.every((r) => r.on_behalf_of?.startsWith('Sam Caller, Northmoor Youth Club (phone enquiry ')))
})
