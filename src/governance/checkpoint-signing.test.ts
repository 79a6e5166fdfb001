// Checkpoint signatures, the signing key file, the checkpoint files and their configuration.
import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { appendFile, chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { loadConfig } from '../config/config.ts'
import { AppError } from '../errors.ts'
import {
  checkSignature, formatCheckpoint, loadSigningKey, loadVerifyingKey, parseCheckpoint, publicKeyPem, signerFromPrivateKey, type SignedCheckpoint,
} from './checkpoint-signing.ts'
import { CheckpointStore } from './checkpoint-store.ts'
import { signingKeyFile } from './checkpoint.service.ts'

let dir: string
before(async () => { dir = await mkdtemp(path.join(tmpdir(), 'cp-checkpoint-')) })
after(async () => rm(dir, { recursive: true, force: true }))

const signer = signerFromPrivateKey(generateKeyPairSync('ed25519').privateKey)
const fields = { seq: '4242', hash: 'ab'.repeat(32), count: 4240, at: '2026-11-24T10:00:00.000Z', headAt: '2026-11-24T09:59:59.123Z' }

test('a signed checkpoint verifies; changing any field, or another key, does not', () => {
  const checkpoint = signer.sign(fields)
  assert.equal(checkpoint.key, signer.keyId)
  assert.equal(checkSignature(checkpoint, signer), 'valid')
  const edits: Partial<SignedCheckpoint>[] = [
    { seq: '4243' }, { hash: 'ac'.repeat(32) }, { count: 4241 }, { at: '2026-11-24T10:00:00.001Z' }, { headAt: '2026-11-24T09:59:59.124Z' },
    { sig: Buffer.alloc(64, 1).toString('base64') },
  ]
  for (const edit of edits) assert.equal(checkSignature({ ...checkpoint, ...edit }, signer), 'bad_signature', JSON.stringify(edit))
  const other = signerFromPrivateKey(generateKeyPairSync('ed25519').privateKey)
  assert.equal(checkSignature(other.sign(fields), signer), 'unknown_key')
  // A forger who copies our key id still cannot sign for it.
  assert.equal(checkSignature({ ...other.sign(fields), key: signer.keyId }, signer), 'bad_signature')
})

test('a checkpoint line round-trips, and malformed lines say what is wrong', () => {
  const checkpoint = signer.sign(fields)
  assert.deepEqual(parseCheckpoint(formatCheckpoint(checkpoint)), { checkpoint })
  const line = JSON.parse(formatCheckpoint(checkpoint)) as Record<string, unknown>
  const bad: [string, string][] = [
    ['{"v":1', 'not valid JSON'],
    ['[1]', 'not a JSON object'],
    [JSON.stringify({ ...line, v: 2 }), 'unknown checkpoint version 2'],
    [JSON.stringify({ ...line, seq: 4242 }), 'seq is not a positive whole number'],
    [JSON.stringify({ ...line, hash: 'xyz' }), 'hash is not a SHA-256 hex digest'],
    [JSON.stringify({ ...line, count: -1 }), 'count is not a positive whole number'],
    [JSON.stringify({ ...line, at: 'yesterday' }), 'at is not an ISO 8601 UTC time'],
    [JSON.stringify({ ...line, sig: 'short' }), 'sig is not an Ed25519 signature'],
  ]
  for (const [text, problem] of bad) assert.deepEqual(parseCheckpoint(text), { problem }, text)
})

test('the signing key is created once with owner-only permissions, then reused', async () => {
  const file = path.join(dir, 'keys', 'signing-key.pem')
  const first = await loadSigningKey(file, { create: true })
  assert.equal(first.created, true)
  assert.equal((await stat(file)).mode & 0o777, 0o600)
  const second = await loadSigningKey(file, { create: true })
  assert.equal(second.created, false)
  assert.equal(second.signer.keyId, first.signer.keyId)
  // The public key alone (as an auditor holds it) checks the same signatures.
  const publicFile = path.join(dir, 'public.pem')
  await writeFile(publicFile, publicKeyPem(first.signer))
  const verifier = await loadVerifyingKey(publicFile)
  assert.equal(verifier.keyId, first.signer.keyId)
  assert.equal(checkSignature(second.signer.sign(fields), verifier), 'valid')
  assert.equal((await loadVerifyingKey(file)).keyId, first.signer.keyId)
})

test('a key file others can read, a missing key (when not creating one) and a non-Ed25519 key are refused', async () => {
  const file = path.join(dir, 'loose.pem')
  await writeFile(file, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }))
  await chmod(file, 0o644)
  await assert.rejects(loadSigningKey(file, { create: true }), (e: unknown) => e instanceof AppError && /readable by its owner only \(chmod 600\)/.test(e.message))
  await assert.rejects(loadSigningKey(path.join(dir, 'absent.pem'), { create: false }), (e: unknown) => e instanceof AppError && e.code === 'not_found')
  const rsa = path.join(dir, 'rsa.pem')
  await writeFile(rsa, generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 })
  await assert.rejects(loadSigningKey(rsa, { create: false }), /must be an Ed25519 key/)
})

test('configuration: a key is made on first use outside production; production must name its own', () => {
  const development = loadConfig({}, '/srv/cp')
  assert.equal(development.audit.checkpointDir, '/srv/cp/audit-checkpoints')
  assert.equal(development.audit.signingKeyFile, '/srv/cp/audit-signing-key.pem')
  assert.equal(development.audit.createSigningKey, true)
  const production = { NODE_ENV: 'production', DATA_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64') }
  const unset = loadConfig(production, '/srv/cp').audit
  assert.equal(unset.signingKeyFile, null)
  assert.equal(unset.createSigningKey, false)
  assert.throws(() => signingKeyFile(unset), /AUDIT_SIGNING_KEY_FILE must be set in production/)
  const set = loadConfig({ ...production, AUDIT_SIGNING_KEY_FILE: '/etc/contactpoint/audit.pem', AUDIT_CHECKPOINT_DIR: '/var/lib/cp-audit' }, '/srv/cp').audit
  assert.deepEqual(set, {
    checkpointDir: '/var/lib/cp-audit', signingKeyFile: '/etc/contactpoint/audit.pem', createSigningKey: false,
    retiredKeysDir: '/srv/cp/audit-retired-keys', checkpointEveryMinutes: 10,
  })
})

test('checkpoint files: one a month, appended to, read back in order; a cut-short line is reported, never glued to the next', async () => {
  const store = new CheckpointStore(path.join(dir, 'store'))
  assert.deepEqual(await store.files(), [])
  assert.equal(await store.latest(signer), null)
  const october = signer.sign({ ...fields, seq: '10', count: 10, at: '2026-10-31T23:59:59.000Z' })
  const november = signer.sign({ ...fields, seq: '20', count: 20, at: '2026-11-01T00:00:00.000Z' })
  assert.equal(path.basename(await store.append(october)), 'checkpoints-2026-10.jsonl')
  const file = await store.append(november)
  assert.equal(path.basename(file), 'checkpoints-2026-11.jsonl')
  assert.deepEqual(await store.files(), ['checkpoints-2026-10.jsonl', 'checkpoints-2026-11.jsonl'])
  assert.equal((await store.latest(signer))?.checkpoint.seq, '20')

  await appendFile(file, '{"v":1,"seq":"2')  // a writer that died mid-line
  const later = signer.sign({ ...fields, seq: '30', count: 30, at: '2026-11-02T00:00:00.000Z' })
  await store.append(later)
  const entries = []
  for await (const entry of store.entries()) entries.push(entry)
  assert.deepEqual(entries.map((e) => ('checkpoint' in e ? `${e.file}:${e.line}:${e.checkpoint.seq}` : `${e.file}:${e.line}:${e.problem}`)), [
    'checkpoints-2026-10.jsonl:1:10', 'checkpoints-2026-11.jsonl:1:20', 'checkpoints-2026-11.jsonl:2:not valid JSON', 'checkpoints-2026-11.jsonl:3:30',
  ])
  assert.equal((await store.latest(signer))?.checkpoint.seq, '30')
  // Checkpoints signed by another key are not "the latest" for this one.
  const other = signerFromPrivateKey(generateKeyPairSync('ed25519').privateKey)
  await store.append(other.sign({ ...fields, seq: '99', count: 99, at: '2026-11-03T00:00:00.000Z' }))
  assert.equal((await store.latest(signer))?.checkpoint.seq, '30')
  assert.match(await readFile(file, 'utf8'), /\n$/)
})
