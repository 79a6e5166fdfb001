// Finding a child and seeing who is involved, in a real browser (Debian's chromium) against the
// real `contactpoint start` process on the demo authority: search → reason → record without
// JavaScript, a shielded child (no location in results; the override journey), a sensitive
// service, and axe-core on every new page.
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

interface Subject { contactpoint_id: string; given_name: string; family_name: string; date_of_birth: string; town: string | null; postcode: string; line: string }

let server: RunningServer
let browser: Browser
let dataDir: string
/** A child with a current sensitive service and an ended involvement, not shielded. */
let plain: Subject
let shielded: Subject
const SCREENSHOTS = path.resolve(import.meta.dirname, '../../tmp/screenshots')

before(async () => {
  // Load the demo authority here first, to choose children to look for; the service then starts on the same store.
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cp-e2e-find-'))
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir })
  const database = await openDatabase(config.database)
  await migrateToLatest(database.db)
  await new DemoLoader(database, config.dataEncryptionKey).load({ children: 600, seed: config.demo.seed })
  const pick = async (shieldedChild: boolean) => (await sql<Subject>`
    SELECT c.contactpoint_id, c.given_name, c.family_name, c.date_of_birth, a.town, a.postcode, a.lines[1] AS line FROM child c
    LEFT JOIN child_address a ON a.child_id = c.id AND a.is_current
    WHERE c.shielded = ${shieldedChild} AND c.status = 'active' AND a.town IS NOT NULL AND a.postcode IS NOT NULL
      AND (${shieldedChild} OR (EXISTS (SELECT 1 FROM involvement i WHERE i.child_id = c.id AND i.is_sensitive AND i.ended_on IS NULL)
                              AND EXISTS (SELECT 1 FROM involvement i WHERE i.child_id = c.id AND i.ended_on IS NOT NULL AND NOT i.is_sensitive)))
    ORDER BY c.contactpoint_id LIMIT 1`.execute(database.db)).rows[0] as Subject
  // A current sensitive service is rare in a small demo: give one to a child who has an ended involvement.
  const candidate = (await sql<{ id: string }>`
    SELECT c.id FROM child c JOIN child_address a ON a.child_id = c.id AND a.is_current
    WHERE NOT c.shielded AND c.status = 'active' AND a.town IS NOT NULL
      AND EXISTS (SELECT 1 FROM involvement i WHERE i.child_id = c.id AND i.ended_on IS NOT NULL AND NOT i.is_sensitive)
    ORDER BY c.contactpoint_id LIMIT 1`.execute(database.db)).rows[0] as { id: string }
  const clinic = (await sql<{ id: string }>`SELECT id FROM organisation WHERE kind = 'health_service' ORDER BY name LIMIT 1`.execute(database.db)).rows[0] as { id: string }
  await sql`INSERT INTO involvement (child_id, service_type, organisation_id, practitioner_name, started_on, is_sensitive, consent_basis)
    VALUES (${candidate.id}, 'sexual_health', ${clinic.id}, 'Dr Confidential Clinician', '2026-01-05', true, 'consent')`.execute(database.db)
  plain = await pick(false)
  shielded = await pick(true)
  await database.close()
  assert.ok(plain && shielded, 'the demo has a child with a sensitive service and a shielded child')
  server = await startServer({ dataDir, env: { DEMO_CHILDREN: '600' } })
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

async function signIn(username: string, options: { javaScriptEnabled: boolean }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(options)
  const page = await context.newPage()
  await page.goto(`${server.url}/sign-in`)
  await page.fill('#username', username)
  await page.fill('#password', DEMO_PASSWORD)
  await page.getByRole('button', { name: 'Continue' }).click()
  await enterDemoCode(page, username)
  assert.equal(new URL(page.url()).pathname, '/home')
  return { context, page }
}

async function search(page: Page, fields: { familyName: string; dob?: string; givenName?: string }): Promise<void> {
  await page.goto(`${server.url}/search`)
  await page.fill('#familyName', fields.familyName)
  if (fields.givenName) await page.fill('#givenName', fields.givenName)
  if (fields.dob) {
    const [y, m, d] = fields.dob.split('-') as [string, string, string]
    await page.fill('#dob-day', String(Number(d)))
    await page.fill('#dob-month', String(Number(m)))
    await page.fill('#dob-year', y)
  }
  await page.getByRole('button', { name: 'Search' }).click()
}

async function openWithReason(page: Page, subject: Subject, reason: string): Promise<void> {
  await page.locator(`a[href="/children/${subject.contactpoint_id}/reason"]`).click()
  assert.match(await page.locator('h1').innerText(), /Why do you need to see this record\?/)
  await page.getByLabel(reason).check()
  await page.getByRole('button', { name: 'Continue to the record' }).click()
}

test('without JavaScript: find a child, say why, see who is involved; ended involvements open on demand', async () => {
  const { context, page } = await signIn('demo.teacher', { javaScriptEnabled: false })
  await page.getByRole('link', { name: 'Find a child' }).first().click()
  assert.equal(await page.locator('h1').innerText(), 'Find a child')
  await search(page, { familyName: plain.family_name, dob: plain.date_of_birth })
  const row = page.locator('tr', { has: page.locator(`a[href="/children/${plain.contactpoint_id}/reason"]`) })
  assert.match(await row.innerText(), new RegExp(plain.town as string))
  assert.match(await row.innerText(), /Family name/)
  await page.screenshot({ path: path.join(SCREENSHOTS, 'search-results.png'), fullPage: true })
  await openWithReason(page, plain, 'I am starting to work with the child or their family')
  assert.match(await page.locator('h1').innerText(), new RegExp(plain.family_name))
  assert.match(await page.locator('main').innerText(), /Who is working with the child/)
  const ended = page.locator('[data-qa="ended"] details')
  assert.equal(await ended.getAttribute('open'), null)
  await ended.locator('summary').click()
  assert.notEqual(await ended.getAttribute('open'), null, 'a details element opens without JavaScript')
  await page.screenshot({ path: path.join(SCREENSHOTS, 'record.png'), fullPage: true })
  await context.close()
})

test('a sensitive service is shown only as a line naming the ContactPoint team', async () => {
  const { context, page } = await signIn('demo.health-visitor', { javaScriptEnabled: true })
  await search(page, { familyName: plain.family_name, givenName: plain.given_name, dob: plain.date_of_birth })
  await openWithReason(page, plain, 'A concern about the child\'s safety or welfare')
  const line = await page.locator('[data-qa="sensitive-service"]').innerText()
  assert.match(line, /A sensitive service is involved — contact the ContactPoint team at Northmoor/)
  assert.doesNotMatch(await page.locator('main').innerText(), /[Ss]exual health|Confidential Clinician/)
  await context.close()
})

test('a shielded child: no location in results, four fields on the record, and the override journey', async () => {
  const { context, page } = await signIn('demo.social-worker', { javaScriptEnabled: true })
  await search(page, { familyName: shielded.family_name, dob: shielded.date_of_birth })
  const row = page.locator('tr', { has: page.locator(`a[href="/children/${shielded.contactpoint_id}/reason"]`) })
  assert.match(await row.innerText(), /Shielded/)
  assert.doesNotMatch(await row.innerText(), new RegExp(shielded.town as string))
  await openWithReason(page, shielded, 'I am coordinating support with other practitioners')
  assert.match(await page.locator('[data-qa="shield-notice"]').innerText(), /record is shielded/)
  for (const hidden of [shielded.postcode, shielded.line]) assert.ok(!(await page.locator('main').innerText()).includes(hidden), 'no address on a shielded record')
  await page.screenshot({ path: path.join(SCREENSHOTS, 'shielded-record.png'), fullPage: true })
  assert.deepEqual(await axeViolations(page), [], 'shielded record with the override offered')
  await page.getByRole('button', { name: 'Override the shield' }).click()
  assert.equal(await page.locator('h1').innerText(), 'Override the shield on this record')
  assert.deepEqual(await axeViolations(page), [], 'override warning')
  await page.getByRole('button', { name: 'Override the shield' }).click()
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Select why you need to override the shield/)
  assert.deepEqual(await axeViolations(page), [], 'override with errors')
  await page.getByLabel('The child may be at immediate risk of significant harm').check()
  await page.fill('#detail', 'Child brought to A&E; need the GP and school now')
  await page.getByRole('button', { name: 'Override the shield' }).click()
  assert.match(await page.locator('.govuk-notification-banner').first().innerText(), /You overrode the shield/)
  assert.match(await page.locator('main').innerText(), /Who is working with the child/)
  assert.deepEqual(await axeViolations(page), [], 'overridden record')
  await page.screenshot({ path: path.join(SCREENSHOTS, 'shield-overridden.png'), fullPage: true })
  // The override lasts for the session: opening the record again shows it whole.
  await search(page, { familyName: shielded.family_name, dob: shielded.date_of_birth })
  await openWithReason(page, shielded, 'I am coordinating support with other practitioners')
  assert.match(await page.locator('main').innerText(), /Who is working with the child/)
  await context.close()
})

test('every new page passes axe-core WCAG 2.2 AA checks with zero violations', async () => {
  const { context, page } = await signIn('demo.privacy', { javaScriptEnabled: true })
  const checked: string[] = []
  const check = async (label: string) => {
    assert.deepEqual(await axeViolations(page), [], label)
    checked.push(label)
  }
  await page.goto(`${server.url}/search`)
  await check('search')
  await page.fill('#dob-day', '31')
  await page.getByRole('button', { name: 'Search' }).click()
  await check('search with errors')
  await search(page, { familyName: plain.family_name, dob: plain.date_of_birth })
  await check('search results')
  await page.locator(`a[href="/children/${plain.contactpoint_id}/reason"]`).click()
  await check('reason')
  await page.getByRole('button', { name: 'Continue to the record' }).click()
  await check('reason with errors')
  await page.getByLabel('Another reason').check()
  await page.fill('#detail', 'Subject access request check')
  await page.getByRole('button', { name: 'Continue to the record' }).click()
  await check('record')
  await search(page, { familyName: shielded.family_name, dob: shielded.date_of_birth })
  await openWithReason(page, shielded, 'A concern about the child\'s safety or welfare')
  await check('shielded record')
  await context.close()
  assert.equal(checked.length, 7)
})
