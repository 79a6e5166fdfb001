// `contactpoint audit …`: signed checkpoints of the audit trail, and its verification.
import type { Command } from 'commander'
import { InvalidArgumentError } from 'commander'
import { wholeNumber } from '../cli/options.ts'
import { progressReporter } from '../cli/progress.ts'
import { fail, readConfigOrExit, withRuntime } from '../cli/runtime.ts'
import { describeStore, type Config } from '../config/config.ts'
import type { DatabaseHandle } from '../db/client.ts'
import { AppError } from '../errors.ts'
import { formatVerificationReport } from './audit-report.ts'
import { verifyAuditTrail, type AuditVerificationReport } from './audit-verify.ts'
import { AuditRepository } from './audit.repository.ts'
import { loadVerifyingKey, publicKeyPem, type CheckpointVerifier } from './checkpoint-signing.ts'
import { CheckpointStore } from './checkpoint-store.ts'
import { loadRetiredKeys, openCheckpointWriter, rotateSigningKey, scheduleCheckpoints, signingKeyFile, type CheckpointWriteResult } from './checkpoint.service.ts'

const out = (text: string): void => {
  process.stdout.write(`${text}\n`)
}
const err = (text: string): void => {
  process.stderr.write(`${text}\n`)
}

function seqNumber(value: string): string {
  if (!/^[1-9]\d{0,18}$/.test(value)) throw new InvalidArgumentError('expected a seq number (a whole number from 1)')
  return value
}

function describeWrite(result: CheckpointWriteResult, keyId: string): string {
  const cp = result.checkpoint
  if (result.status === 'empty') return 'The audit trail is empty: nothing to checkpoint yet.'
  if (!cp) return 'No checkpoint.'
  const what = `seq ${cp.seq} (${cp.count.toLocaleString('en-GB')} events), head hash ${cp.hash.slice(0, 16)}…`
  return result.status === 'unchanged'
    ? `Unchanged since the last checkpoint: ${what}, made ${cp.at}.`
    : `Checkpoint written at ${cp.at}: ${what}, signed by key ${keyId} → ${result.file}`
}

/** The keys trusted to have signed checkpoints: any given with --public-key, the retired keys, and the configured signing key. */
async function trustedKeys(config: Config['audit'], publicKeyFiles: readonly string[]): Promise<CheckpointVerifier[]> {
  const keys: CheckpointVerifier[] = []
  for (const file of publicKeyFiles) keys.push(await loadVerifyingKey(file))
  keys.push(...await loadRetiredKeys(config.retiredKeysDir))
  if (config.signingKeyFile !== null) {
    try {
      keys.push(await loadVerifyingKey(config.signingKeyFile))
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'not_found')) throw error
    }
  }
  return keys
}

export async function runVerification(database: DatabaseHandle, config: Config['audit'], options: {
  from?: string
  publicKeys?: readonly string[]
  batchSize?: number
  progress?: (done: number, total: number) => void
}): Promise<AuditVerificationReport> {
  const store = new CheckpointStore(config.checkpointDir)
  const files = await store.files()
  const verifiers = await trustedKeys(config, options.publicKeys ?? [])
  if (files.length > 0 && verifiers.length === 0) {
    throw new AppError('not_found', `Checkpoint files were found in ${config.checkpointDir} but no key to check their signatures: ` +
      `the signing key file ${config.signingKeyFile ?? '(AUDIT_SIGNING_KEY_FILE unset)'} does not exist. Give the public key with --public-key.`)
  }
  return verifyAuditTrail({
    reader: new AuditRepository(database.db),
    checkpoints: store.entries(files),
    checkpointFiles: files,
    verifiers,
    ...(options.from === undefined ? {} : { from: options.from }),
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    ...(options.progress === undefined ? {} : { onProgress: options.progress }),
  })
}

export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit')
    .description('The tamper-evident audit trail: signed checkpoints kept outside the database, and verification.')

  audit.command('checkpoint')
    .description('Sign the head of the audit chain (seq, hash, count, time) with the audit signing key and append it to ' +
      'this month\'s file in AUDIT_CHECKPOINT_DIR. Refuses if the trail no longer agrees with the last checkpoint.')
    .option('--every <minutes>', 'keep running and write a checkpoint every so many minutes (until stopped)', wholeNumber(1, 1440))
    .option('--force', 'write a checkpoint even when no event has been added since the last one')
    .action((options: { every?: number; force?: boolean }) => withRuntime(async ({ config, database }) => {
      const { writer, keyFile, keyCreated } = await openCheckpointWriter(database.db, config.audit)
      if (keyCreated) err(`Created a new audit signing key ${keyFile} (key ${writer.keyId}); keep it safe and give its public key to your auditors (contactpoint audit public-key).`)
      if (options.every === undefined) {
        out(describeWrite(await writer.write({ force: options.force ?? false }), writer.keyId))
        return
      }
      out(`Writing a checkpoint every ${options.every} minute${options.every === 1 ? '' : 's'} (Ctrl-C to stop).`)
      const stopped = new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve())
        process.once('SIGTERM', () => resolve())
      })
      const schedule = scheduleCheckpoints(writer, {
        everyMs: options.every * 60_000,
        onResult: (result) => out(describeWrite(result, writer.keyId)),
        onError: (error) => {
          process.exitCode = 1
          err(`contactpoint: ${error instanceof AppError ? error.message : `checkpoint failed: ${(error as Error).message}`}`)
        },
      })
      await stopped
      await schedule.stop()
    }))

  audit.command('verify')
    .description('Recompute every event\'s hash and link, and check every checkpoint\'s signature and that the trail still ' +
      'holds what it recorded. Says where any event was altered, deleted, inserted or cut off. Exit code 0 when intact, 1 when not.')
    .option('--from <seq>', 'start at this seq, taking the events before it as verified (a quicker, partial check)', seqNumber)
    .option('--json', 'print the report as JSON')
    .option('--public-key <file...>', 'also trust checkpoints signed by this key (PEM; an earlier key, or for an auditor who holds only the public key)')
    .option('--batch <n>', 'events read per query', wholeNumber(100, 100_000), 5000)
    .action((options: { from?: string; json?: boolean; publicKey?: string[]; batch: number }) => withRuntime(async ({ config, database }) => {
      const report = await runVerification(database, config.audit, {
        ...(options.from === undefined ? {} : { from: options.from }),
        publicKeys: options.publicKey ?? [],
        batchSize: options.batch,
        progress: progressReporter('events'),
      })
      process.stdout.write(options.json
        ? `${JSON.stringify(report, null, 2)}\n`
        : formatVerificationReport(report, { store: describeStore(config), checkpointDir: config.audit.checkpointDir }))
      if (!report.ok) process.exitCode = 1
    }, { logLevel: 'warn' }))

  audit.command('rotate-key')
    .description('Replace the audit signing key: the old key signs a last checkpoint, its public key is kept in AUDIT_RETIRED_KEYS_DIR ' +
      '(so its checkpoints still verify) and the private key is destroyed; the new key signs a checkpoint of the same head.')
    .option('--new-key <file>', 'the new Ed25519 private key (PEM); required in production, generated otherwise. The file is removed once installed.')
    .action((options: { newKey?: string }) => withRuntime(async ({ config, database }) => {
      const rotation = await rotateSigningKey(database.db, config.audit, options.newKey === undefined ? {} : { newKeyFile: options.newKey })
      out(`Rotated the audit signing key: ${rotation.oldKeyId} → ${rotation.newKeyId}.`)
      out(`  Last checkpoint by the old key: ${describeWrite(rotation.lastOld, rotation.oldKeyId)}`)
      out(`  First checkpoint by the new key: ${describeWrite(rotation.firstNew, rotation.newKeyId)}`)
      out(`  The old public key is kept in ${rotation.retiredPublicKey}; give the new public key (contactpoint audit public-key) to your auditors.`)
    }))

  audit.command('public-key')
    .description('Print the public key that checks checkpoint signatures (PEM), for auditors and for `verify --public-key`.')
    .action(async () => {
      const config = readConfigOrExit()
      try {
        const key = await loadVerifyingKey(signingKeyFile(config.audit))
        process.stdout.write(`# audit checkpoint key ${key.keyId}\n${publicKeyPem(key)}`)
      } catch (error) {
        if (error instanceof AppError) fail(error.message)
        throw error
      }
    })
}
