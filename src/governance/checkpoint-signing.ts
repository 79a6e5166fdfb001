// Signed audit checkpoints: what one says, how it is signed and how a signature is checked.
// A checkpoint records the head of the audit chain — the newest event's seq and hash, how many
// events there were up to it, and when — signed with an Ed25519 key that the database never sees.
// Whoever can rewrite the database but not the key cannot make a checkpoint agree with a rewritten
// or shortened chain. (Ed25519 is Node's own node:crypto; no dependency.)
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto'
import { constants as fsConstants } from 'node:fs'
import { mkdir, open, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { AppError } from '../errors.ts'
import { canonicalJson } from './audit-chain.ts'

export const CHECKPOINT_VERSION = 1
// Domain separation: a checkpoint signature can never be mistaken for a signature over anything else.
const SIGNING_CONTEXT = 'contactpoint audit checkpoint v1\n'

/** What a checkpoint asserts, before signing. */
export interface CheckpointBody {
  readonly v: number
  /** seq of the newest event (a decimal string: seq is a bigint). */
  readonly seq: string
  /** hash of that event. */
  readonly hash: string
  /** number of events with a seq up to and including `seq`. */
  readonly count: number
  /** when the checkpoint was made (ISO 8601, UTC). */
  readonly at: string
  /** when the newest event occurred. */
  readonly headAt: string
  /** fingerprint of the public key that signs it. */
  readonly key: string
}

export interface SignedCheckpoint extends CheckpointBody {
  /** Ed25519 signature over the canonical JSON of the body, base64. */
  readonly sig: string
}

export interface CheckpointSigner {
  readonly keyId: string
  readonly publicKey: KeyObject
  sign(body: Omit<CheckpointBody, 'v' | 'key'>): SignedCheckpoint
}

export interface CheckpointVerifier {
  readonly keyId: string
  readonly publicKey: KeyObject
}

/** A short, stable fingerprint of a public key: the first 16 hex digits of SHA-256 over its SPKI form. */
export function keyFingerprint(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16)
}

function signedBytes(body: CheckpointBody): Buffer {
  const { v, seq, hash, count, at, headAt, key } = body
  return Buffer.from(SIGNING_CONTEXT + canonicalJson({ v, seq, hash, count, at, headAt, key }), 'utf8')
}

export function signerFromPrivateKey(privateKey: KeyObject): CheckpointSigner {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new AppError('validation_failed', 'The audit signing key must be an Ed25519 key')
  const publicKey = createPublicKey(privateKey)
  const keyId = keyFingerprint(publicKey)
  return {
    keyId,
    publicKey,
    sign(fields) {
      const body: CheckpointBody = { v: CHECKPOINT_VERSION, seq: fields.seq, hash: fields.hash, count: fields.count, at: fields.at, headAt: fields.headAt, key: keyId }
      return { ...body, sig: sign(null, signedBytes(body), privateKey).toString('base64') }
    },
  }
}

export type SignatureCheck = 'valid' | 'unknown_key' | 'bad_signature'

/** Checks a parsed checkpoint's signature against the trusted key. */
export function checkSignature(checkpoint: SignedCheckpoint, verifier: CheckpointVerifier): SignatureCheck {
  let good: boolean
  try {
    good = verify(null, signedBytes(checkpoint), verifier.publicKey, Buffer.from(checkpoint.sig, 'base64'))
  } catch {
    good = false
  }
  if (good) return 'valid'
  return checkpoint.key === verifier.keyId ? 'bad_signature' : 'unknown_key'
}

const HEX_64 = /^[0-9a-f]{64}$/
const SEQ = /^[1-9]\d{0,18}$/
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/

/** Parses one line of a checkpoint file; a reason when it is not a well-formed checkpoint. */
export function parseCheckpoint(line: string): { checkpoint: SignedCheckpoint } | { problem: string } {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return { problem: 'not valid JSON' }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { problem: 'not a JSON object' }
  const c = value as Record<string, unknown>
  if (c.v !== CHECKPOINT_VERSION) return { problem: `unknown checkpoint version ${JSON.stringify(c.v)}` }
  if (typeof c.seq !== 'string' || !SEQ.test(c.seq)) return { problem: 'seq is not a positive whole number' }
  if (typeof c.hash !== 'string' || !HEX_64.test(c.hash)) return { problem: 'hash is not a SHA-256 hex digest' }
  if (typeof c.count !== 'number' || !Number.isSafeInteger(c.count) || c.count < 1) return { problem: 'count is not a positive whole number' }
  if (typeof c.at !== 'string' || !ISO.test(c.at)) return { problem: 'at is not an ISO 8601 UTC time' }
  if (typeof c.headAt !== 'string' || !ISO.test(c.headAt)) return { problem: 'headAt is not an ISO 8601 UTC time' }
  if (typeof c.key !== 'string' || !/^[0-9a-f]{16}$/.test(c.key)) return { problem: 'key is not a key fingerprint' }
  if (typeof c.sig !== 'string' || !/^[A-Za-z0-9+/]{86}==$/.test(c.sig)) return { problem: 'sig is not an Ed25519 signature' }
  return { checkpoint: { v: c.v, seq: c.seq, hash: c.hash, count: c.count, at: c.at, headAt: c.headAt, key: c.key, sig: c.sig } }
}

export function formatCheckpoint(checkpoint: SignedCheckpoint): string {
  const { v, seq, hash, count, at, headAt, key, sig } = checkpoint
  return JSON.stringify({ v, seq, hash, count, at, headAt, key, sig })
}

/**
 * Loads the Ed25519 signing key from a PEM file. When `create` is set and the file does not exist,
 * a new key is generated and written readable by its owner only (development and test; production
 * never generates one). A key file that others can read is refused, as ssh does.
 */
export async function loadSigningKey(file: string, options: { create: boolean }): Promise<{ signer: CheckpointSigner; created: boolean }> {
  let created = false
  let pem: string
  try {
    pem = await readKeyFile(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    if (!options.create) throw new AppError('not_found', `The audit signing key file ${file} does not exist (set AUDIT_SIGNING_KEY_FILE)`)
    created = await createKeyFile(file)
    pem = await readKeyFile(file)
    // Another process may have created the file a moment ago and still be writing it.
    for (let attempt = 0; pem.trim() === '' && attempt < 40; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 25))
      pem = await readKeyFile(file)
    }
  }
  let key: KeyObject
  try {
    key = createPrivateKey(pem)
  } catch (error) {
    throw new AppError('validation_failed', `The audit signing key file ${file} does not hold a private key in PEM form`, { cause: error })
  }
  return { signer: signerFromPrivateKey(key), created }
}

/** The key that checks signatures, from a PEM file holding either the public key or the private key. */
export async function loadVerifyingKey(file: string): Promise<CheckpointVerifier> {
  let pem: string
  try {
    pem = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new AppError('not_found', `The audit key file ${file} does not exist`)
    throw error
  }
  let publicKey: KeyObject
  try {
    publicKey = pem.includes('PRIVATE KEY') ? createPublicKey(createPrivateKey(pem)) : createPublicKey(pem)
  } catch (error) {
    throw new AppError('validation_failed', `The audit key file ${file} does not hold a key in PEM form`, { cause: error })
  }
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new AppError('validation_failed', `The audit key in ${file} is not an Ed25519 key`)
  return { publicKey, keyId: keyFingerprint(publicKey) }
}

export function publicKeyPem(verifier: CheckpointVerifier): string {
  return verifier.publicKey.export({ type: 'spki', format: 'pem' }).toString()
}

async function readKeyFile(file: string): Promise<string> {
  const info = await stat(file)
  if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
    throw new AppError('forbidden', `The audit signing key file ${file} can be read by other users: make it readable by its owner only (chmod 600)`)
  }
  return readFile(file, 'utf8')
}

/** Writes a new key with owner-only permissions; false when another process created it first. */
async function createKeyFile(file: string): Promise<boolean> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 })
  const { privateKey } = generateKeyPairSync('ed25519')
  let handle
  try {
    handle = await open(file, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o600)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
  try {
    await handle.writeFile(privateKey.export({ type: 'pkcs8', format: 'pem' }))
    await handle.sync()
  } finally {
    await handle.close()
  }
  return true
}
