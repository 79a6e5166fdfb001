// The demo user's authenticator code, entered on the code page. Each code works once per 30-second
// step (as it must), so a second sign-in of the same demo user within one step is refused: then
// this waits for the next step and enters its new code.
import { spawnSync } from 'node:child_process'
import type { Page } from 'playwright-core'
import { CLI } from './server.ts'

export async function enterDemoCode(page: Page, username: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    await page.fill('#code', spawnSync(process.execPath, [CLI, 'demo', 'code', username], { encoding: 'utf8' }).stdout.trim())
    await page.getByRole('button', { name: 'Continue' }).click()
    if (new URL(page.url()).pathname !== '/sign-in/code') return
    await new Promise((resolve) => setTimeout(resolve, 30_500 - (Date.now() % 30_000)))
  }
}
