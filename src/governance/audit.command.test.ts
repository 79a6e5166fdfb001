// `contactpoint audit checkpoint` and `contactpoint audit verify` as an operator runs them: against an
// embedded store on disk, with the checkpoint folder and key from the environment; exit code 0 when
// intact, 1 with a report that says where when not.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { openDatabase } from '../db/client.ts'
import { migrateToLatest } from '../db/migrate.ts'
import { AuditRepository } from './audit.repository.ts'

// Until main.ts registers the command, a minimal program stands in for `contactpoint`.
const COMMAND = fileURLToPath(new URL('./audit.command.ts', import.meta.url))
const PROGRAM = `import { Command } from 'commander'
import { registerAuditCommand } from ${JSON.stringify(COMMAND)}
const program = new Command().name('contactpoint')
registerAuditCommand(program)
await program.parseAsync(process.argv)`

let dir: string
let env: NodeJS.ProcessEnv

function contactpoint(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', PROGRAM, 'contactpoint', ...args], { env, encoding: 'utf8', timeout: 120_000 })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

async function withStore(run: (db: Awaited<ReturnType<typeof openDatabase>>['db']) => Promise<void>): Promise<void> {
  const handle = await openDatabase({ kind: 'pglite', dataDir: path.join(dir, 'data') })
  try {
    await run(handle.db)
  } finally {
    await handle.close()
  }
}

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cp-audit-cli-'))
  env = { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'warn', DATA_DIR: path.join(dir, 'data'),
    AUDIT_CHECKPOINT_DIR: path.join(dir, 'checkpoints'), AUDIT_SIGNING_KEY_FILE: path.join(dir, 'key.pem') }
  delete env.DATABASE_URL
  await withStore(async (db) => {
    await migrateToLatest(db)
    const audit = new AuditRepository(db)
    for (let i = 0; i < 40; i++) await audit.append({ channel: 'web', action: 'child.view', outcome: 'success', subjectType: 'child', subjectId: `CP${i}` })
  })
})
after(async () => rm(dir, { recursive: true, force: true }))

test('checkpoint creates the key on first use, signs the head, and does not repeat itself', () => {
  const first = contactpoint('audit', 'checkpoint')
  assert.equal(first.status, 0, first.stderr)
  assert.match(first.stderr, /Created a new audit signing key/)
  assert.match(first.stdout, /^Checkpoint written at .*: seq 40 \(40 events\), head hash [0-9a-f]{16}…, signed by key [0-9a-f]{16} → .*checkpoints-\d{4}-\d\d\.jsonl$/m)
  const second = contactpoint('audit', 'checkpoint')
  assert.equal(second.status, 0, second.stderr)
  assert.match(second.stdout, /^Unchanged since the last checkpoint: seq 40/)
  const key = contactpoint('audit', 'public-key')
  assert.match(key.stdout, /^# audit checkpoint key [0-9a-f]{16}\n-----BEGIN PUBLIC KEY-----/)
  assert.doesNotMatch(key.stdout, /PRIVATE/)
})

test('verify says INTACT with exit code 0, then NOT INTACT with where and exit code 1 once an event is altered', async () => {
  const intact = contactpoint('audit', 'verify')
  assert.equal(intact.status, 0, intact.stderr)
  assert.match(intact.stdout, /Checked 40 events, seq 1 to 40,/)
  assert.match(intact.stdout, /Checked 1 checkpoint: 1 correctly signed, 1 agrees with the trail/)
  assert.match(intact.stdout, /^INTACT/m)

  await withStore(async (db) => {
    await db.transaction().execute(async (trx) => {
      await sql`SET LOCAL session_replication_role = replica`.execute(trx)
      await sql`UPDATE audit_event SET subject_id = 'CP999' WHERE seq = 17`.execute(trx)
      await sql`DELETE FROM audit_event WHERE seq > 38`.execute(trx)
    })
  })
  const broken = contactpoint('audit', 'verify')
  assert.equal(broken.status, 1, broken.stderr)
  assert.match(broken.stdout, /^NOT INTACT: 2 problems found\.$/m)
  assert.match(broken.stdout, /^\s+ALTERED\s+seq 17 \(event [0-9a-f-]{36}\) was altered/m)
  assert.match(broken.stdout, /^\s+TRUNCATED\s+the trail ends at seq 38 .* records events up to seq 40/m)
  assert.doesNotMatch(broken.stdout, /CP999/, 'reports never show what an event holds')

  const json = contactpoint('audit', 'verify', '--json')
  assert.equal(json.status, 1)
  const report = JSON.parse(json.stdout) as { ok: boolean; problems: { kind: string; seq: string }[] }
  assert.equal(report.ok, false)
  assert.deepEqual(report.problems.map((p) => `${p.kind}@${p.seq}`), ['altered@17', 'truncated@39'])

  const partial = contactpoint('audit', 'verify', '--from', '20')
  assert.equal(partial.status, 1)
  assert.doesNotMatch(partial.stdout, /ALTERED/)
  assert.match(partial.stdout, /TRUNCATED/)

  const refused = contactpoint('audit', 'checkpoint')
  assert.equal(refused.status, 1)
  assert.match(refused.stderr, /ends before the last checkpoint .*No checkpoint was written/)
})

test('production without AUDIT_SIGNING_KEY_FILE refuses to sign, and a bad --from is a usage error', () => {
  const saved = env
  env = { ...env, NODE_ENV: 'production', DATA_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64') }
  delete env.AUDIT_SIGNING_KEY_FILE
  try {
    const result = contactpoint('audit', 'checkpoint')
    assert.equal(result.status, 1)
    assert.match(result.stderr, /AUDIT_SIGNING_KEY_FILE must be set in production/)
  } finally {
    env = saved
  }
  const usage = contactpoint('audit', 'verify', '--from', 'yesterday')
  assert.notEqual(usage.status, 0)
  assert.match(usage.stderr, /expected a seq number/)
})
