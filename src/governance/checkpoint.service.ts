// Writes signed checkpoints of the audit chain's head to the checkpoint files, on demand
// (`contactpoint audit checkpoint`) or on a schedule (scheduleCheckpoints, for a long-running process).
// Before signing, it checks that the trail still agrees with the last checkpoint: it never signs a
// head that descends from a tampered trail.
import { generateKeyPairSync, createPrivateKey } from 'node:crypto'
import { chmod, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Kysely } from 'kysely'
import type { Config } from '../config/config.ts'
import type { Database } from '../db/schema.ts'
import { AppError } from '../errors.ts'
import { AuditRepository, type AuditHead } from './audit.repository.ts'
import { loadSigningKey, loadVerifyingKey, publicKeyPem, signerFromPrivateKey, type CheckpointSigner, type CheckpointVerifier, type SignedCheckpoint } from './checkpoint-signing.ts'
import { CheckpointStore } from './checkpoint-store.ts'

export interface CheckpointHeadReader {
  head(): Promise<AuditHead | null>
  findBySeq(seq: string): Promise<{ seq: string; hash: string } | null>
  countBetween(afterSeq: string | null, throughSeq: string): Promise<number>
}

export interface CheckpointWriteResult {
  /** written: a new checkpoint; unchanged: the head is the last checkpoint's; empty: no events yet. */
  readonly status: 'written' | 'unchanged' | 'empty'
  /** The checkpoint written, or the latest one when unchanged. */
  readonly checkpoint: SignedCheckpoint | null
  /** The file written to (or holding the latest checkpoint). */
  readonly file: string | null
}

export class CheckpointWriter {
  readonly #reader: CheckpointHeadReader
  readonly #store: CheckpointStore
  readonly #signer: CheckpointSigner
  readonly #clock: () => Date
  /** Earlier keys: the last checkpoint may have been signed by one of them before a rotation. */
  readonly #retired: readonly CheckpointVerifier[]
  #queue: Promise<unknown> = Promise.resolve()

  constructor(reader: CheckpointHeadReader, store: CheckpointStore, signer: CheckpointSigner, clock: () => Date = () => new Date(), retired: readonly CheckpointVerifier[] = []) {
    this.#reader = reader
    this.#store = store
    this.#signer = signer
    this.#clock = clock
    this.#retired = retired
  }

  get keyId(): string {
    return this.#signer.keyId
  }

  /** Signs and appends a checkpoint of the current head; one at a time within this process. */
  write(options: { force?: boolean } = {}): Promise<CheckpointWriteResult> {
    const next = this.#queue.then(() => this.#write(options.force ?? false))
    this.#queue = next.catch(() => undefined)
    return next
  }

  async #write(force: boolean): Promise<CheckpointWriteResult> {
    const latest = await this.#store.latest([this.#signer, ...this.#retired])
    const head = await this.#reader.head()
    if (latest) {
      const last = latest.checkpoint
      const where = `${latest.file} line ${latest.line}`
      const event = await this.#reader.findBySeq(last.seq)
      if (head === null || BigInt(head.seq) < BigInt(last.seq)) {
        throw new AppError('conflict', `The audit trail ends before the last checkpoint (seq ${last.seq}, ${where}): events have been deleted. ` +
          'No checkpoint was written. Run "contactpoint audit verify" and follow docs/governance.md.')
      }
      if (event === null || event.hash !== last.hash) {
        throw new AppError('conflict', `The audit trail no longer matches the last checkpoint (seq ${last.seq}, ${where}). ` +
          'No checkpoint was written. Run "contactpoint audit verify" and follow docs/governance.md.')
      }
      if (!force && head.seq === last.seq) return { status: 'unchanged', checkpoint: last, file: latest.file }
    }
    if (head === null) return { status: 'empty', checkpoint: null, file: null }
    // The count carries on from the last checkpoint (events up to it, as it counted them, plus those
    // since). It is quicker than counting the whole trail, and a deletion that went unnoticed before
    // this checkpoint still shows as one changed count, not as events "added" here.
    const count = latest
      ? latest.checkpoint.count + await this.#reader.countBetween(latest.checkpoint.seq, head.seq)
      : await this.#reader.countBetween(null, head.seq)
    const checkpoint = this.#signer.sign({
      seq: head.seq, hash: head.hash, count, at: this.#clock().toISOString(), headAt: head.occurredAt.toISOString(),
    })
    const file = await this.#store.append(checkpoint)
    return { status: 'written', checkpoint, file }
  }
}

export interface CheckpointSchedule {
  /** Stops the schedule and waits for a checkpoint in progress. */
  stop(): Promise<void>
}

/**
 * Writes a checkpoint every `everyMs` (the first straight away) until stopped. A failure is passed to
 * onError and the schedule carries on: a trail that stops agreeing with its checkpoints keeps failing
 * loudly at every interval. `unref` lets a host process (the web service) exit without stopping it.
 */
export function scheduleCheckpoints(writer: Pick<CheckpointWriter, 'write'>, options: {
  everyMs: number
  onResult?: (result: CheckpointWriteResult) => void
  onError: (error: unknown) => void
  unref?: boolean
}): CheckpointSchedule {
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let running: Promise<void> = Promise.resolve()
  const tick = (): void => {
    running = writer.write().then(
      (result) => options.onResult?.(result),
      (error: unknown) => options.onError(error),
    ).finally(() => {
      if (stopped) return
      timer = setTimeout(tick, options.everyMs)
      if (options.unref) timer.unref()
    })
  }
  tick()
  return {
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      await running
    },
  }
}

/** The signing key file from the configuration; production has none until AUDIT_SIGNING_KEY_FILE is set. */
export function signingKeyFile(config: Config['audit']): string {
  if (config.signingKeyFile === null) {
    throw new AppError('validation_failed', 'AUDIT_SIGNING_KEY_FILE must be set in production: the path of the Ed25519 private key (PEM, chmod 600) ' +
      'that signs audit checkpoints. Generate one with: openssl genpkey -algorithm ed25519 -out audit-signing-key.pem')
  }
  return config.signingKeyFile
}

/** A checkpoint writer over the configured store, folder and key (creating the key outside production). */
export async function openCheckpointWriter(db: Kysely<Database>, config: Config['audit']): Promise<{ writer: CheckpointWriter; keyFile: string; keyCreated: boolean }> {
  const keyFile = signingKeyFile(config)
  const { signer, created } = await loadSigningKey(keyFile, { create: config.createSigningKey })
  const retired = await loadRetiredKeys(config.retiredKeysDir)
  return { writer: new CheckpointWriter(new AuditRepository(db), new CheckpointStore(config.checkpointDir), signer, () => new Date(), retired), keyFile, keyCreated: created }
}

/** The public keys of earlier signing keys, kept by rotate-key (none when the folder does not exist). */
export async function loadRetiredKeys(dir: string): Promise<CheckpointVerifier[]> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  const keys: CheckpointVerifier[] = []
  for (const name of names.filter((n) => n.endsWith('.pub.pem')).sort()) keys.push(await loadVerifyingKey(path.join(dir, name)))
  return keys
}

export interface KeyRotation {
  readonly oldKeyId: string
  readonly newKeyId: string
  readonly retiredPublicKey: string
  /** The last checkpoint signed by the old key, and the first by the new one (both of the same head or later). */
  readonly lastOld: CheckpointWriteResult
  readonly firstNew: CheckpointWriteResult
}

/**
 * Replaces the audit signing key. The old key first signs a checkpoint of the current head; its
 * public key is kept in the retired-keys folder (so every checkpoint it signed still verifies) and
 * the private key is destroyed; the new key — given, or generated outside production — then signs
 * a checkpoint of the head, joining the two. Refuses, like any checkpoint, if the trail no longer
 * agrees with the last checkpoint.
 */
export async function rotateSigningKey(db: Kysely<Database>, config: Config['audit'], options: { newKeyFile?: string } = {}): Promise<KeyRotation> {
  const keyFile = signingKeyFile(config)
  if (!options.newKeyFile && !config.createSigningKey) {
    throw new AppError('validation_failed', 'In production give the new key with --new-key FILE (generate it with: openssl genpkey -algorithm ed25519 -out new-key.pem)')
  }
  const { writer: oldWriter } = await openCheckpointWriter(db, config)
  const lastOld = await oldWriter.write({ force: true })
  const { signer: oldSigner } = await loadSigningKey(keyFile, { create: false })
  const newPem = options.newKeyFile
    ? await readFile(options.newKeyFile, 'utf8')
    : generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  const newSigner = signerFromPrivateKey(createPrivateKey(newPem))
  if (newSigner.keyId === oldSigner.keyId) throw new AppError('validation_failed', 'The new key is the key in use: give a different key')
  await mkdir(config.retiredKeysDir, { recursive: true, mode: 0o755 })
  const retiredPublicKey = path.join(config.retiredKeysDir, `${oldSigner.keyId}.pub.pem`)
  await writeFile(retiredPublicKey, publicKeyPem(oldSigner), { mode: 0o644 })
  // Replace the key file in one step (write beside it, then rename), so no reader ever sees half a key.
  const temporary = `${keyFile}.new-${process.pid}`
  await writeFile(temporary, newPem, { mode: 0o600 })
  await chmod(temporary, 0o600)
  await rename(temporary, keyFile)
  if (options.newKeyFile) await rm(options.newKeyFile, { force: true })
  const { writer: newWriter } = await openCheckpointWriter(db, config)
  const firstNew = await newWriter.write({ force: true })
  return { oldKeyId: oldSigner.keyId, newKeyId: newSigner.keyId, retiredPublicKey, lastOld, firstNew }
}
