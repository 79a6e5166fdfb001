// The `contactpoint` command as an operator meets it: help, migrations, clear configuration
// errors, and the embedded store's single-process lock.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, test } from 'node:test'
import { CLI, startServer } from '../support/server.ts'

const dataDirs: string[] = []
function tempDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cp-cli-'))
  dataDirs.push(dir)
  return dir
}
after(() => {
  for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true })
})

function run(args: string[], env: Record<string, string> = {}) {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', ...env }
  if (!env.DATABASE_URL) delete childEnv.DATABASE_URL
  const result = spawnSync(process.execPath, [CLI, ...args], { env: childEnv, encoding: 'utf8', timeout: 120_000 })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

test('--help lists every command and each command has its own help', () => {
  const help = run(['--help'])
  assert.equal(help.status, 0)
  const commands = ['start', 'serve', 'migrate', 'demo', 'generate', 'users', 'link', 'audit', 'lifecycle', 'coverage', 'feed', 'review']
  for (const command of commands) assert.match(help.stdout, new RegExp(`^\\s+${command}\\b`, 'm'), command)
  for (const command of commands) {
    const own = run([command, '--help'])
    assert.equal(own.status, 0, command)
    assert.match(own.stdout, new RegExp(`Usage: contactpoint ${command}`), command)
  }
})

test('an unknown command or option fails with a clear message', () => {
  const unknown = run(['frobnicate'])
  assert.notEqual(unknown.status, 0)
  assert.match(unknown.stderr, /unknown command 'frobnicate'/)
})

test('a bad environment variable stops every command with its name and no stack trace', () => {
  const result = run(['migrate'], { PORT: 'eighty', DATA_DIR: tempDataDir() })
  assert.equal(result.status, 1)
  assert.match(result.stderr, /Invalid configuration:\n\s+- PORT must be a whole number/)
  assert.doesNotMatch(result.stderr, /at .*\.ts:\d+/)
})

test('migrate applies the migrations once, then reports the store up to date', () => {
  const dir = tempDataDir()
  const first = run(['migrate'], { DATA_DIR: dir })
  assert.equal(first.status, 0, first.stderr)
  assert.match(first.stdout, /Applied: 0001_child_index/)
  const second = run(['migrate', '--status'], { DATA_DIR: dir })
  assert.match(second.stdout, /Up to date: no pending migrations/)
})

test('serve refuses an unmigrated store and names the command that fixes it', () => {
  const result = run(['serve'], { DATA_DIR: tempDataDir() })
  assert.equal(result.status, 1)
  assert.match(result.stderr, /pending migration\(s\): run "npx contactpoint migrate" first/)
})

test('the embedded store refuses a second process on the same data folder', async () => {
  const dir = tempDataDir()
  const server = await startServer({ dataDir: dir, env: { DEMO_DATA: 'false' } })
  try {
    const second = run(['migrate'], { DATA_DIR: dir })
    assert.equal(second.status, 1)
    assert.match(second.stderr, /is in use by process \d+/)
  } finally {
    await server.stop()
  }
  // Once the first process has stopped, the folder is free again.
  assert.equal(run(['migrate', '--status'], { DATA_DIR: dir }).status, 0)
})

test('users invite prints a one-time enrolment link for a person, and refuses unknown and system accounts', async () => {
  const dir = tempDataDir()
  const unmigrated = run(['demo', 'load', '--children', '100'], { DATA_DIR: dir })
  assert.equal(unmigrated.status, 1)
  assert.match(unmigrated.stderr, /pending migration\(s\): run "npx contactpoint migrate" first/)
  assert.equal(run(['migrate'], { DATA_DIR: dir }).status, 0)
  assert.equal(run(['demo', 'load', '--children', '100'], { DATA_DIR: dir }).status, 0)
  const invite = run(['users', 'invite', 'demo.teacher'], { DATA_DIR: dir, PUBLIC_URL: 'https://contactpoint.example' })
  assert.equal(invite.status, 0, invite.stderr)
  assert.match(invite.stdout.trim(), /^https:\/\/contactpoint\.example\/enrol\/[A-Za-z0-9_-]{43}$/)
  assert.match(run(['users', 'invite', 'nobody.here'], { DATA_DIR: dir }).stderr, /there is no user called nobody.here/)
  assert.match(run(['users', 'invite', 'demo.cms'], { DATA_DIR: dir }).stderr, /is a system account/)
})

test('review: a data manager lists, reads and decides proposals and disagreements; anyone else is refused', () => {
  const dir = tempDataDir()
  assert.equal(run(['migrate'], { DATA_DIR: dir }).status, 0)
  assert.equal(run(['demo', 'load', '--children', '300'], { DATA_DIR: dir }).status, 0)
  const refused = run(['review', 'list', '--as', 'demo.teacher'], { DATA_DIR: dir })
  assert.equal(refused.status, 1)
  assert.match(refused.stderr, /Only an authority data manager can do data-quality work/)
  const list = run(['review', 'list', '--as', 'demo.data-manager'], { DATA_DIR: dir })
  assert.equal(list.status, 0, list.stderr)
  const waiting = Number(/^(\d+) waiting$/m.exec(list.stdout)?.[1])
  assert.ok(waiting > 0, list.stdout)
  const id = /^([0-9a-f-]{36}) {2}open/m.exec(list.stdout)?.[1] as string
  const show = run(['review', 'show', id, '--as', 'demo.data-manager'], { DATA_DIR: dir })
  assert.equal(show.status, 0, show.stderr)
  assert.match(show.stdout, /Date of birth/)
  assert.match(show.stdout, /Status: open/)
  assert.match(run(['review', 'decide', id, 'maybe', '--as', 'demo.data-manager'], { DATA_DIR: dir }).stderr, /the verdict is "same" or "different"/)
  const decided = run(['review', 'decide', id, 'different', '--as', 'demo.data-manager'], { DATA_DIR: dir })
  assert.equal(decided.status, 0, decided.stderr)
  assert.match(decided.stdout, /Decided: different\./)
  const again = run(['review', 'list', '--as', 'demo.data-manager'], { DATA_DIR: dir })
  assert.equal(Number(/^(\d+) waiting$/m.exec(again.stdout)?.[1]), waiting - 1)
  assert.doesNotMatch(again.stdout, new RegExp(id))
  const conflicts = run(['review', 'conflicts', '--as', 'demo.data-manager'], { DATA_DIR: dir })
  assert.equal(conflicts.status, 0, conflicts.stderr)
  assert.match(conflicts.stdout, /^\d+ open$/m)
})
