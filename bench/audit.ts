// `npm run bench:audit [-- --events N --trials N]`: the tamper-evident audit trail at scale. Appends
// N events (default 200,000) to a new embedded store on disk with a signed checkpoint every 10,000,
// verifies the whole trail, then makes random single tampers of every kind — each with the triggers
// bypassed as a database superuser would, inside a transaction that is rolled back — and counts how
// many verification finds at the right place. Prints and records the figures.
import { generateKeyPairSync } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { sql, type Transaction } from 'kysely'
import { openDatabase } from '../src/db/client.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import type { Database } from '../src/db/schema.ts'
import { chainHash } from '../src/governance/audit-chain.ts'
import { chainedContentOf, verifyAuditTrail, type AuditProblem, type AuditVerificationReport } from '../src/governance/audit-verify.ts'
import { AuditRepository, type NewAuditEvent } from '../src/governance/audit.repository.ts'
import { signerFromPrivateKey } from '../src/governance/checkpoint-signing.ts'
import { CheckpointStore } from '../src/governance/checkpoint-store.ts'
import { CheckpointWriter } from '../src/governance/checkpoint.service.ts'
import { machineFacts, writeBenchmarkSection } from './report.ts'

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    single: { type: 'string', default: '10000' },
    trials: { type: 'string', default: '100' },
    'no-record': { type: 'boolean', default: false },
  },
})
const total = Number(values.events)
const single = Math.min(Number(values.single), total)
const trials = Number(values.trials)
const PER_TRANSACTION = 1000
const CHECKPOINT_EVERY = 10_000
const GAP_EVERY = 5000
const n = (value: number): string => Math.round(value).toLocaleString('en-GB')
const mb = (bytes: number): string => `${n(bytes / 2 ** 20)} MB`
const log = (text: string): void => {
  process.stderr.write(`${text}\n`)
}

// A deterministic mix of what the service records: searches, views, sign-ins, exports, overrides.
let state = 0x2545f491
const random = (): number => {
  state ^= state << 13
  state ^= state >>> 17
  state ^= state << 5
  return (state >>> 0) / 2 ** 32
}
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T
const users = Array.from({ length: 500 }, () => crypto.randomUUID())
const organisations = Array.from({ length: 40 }, () => crypto.randomUUID())
function syntheticEvent(i: number): NewAuditEvent {
  const action = pick(['child.search', 'child.search', 'child.view', 'child.view', 'child.view', 'user.sign_in', 'child.export', 'shield.override_start'])
  const search = action === 'child.search'
  return {
    channel: pick(['web', 'web', 'web', 'api', 'phone']), action, outcome: random() < 0.03 ? 'denied' : 'success',
    actorUserId: pick(users), actorOrganisationId: pick(organisations), onBehalfOf: random() < 0.05 ? 'phone enquiry' : null,
    subjectType: search ? null : 'child', subjectId: search ? null : `CP${String(Math.floor(random() * 1e8)).padStart(8, '0')}`,
    reasonCode: pick(['safeguarding', 'early_help', 'education', 'health']), reasonText: random() < 0.1 ? 'Follow-up of a referral' : null,
    details: search ? { criteria: ['family_name', 'date_of_birth'], results: Math.floor(random() * 20), fuzzy: random() < 0.5 } : { fields: ['summary', 'involvements'] },
    clientIp: `192.0.2.${i % 250}`, requestId: `bench-${i}`,
  }
}

class Rollback extends Error {}

const loadAtStart = loadavg()[0] as number
const dir = await mkdtemp(join(tmpdir(), 'contactpoint-bench-audit-'))
const handle = await openDatabase({ kind: 'pglite', dataDir: join(dir, 'data') })
try {
  await migrateToLatest(handle.db)
  const audit = new AuditRepository(handle.db)
  const store = new CheckpointStore(join(dir, 'checkpoints'))
  const signer = signerFromPrivateKey(generateKeyPairSync('ed25519').privateKey)
  const writer = new CheckpointWriter(audit, store, signer)
  const gaps: string[] = []
  let checkpointMs = 0
  let checkpoints = 0
  const afterEach = async (i: number): Promise<void> => {
    if (i % GAP_EVERY === 0) {
      // A business action that failed after auditing leaves a seq number unused.
      await handle.db.transaction().execute(async (trx) => {
        gaps.push((await audit.append(syntheticEvent(i), trx)).seq)
        throw new Rollback()
      }).catch((error: unknown) => { if (!(error instanceof Rollback)) throw error })
    }
    if (i % CHECKPOINT_EVERY === 0 || i === total) {
      const started = performance.now()
      await writer.write()
      checkpointMs += performance.now() - started
      checkpoints++
    }
  }

  // 1. Appends one event per transaction: what a request does.
  let started = performance.now()
  for (let i = 1; i <= single; i++) {
    await audit.append(syntheticEvent(i))
    await afterEach(i)
    if (i % 2000 === 0) process.stderr.write(`\rappended ${n(i)} / ${n(total)}`)
  }
  const singleSeconds = (performance.now() - started) / 1000
  // 2. The rest in transactions of 1,000 (a bulk job auditing as it goes).
  started = performance.now()
  for (let i = single + 1; i <= total;) {
    const end = Math.min(i + PER_TRANSACTION - 1, total, Math.ceil(i / GAP_EVERY) * GAP_EVERY)
    await handle.db.transaction().execute(async (trx) => {
      for (let j = i; j <= end; j++) await audit.append(syntheticEvent(j), trx)
    })
    for (let j = i; j <= end; j++) if (j % GAP_EVERY === 0 || j % CHECKPOINT_EVERY === 0 || j === total) await afterEach(j)
    i = end + 1
    if (end % 10_000 === 0) process.stderr.write(`\rappended ${n(end)} / ${n(total)}`)
  }
  const batchedSeconds = (performance.now() - started) / 1000
  process.stderr.write('\n')
  const head = await audit.head()
  const stored = head ? await audit.countThrough(head.seq) : 0
  if (!head || stored !== total) throw new Error(`expected ${total} events, found ${stored}`)

  // 3. Full verification.
  const verify = async (reader: AuditRepository, options: { from?: string; through?: string; checkpoints?: boolean } = {}): Promise<AuditVerificationReport> => {
    const files = options.checkpoints === false ? [] : await store.files()
    return verifyAuditTrail({
      reader, checkpoints: store.entries(files), checkpointFiles: files, verifiers: [signer],
      ...(options.from ? { from: options.from } : {}), ...(options.through ? { through: options.through } : {}),
    })
  }
  let heapPeak = 0
  const heapBefore = process.memoryUsage().heapUsed
  const full = await verifyAuditTrail({
    reader: audit, checkpoints: store.entries(), checkpointFiles: await store.files(), verifiers: [signer],
    onProgress: () => { heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed) },
  })
  if (!full.ok || full.events !== total) throw new Error(`verification of the untouched trail failed: ${JSON.stringify(full.problems.slice(0, 3))}`)
  log(`verified ${n(full.events)} events in ${full.seconds.toFixed(1)} s`)

  // 4. Tamper trials, each rolled back.
  const kinds = ['alter actor', 'alter subject', 'alter time', 'alter details', 'alter reason', 'delete', 'insert', 'swap', 'truncate', 'rewrite'] as const
  type Kind = (typeof kinds)[number]
  const outcome = new Map<Kind, { trials: number; found: number; located: number }>(kinds.map((k) => [k, { trials: 0, found: 0, located: 0 }]))
  let chainOnlyMissed = 0
  let chainOnlyTrials = 0
  const headSeq = Number(head.seq)
  const within = (p: AuditProblem, lo: number, hi: number): boolean => Number(p.seq) <= hi && Number(p.throughSeq ?? p.seq) >= lo
  started = performance.now()
  for (let t = 0; t < trials; t++) {
    const kind = kinds[t % kinds.length] as Kind
    const candidate = kind === 'insert' ? Number(pick(gaps)) : kind === 'truncate' || kind === 'rewrite' ? headSeq - 1 - Math.floor(random() * 2000) : 2 + Math.floor(random() * (headSeq - 3))
    // The tampered event: an unused seq number for an insertion, otherwise the first event at or after the candidate.
    const seq = kind === 'insert' ? candidate : Number((await handle.db.selectFrom('audit_event').select('seq')
      .where('seq', '>=', String(candidate)).orderBy('seq').limit(1).executeTakeFirstOrThrow()).seq)
    const tamper = async (trx: Transaction<Database>): Promise<void> => {
      switch (kind) {
        case 'alter actor': await sql`UPDATE audit_event SET actor_user_id = gen_random_uuid() WHERE seq = ${seq}`.execute(trx); break
        case 'alter subject': await sql`UPDATE audit_event SET subject_id = 'CP00000000', subject_type = 'child' WHERE seq = ${seq}`.execute(trx); break
        case 'alter time': await sql`UPDATE audit_event SET occurred_at = occurred_at - interval '1 hour' WHERE seq = ${seq}`.execute(trx); break
        case 'alter details': await sql`UPDATE audit_event SET details = details || '{"results":0,"fields":[]}'::jsonb WHERE seq = ${seq}`.execute(trx); break
        case 'alter reason': await sql`UPDATE audit_event SET reason_code = 'other', reason_text = NULL WHERE seq = ${seq}`.execute(trx); break
        case 'delete': await sql`DELETE FROM audit_event WHERE seq = ${seq}`.execute(trx); break
        case 'insert': {
          const [before] = await new AuditRepository(trx).listForVerification(String(seq - 2), String(seq - 1), 1)
          if (!before) throw new Error(`no event before gap ${seq}`)
          const content = { ...chainedContentOf(before), id: crypto.randomUUID(), subjectId: 'CP00000001', requestId: 'forged' }
          await sql`INSERT INTO audit_event (seq, id, occurred_at, actor_user_id, actor_organisation_id, on_behalf_of, channel, action, outcome,
              subject_type, subject_id, reason_code, reason_text, details, client_ip, request_id, prev_hash, hash)
            OVERRIDING SYSTEM VALUE VALUES (${seq}, ${content.id}, ${content.occurredAt}, ${content.actorUserId}, ${content.actorOrganisationId},
              ${content.onBehalfOf}, ${content.channel}, ${content.action}, ${content.outcome}, ${content.subjectType}, ${content.subjectId},
              ${content.reasonCode}, ${content.reasonText}, ${JSON.stringify(content.details)}::jsonb, ${content.clientIp}, ${content.requestId},
              ${before.hash}, ${chainHash(before.hash, content)})`.execute(trx)
          break
        }
        case 'swap': {
          // The next event's content goes to this seq and this one's to the next (ids parked first: they are unique).
          const [a, b] = await new AuditRepository(trx).listForVerification(String(seq - 1), String(headSeq), 2)
          if (!a || !b) throw new Error(`no events to swap at ${seq}`)
          await sql`UPDATE audit_event SET id = gen_random_uuid() WHERE seq IN (${a.seq}, ${b.seq})`.execute(trx)
          for (const [target, from] of [[a.seq, b], [b.seq, a]] as const) {
            await sql`UPDATE audit_event SET id = ${from.id}, occurred_at = ${from.occurred_at}, actor_user_id = ${from.actor_user_id},
              actor_organisation_id = ${from.actor_organisation_id}, on_behalf_of = ${from.on_behalf_of}, channel = ${from.channel},
              action = ${from.action}, outcome = ${from.outcome}, subject_type = ${from.subject_type}, subject_id = ${from.subject_id},
              reason_code = ${from.reason_code}, reason_text = ${from.reason_text}, details = ${from.details_text}::jsonb,
              client_ip = ${from.client_ip}, request_id = ${from.request_id}, prev_hash = ${from.prev_hash}, hash = ${from.hash}
              WHERE seq = ${target}`.execute(trx)
          }
          break
        }
        case 'truncate': await sql`DELETE FROM audit_event WHERE seq >= ${seq}`.execute(trx); break
        case 'rewrite': {
          await sql`UPDATE audit_event SET subject_id = 'CP00000002' WHERE seq = ${seq}`.execute(trx)
          const rows = await new AuditRepository(trx).listForVerification(String(seq - 1), String(headSeq), 100_000)
          let [prev] = await new AuditRepository(trx).listForVerification(String(seq - 2), String(seq - 1), 1).then((r) => r.map((e) => e.hash))
          for (const r of rows) {
            const hash = chainHash(prev ?? null, chainedContentOf(r))
            await sql`UPDATE audit_event SET prev_hash = ${prev ?? null}, hash = ${hash} WHERE seq = ${r.seq}`.execute(trx)
            prev = hash
          }
          break
        }
      }
    }
    const tail = kind === 'truncate' || kind === 'rewrite'
    let report: AuditVerificationReport | undefined
    let chainOnly: AuditVerificationReport | undefined
    await handle.db.transaction().execute(async (trx) => {
      await sql`SET LOCAL session_replication_role = replica`.execute(trx)
      await tamper(trx)
      await sql`SET LOCAL session_replication_role = origin`.execute(trx)
      const reader = new AuditRepository(trx)
      report = await verify(reader, { from: String(Math.max(1, seq - 500)), ...(tail ? {} : { through: String(seq + 500) }) })
      if (tail) chainOnly = await verify(reader, { from: String(Math.max(1, seq - 500)), checkpoints: false })
      throw new Rollback()
    }).catch((error: unknown) => { if (!(error instanceof Rollback)) throw error })
    const r = report as AuditVerificationReport
    const o = outcome.get(kind) as { trials: number; found: number; located: number }
    o.trials++
    if (!r.ok) o.found++
    const located = r.problems.some((p) => {
      switch (kind) {
        case 'delete': return p.kind === 'deleted' && within(p, seq, seq)
        case 'insert': return p.kind === 'inserted' && within(p, seq, seq)
        case 'swap': return within(p, seq - 1, seq + 2)
        case 'truncate': return p.kind === 'truncated' && within(p, seq, seq)
        case 'rewrite': return p.kind === 'rewritten' && Number(p.seq) >= seq && (p.afterSeq === undefined || Number(p.afterSeq) < seq)
        default: return p.kind === 'altered' && p.seq === String(seq)
      }
    })
    if (located) o.located++
    if (chainOnly) {
      chainOnlyTrials++
      if (chainOnly.ok) chainOnlyMissed++
    }
    process.stderr.write(`\rtamper trials ${t + 1} / ${trials}`)
  }
  const trialSeconds = (performance.now() - started) / 1000
  process.stderr.write('\n')

  const appendRows: [string, string][] = [
    ['Events appended', n(total)],
    [`Append, one event per transaction (first ${n(single)})`, `${n(single / singleSeconds)} events/s`],
    ...(total > single ? [[`Append, ${n(PER_TRANSACTION)} events per transaction (the other ${n(total - single)})`, `${n((total - single) / batchedSeconds)} events/s`] as [string, string]] : []),
    ['Signed checkpoint (head, count, sign, append, fsync)', `${(checkpointMs / checkpoints).toFixed(1)} ms each, ${n(checkpoints)} written`],
    ['Full verification', `${full.seconds.toFixed(1)} s, ${n(full.eventsPerSecond)} events/s`],
    ['JS heap during verification (peak, above the start)', mb(Math.max(0, heapPeak - heapBefore))],
    ['Peak resident memory of the run (maxRSS; mostly the embedded PostgreSQL)', mb(process.resourceUsage().maxRSS * 1024)],
  ]
  const table = (rows: [string, string][]): string => ['| Measure | Value |', '| --- | ---: |', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n')
  const trialRows = [...outcome].map(([kind, o]) => `| ${kind} | ${o.trials} | ${o.found} | ${o.located} |`)
  const found = [...outcome.values()].reduce((a, o) => a + o.found, 0)
  const locatedAll = [...outcome.values()].reduce((a, o) => a + o.located, 0)
  const trialTable = ['| Tamper | Trials | Detected | At the right place |', '| --- | ---: | ---: | ---: |', ...trialRows,
    `| **all** | **${trials}** | **${found}** | **${locatedAll}** |`].join('\n')
  console.log(table(appendRows))
  console.log()
  console.log(trialTable)
  console.log(`Chain alone (no checkpoints), truncation and consistent rewrite: ${chainOnlyMissed} of ${chainOnlyTrials} passed unnoticed.`)
  if (!values['no-record']) {
    await writeBenchmarkSection('audit', `## Audit trail: appends, verification and tamper detection\n\n` +
      `\`npm run bench:audit\` appends ${n(total)} synthetic audit events to a new embedded store on disk (PGlite), with a signed ` +
      `checkpoint every ${n(CHECKPOINT_EVERY)} events and one unused seq number (a rolled-back transaction) every ${n(GAP_EVERY)}, ` +
      `then verifies the whole trail as \`contactpoint audit verify\` does.\n\n${table(appendRows)}\n\n` +
      `Then ${n(trials)} random single tampers, made as a database superuser would (triggers bypassed), each rolled back after ` +
      `a verification of the 500 events either side (to the end of the trail for truncation and rewrite) — ${trialSeconds.toFixed(0)} s in all. ` +
      `"At the right place" means the report names the tampered seq (for a rewrite: between the last agreeing checkpoint and the first disagreeing one).\n\n${trialTable}\n\n` +
      `Without the checkpoint files, ${chainOnlyMissed} of ${chainOnlyTrials} truncations and consistent rewrites passed verification of the chain alone: ` +
      `the reason checkpoints are signed and kept outside the database.\n\nMachine: ${machineFacts()} Load average (1 min) at the start ${loadAtStart.toFixed(1)}, at the end ${(loadavg()[0] as number).toFixed(1)}: ` +
      'the machine is shared, so rates vary from run to run.')
  }
} finally {
  await handle.close()
  await rm(dir, { recursive: true, force: true })
}
