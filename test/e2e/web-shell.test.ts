// The web shell in a real browser (Debian's chromium via playwright-core) against the real
// `contactpoint start` process: the GOV.UK layout renders with its styles and scripts allowed by
// the CSP, works without JavaScript, and the sign-in form reports errors the GOV.UK way.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { chromium, type Browser } from 'playwright-core'
import { spawnSync } from 'node:child_process'
import { DEMO_PASSWORD } from '../../src/demo/demo-users.ts'
import { axeViolations } from '../support/axe.ts'
import { CLI, startServer, type RunningServer } from '../support/server.ts'

let server: RunningServer
let browser: Browser
const SCREENSHOTS = path.resolve(import.meta.dirname, '../../tmp/screenshots')

before(async () => {
  server = await startServer({ env: { DEMO_CHILDREN: '300' } })
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

test('the start page renders with GOV.UK styles, runs its scripts and breaks no CSP rule', async () => {
  const page = await browser.newPage()
  const problems: string[] = []
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()) })
  page.on('pageerror', (e) => problems.push(e.message))
  page.on('requestfailed', (r) => problems.push(`${r.url()} ${r.failure()?.errorText}`))
  await page.goto(server.url)
  assert.equal(await page.title(), 'Find who is working with a child – ContactPoint')
  // The stylesheet applied: headings use GOV.UK's typeface (served from /assets/fonts under the CSP).
  const font = await page.evaluate<string>("getComputedStyle(document.querySelector('h1')).fontFamily")
  assert.match(font, /GDS Transport/)
  assert.equal(await page.evaluate<boolean>("document.body.classList.contains('govuk-frontend-supported')"), true, 'the inline script ran under the CSP nonce')
  await page.screenshot({ path: path.join(SCREENSHOTS, 'start.png'), fullPage: true })
  assert.deepEqual(problems, [])
  await page.close()
})

test('sign-in without JavaScript shows a GOV.UK error summary and keeps focus order', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false })
  const page = await context.newPage()
  await page.goto(server.url)
  await page.getByRole('button', { name: 'Sign in' }).click()
  assert.equal(await page.title(), 'Sign in to ContactPoint – ContactPoint')
  await page.getByRole('button', { name: 'Continue' }).click()
  assert.match(await page.title(), /^Error: Sign in to ContactPoint/)
  const summary = page.locator('.govuk-error-summary')
  assert.equal(await summary.locator('a').count(), 2)
  assert.equal(await summary.locator('a').first().getAttribute('href'), '#username')
  await page.fill('#username', 'demo.teacher')
  await page.fill('#password', 'wrong password')
  await page.getByRole('button', { name: 'Continue' }).click()
  assert.match(await summary.innerText(), /Enter a correct username and password/)
  await page.screenshot({ path: path.join(SCREENSHOTS, 'sign-in-error.png'), fullPage: true })
  await context.close()
})

test('an unknown address shows the GOV.UK 404 page', async () => {
  const page = await browser.newPage()
  const response = await page.goto(`${server.url}/no-such-page`)
  assert.equal(response?.status(), 404)
  assert.equal(await page.locator('h1').innerText(), 'Page not found')
  await page.close()
})

test('a demo practitioner signs in with password and authenticator code, then signs out', async () => {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(`${server.url}/sign-in`)
  await page.fill('#username', 'demo.teacher')
  await page.fill('#password', DEMO_PASSWORD)
  await page.getByRole('button', { name: 'Continue' }).click()
  assert.equal(await page.title(), 'Enter the code from your authenticator app – ContactPoint')
  const code = spawnSync(process.execPath, [CLI, 'demo', 'code', 'demo.teacher'], { encoding: 'utf8' }).stdout.trim()
  await page.fill('#code', code)
  await page.getByRole('button', { name: 'Continue' }).click()
  assert.equal(new URL(page.url()).pathname, '/home')
  assert.equal(await page.locator('h1').innerText(), 'Signed in as Hannah Okafor')
  await page.screenshot({ path: path.join(SCREENSHOTS, 'signed-in.png'), fullPage: true })
  await page.getByRole('button', { name: 'Sign out', exact: true }).click()
  assert.equal(await page.locator('h1').innerText(), 'You have signed out')
  await page.goto(`${server.url}/home`)
  assert.equal(new URL(page.url()).pathname, '/sign-in')
  await context.close()
})

test('a practitioner adds a security key, then signs in with it instead of a code', async () => {
  const context = await browser.newContext()
  const page = await context.newPage()
  // Chromium's virtual authenticator stands in for a real key: same protocol, real signatures.
  const cdp = await context.newCDPSession(page)
  await cdp.send('WebAuthn.enable')
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'usb', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  })
  const signInWithPassword = async () => {
    await page.goto(`${server.url}/sign-in`)
    await page.fill('#username', 'demo.health-visitor')
    await page.fill('#password', DEMO_PASSWORD)
    await page.getByRole('button', { name: 'Continue' }).click()
  }
  await signInWithPassword()
  await page.fill('#code', spawnSync(process.execPath, [CLI, 'demo', 'code', 'demo.health-visitor'], { encoding: 'utf8' }).stdout.trim())
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.getByRole('link', { name: 'Add a security key or passkey' }).click()
  await page.getByRole('button', { name: 'Register security key' }).click()
  await page.waitForURL(/\/home\?key=added$/)
  assert.match(await page.locator('.govuk-notification-banner').innerText(), /Your security key has been added/)
  await page.getByRole('button', { name: 'Sign out', exact: true }).click()

  await signInWithPassword()
  assert.equal(new URL(page.url()).pathname, '/sign-in/security-key', 'a user with a key is asked for it first')
  await page.screenshot({ path: path.join(SCREENSHOTS, 'security-key.png'), fullPage: true })
  await page.getByRole('button', { name: 'Use security key' }).click()
  await page.waitForURL(/\/home$/)
  assert.equal(await page.locator('h1').innerText(), 'Signed in as Gareth Lloyd')
  await context.close()
})

test('every page a user meets so far passes axe-core WCAG 2.2 AA checks with zero violations', async () => {
  const context = await browser.newContext()
  const page = await context.newPage()
  const checked: string[] = []
  const check = async (label: string) => {
    assert.deepEqual(await axeViolations(page), [], label)
    checked.push(label)
  }
  await page.goto(server.url)
  await check('start page')
  await page.goto(`${server.url}/sign-in`)
  await check('sign-in')
  await page.getByRole('button', { name: 'Continue' }).click()
  await check('sign-in with errors')
  await page.goto(`${server.url}/no-such-page`)
  await check('page not found')
  await page.goto(`${server.url}/sign-in`)
  await page.fill('#username', 'demo.user-admin')
  await page.fill('#password', DEMO_PASSWORD)
  await page.getByRole('button', { name: 'Continue' }).click()
  await check('authenticator code')
  await page.fill('#code', spawnSync(process.execPath, [CLI, 'demo', 'code', 'demo.user-admin'], { encoding: 'utf8' }).stdout.trim())
  await page.getByRole('button', { name: 'Continue' }).click()
  await check('signed in')
  await page.goto(`${server.url}/admin/users`)
  await check('users')
  await page.goto(`${server.url}/admin/users/new`)
  await check('register a user')
  await page.getByRole('button', { name: 'Register user' }).click()
  await check('register a user with errors')
  await page.screenshot({ path: path.join(SCREENSHOTS, 'register-user-errors.png'), fullPage: true })
  await page.goto(`${server.url}/admin/organisations`)
  await check('organisations')
  assert.equal(checked.length, 10)
  // Control: the harness does see a violation when there is one.
  await page.evaluate("document.querySelector('main').appendChild(Object.assign(document.createElement('img'), { src: '/assets/images/favicon.svg' }))")
  assert.deepEqual((await axeViolations(page)).map((v) => v.id), ['image-alt'])
  await context.close()
})
