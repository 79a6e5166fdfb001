// Rotating the audit signing key: checkpoints signed by the old key still verify (its public key is
// kept), the new key carries on from the old key's last checkpoint, the old private key is gone,
// and tampering before the rotation is still found.
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { loadConfig } from '../config/config.ts'
import { createTestDatabase, type TestDatabase } from '../testing/database.ts'
import { runVerification } from './audit.command.ts'
import { AuditRepository } from './audit.repository.ts'
import { openCheckpointWriter, rotateSigningKey } from './checkpoint.service.ts'

let handle: TestDatabase
let dir: string

before(async () => {
  handle = await createTestDatabase()
  dir = await mkdtemp(path.join(tmpdir(), 'cp-rotate-'))
})
after(async () => {
  await handle.close()
  await rm(dir, { recursive: true, force: true })
})

const config = () => loadConfig({
  NODE_ENV: 'development', AUDIT_CHECKPOINT_DIR: path.join(dir, 'checkpoints'), AUDIT_SIGNING_KEY_FILE: path.join(dir, 'key.pem'),
  AUDIT_RETIRED_KEYS_DIR: path.join(dir, 'retired'),
}).audit

test('after a rotation every checkpoint verifies, old and new; without the retired key the old ones are unknown', async () => {
  const audit = new AuditRepository(handle.db)
  const append = async (n: number) => {
    for (let i = 0; i < n; i++) await audit.append({ channel: 'web', action: 'child.view', outcome: 'success', subjectType: 'child', subjectId: `CP${i}` })
  }
  await append(5)
  const { writer } = await openCheckpointWriter(handle.db, config())
  await writer.write()
  const oldPem = await readFile(path.join(dir, 'key.pem'), 'utf8')
  await append(3)
  const rotation = await rotateSigningKey(handle.db, config())
  assert.notEqual(rotation.oldKeyId, rotation.newKeyId)
  assert.equal(rotation.lastOld.checkpoint?.key, rotation.oldKeyId)
  assert.equal(rotation.firstNew.checkpoint?.key, rotation.newKeyId)
  assert.equal(rotation.firstNew.checkpoint?.count, 8, 'the new key counts on from the old key\'s checkpoint')
  assert.notEqual(await readFile(path.join(dir, 'key.pem'), 'utf8'), oldPem, 'the old private key is gone')
  assert.ok(existsSync(rotation.retiredPublicKey))
  await append(2)
  const { writer: after } = await openCheckpointWriter(handle.db, config())
  assert.equal((await after.write()).status, 'written')

  const report = await runVerification(handle, config(), {})
  assert.equal(report.ok, true, JSON.stringify(report.problems))
  assert.equal(report.checkpoints.valid, 4)
  assert.equal(report.checkpoints.matched, 4)

  await rm(rotation.retiredPublicKey)
  const withoutOld = await runVerification(handle, config(), {})
  assert.equal(withoutOld.ok, false)
  assert.ok(withoutOld.problems.some((p) => p.kind === 'checkpoint_unknown_key'))
})

test('production never generates a key in a rotation: the new one must be given', async () => {
  const production = { ...config(), createSigningKey: false }
  await assert.rejects(rotateSigningKey(handle.db, production), /--new-key/)
})
