// The data manager's data-quality journey in a real browser (Debian's chromium) against the real
// `contactpoint start` process on the demo authority: the queue, a proposal
// side by side with the explanation, a decision with the error summary first, disagreements and
// merges — and axe-core (WCAG 2.2 AA) on each page.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { chromium, type Browser } from 'playwright-core'
import { DEMO_PASSWORD } from '../../src/demo/demo-users.ts'
import { axeViolations } from '../support/axe.ts'
import { enterDemoCode } from '../support/demo-code.ts'
import { startServer, type RunningServer } from '../support/server.ts'

let server: RunningServer
let browser: Browser
let dataDir: string

before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cp-e2e-quality-'))
  server = await startServer({ dataDir, env: { DEMO_CHILDREN: '600' } })
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
})
after(async () => {
  await browser?.close()
  await server?.stop()
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
})

test('a data manager works through the review queue; every page passes axe-core', async () => {
  // axe-core runs inside the page, so this context has JavaScript (the pages need none: plain forms and links)
  const context = await browser.newContext({ javaScriptEnabled: true })
  const page = await context.newPage()
  await page.goto(`${server.url}/sign-in`)
  await page.fill('#username', 'demo.data-manager')
  await page.fill('#password', DEMO_PASSWORD)
  await page.getByRole('button', { name: 'Continue' }).click()
  await enterDemoCode(page, 'demo.data-manager')
  await page.getByRole('link', { name: 'Data-quality work' }).click()
  assert.equal(new URL(page.url()).pathname, '/data-quality')
  assert.deepEqual(await axeViolations(page), [], 'the queue')

  const proposals = page.locator('a[href^="/data-quality/reviews/"]')
  assert.ok(await proposals.count() > 0, 'the demo leaves proposals for a person')
  await proposals.first().click()
  assert.match(await page.locator('h1').innerText(), /one child\?|one of our children\?/)
  assert.match(await page.locator('table caption', { hasText: 'Side by side' }).innerText(), /Side by side/)
  assert.deepEqual(await axeViolations(page), [], 'a proposal side by side')

  await page.getByRole('button', { name: 'Save decision' }).click()
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Choose whether they are the same child or different children/)
  assert.deepEqual(await axeViolations(page), [], 'a proposal with an error')
  await page.getByLabel('Different children').check()
  await page.getByRole('button', { name: 'Save decision' }).click()
  assert.equal(new URL(page.url()).pathname, '/data-quality')
  assert.match(await page.locator('.govuk-notification-banner').innerText(), /will not be proposed again|joined|new child|Kept as different/)

  await page.getByRole('link', { name: 'Sources that disagree' }).click()
  assert.match(await page.locator('h1').innerText(), /Sources that disagree/)
  assert.deepEqual(await axeViolations(page), [], 'disagreements')
  await page.goto(`${server.url}/data-quality/merges`)
  assert.match(await page.locator('h1').innerText(), /Merged records/)
  assert.deepEqual(await axeViolations(page), [], 'merges')
  await context.close()
})
