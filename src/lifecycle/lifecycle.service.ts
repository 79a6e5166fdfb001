// The lifecycle job: applies the record-lifecycle rules as of a date, idempotently, and reports what
// it did in counts only. One run is one transaction holding the lifecycle lock, so a run is applied
// whole or not at all, two runs never interleave, and a second run as of the same date finds
// nothing to do. A dry run does the same work and rolls it back, so what it reports is exactly what
// a real run would do. Every change is audited: one event per record archived, deleted or
// transferred (the ContactPoint ID and the rule, never a name, date of birth or address) and one
// event for the run with its counts.
import type { Transaction } from 'kysely'
import { ARCHIVE_RULES, archiveDue, deleteDueOn, londonDate, type ArchiveRule } from '../children/lifecycle.ts'
import type { AuditChannel, Database } from '../db/schema.ts'
import { AppError } from '../errors.ts'
import type { AuditRepository, NewAuditEvent } from '../governance/audit.repository.ts'
import type { Clock } from '../system/clock.ts'
import type { SystemStateRepository } from '../system/state.repository.ts'
import type { LifecycleRepository } from './lifecycle.repository.ts'
import { publishChange } from '../notifications/notification.repository.ts'

export interface LifecycleReport {
  readonly asOf: string
  readonly dryRun: boolean
  /** Records archived, by the rule that archived them. */
  readonly archived: Readonly<Record<ArchiveRule, number>>
  readonly deleted: {
    /** Archived records deleted six years after archiving. */
    readonly records: number
    /** Merged records deleted with the record that replaced them. */
    readonly mergedRecords: number
    /** Source records that supplied only deleted records. */
    readonly sourceRecords: number
  }
  /** Live records moved to the authority of their current address's postcode district. */
  readonly transferred: number
  /** Records that left England and now have a start date for their window. */
  readonly leftEnglandNoted: number
  /** Records no longer marked as having left England, whose window was cleared. */
  readonly returnedToEngland: number
  /** Postcode districts in the map (no transfers happen while it is empty). */
  readonly districtsMapped: number
}

export interface RunOptions {
  readonly asOf: string
  readonly dryRun?: boolean
  /** 'cli' for `contactpoint lifecycle run`, 'system' for the daily schedule. */
  readonly channel?: AuditChannel
}

const LAST_RUN_KEY = 'lifecycle.last_run'

interface LastRun {
  readonly asOf: string
  readonly at: string
}

/** Thrown inside the transaction to roll a dry run back, carrying its report out. */
class DryRunRollback extends Error {
  readonly report: LifecycleReport
  constructor(report: LifecycleReport) {
    super('dry run')
    this.report = report
  }
}

export class LifecycleService {
  readonly #repository: LifecycleRepository
  readonly #audit: AuditRepository
  readonly #state: SystemStateRepository
  readonly #clock: Clock

  constructor(d: { repository: LifecycleRepository; audit: AuditRepository; state: SystemStateRepository; clock: Clock }) {
    this.#repository = d.repository
    this.#audit = d.audit
    this.#state = d.state
    this.#clock = d.clock
  }

  /** Today in England, the date a scheduled run applies the rules as of. */
  today(): string {
    return londonDate(this.#clock.now())
  }

  /**
   * Applies every rule as of `asOf`. A real run may not look ahead (that would archive children before
   * their birthday); a dry run may, to show what is coming.
   */
  async run(options: RunOptions): Promise<LifecycleReport> {
    const dryRun = options.dryRun ?? false
    if (!dryRun && options.asOf > this.today()) {
      throw new AppError('validation_failed', `A run cannot be as of a date after today (${this.today()}): use --dry-run to see what is coming`)
    }
    return await this.#locked(options.asOf, dryRun, options.channel ?? 'cli', false) as LifecycleReport
  }

  /**
   * The scheduled run: as of today, unless a run as of today (or later) has already been applied —
   * checked under the lock, so of several processes that wake at once exactly one runs. Null when skipped.
   */
  async runDaily(): Promise<LifecycleReport | null> {
    const asOf = this.today()
    const last = await this.#state.get<LastRun>(LAST_RUN_KEY)
    if (last && last.asOf >= asOf) return null
    return this.#locked(asOf, false, 'system', true)
  }

  async #locked(asOf: string, dryRun: boolean, channel: AuditChannel, skipIfDone: boolean): Promise<LifecycleReport | null> {
    try {
      return await this.#repository.inLockedTransaction(async (trx) => {
        if (skipIfDone) {
          const last = await this.#state.get<LastRun>(LAST_RUN_KEY, trx)
          if (last && last.asOf >= asOf) return null
        }
        const report = await this.#apply(trx, asOf, dryRun, channel)
        if (dryRun) throw new DryRunRollback(report)
        return report
      })
    } catch (error) {
      if (error instanceof DryRunRollback) return error.report
      throw error
    }
  }

  async lastRun(): Promise<LastRun | undefined> {
    return this.#state.get<LastRun>(LAST_RUN_KEY)
  }

  async #apply(trx: Transaction<Database>, asOf: string, dryRun: boolean, channel: AuditChannel): Promise<LifecycleReport> {
    const now = this.#clock.now()
    const repo = this.#repository
    const events: NewAuditEvent[] = []
    const event = (e: Omit<NewAuditEvent, 'channel' | 'outcome' | 'occurredAt'>): void => {
      events.push({ channel, outcome: 'success', occurredAt: now, ...e })
    }

    const returnedToEngland = await repo.clearReturnedToEngland(trx)
    const leftEnglandNoted = await repo.noteLeftEngland(asOf, trx)

    // Deletion first: it reads only records archived by earlier runs (six years ago at the least).
    const deletion = await repo.deleteDue(asOf, trx)
    for (const record of deletion.records) {
      event({
        action: 'child.delete', subjectType: 'child', subjectId: record.contactpointId,
        reasonCode: record.merged ? 'merged_into_deleted_record' : 'retention_ended', details: { asOf, archivedOn: record.archivedOn },
      })
    }

    const archived = Object.fromEntries(ARCHIVE_RULES.map((r) => [r, 0])) as Record<ArchiveRule, number>
    const due = (await repo.archiveCandidates(asOf, trx)).map((c) => ({
      candidate: c,
      due: archiveDue({
        dateOfBirth: c.date_of_birth, dateOfDeath: c.date_of_death, retentionExtendedTo: c.retention_extended_to,
        addressStatus: c.address_status, returnIntent: c.return_intent, leftEnglandOn: c.left_england_on,
      }),
    })).filter((d) => d.due.on <= asOf)
    const deleteOn = deleteDueOn(asOf)
    const done = await repo.archive(due.map((d) => d.candidate.id), now, deleteOn, trx)
    for (const { candidate, due: { rule } } of due) {
      if (!done.has(candidate.id)) continue
      archived[rule] += 1
      event({ action: 'child.archive', subjectType: 'child', subjectId: candidate.contactpoint_id, reasonCode: rule, details: { asOf, deleteDueOn: deleteOn } })
      await publishChange(trx, { type: 'child.archived', childId: candidate.id, contactPointId: candidate.contactpoint_id, occurredAt: now })
    }

    const transfers = await repo.transferByCurrentAddress(now, trx)
    for (const t of transfers) {
      event({
        action: 'child.transfer', subjectType: 'child', subjectId: t.contactpointId, reasonCode: 'moved_into_authority',
        details: { asOf, from: t.fromAuthorityCode, to: t.toAuthorityCode },
      })
    }

    const report: LifecycleReport = {
      asOf, dryRun, archived,
      deleted: {
        records: deletion.records.filter((r) => !r.merged).length,
        mergedRecords: deletion.records.filter((r) => r.merged).length,
        sourceRecords: deletion.sourceRecords,
      },
      transferred: transfers.length, leftEnglandNoted, returnedToEngland, districtsMapped: await repo.countDistricts(trx),
    }
    if (dryRun) return report

    // Audit last: appending holds the audit chain's lock until commit, so hold it for as short a time as possible.
    await this.#state.set(LAST_RUN_KEY, { asOf, at: now.toISOString() } satisfies LastRun, trx)
    event({ action: 'lifecycle.run', subjectType: 'lifecycle', subjectId: asOf, details: { ...report } })
    for (const e of events) await this.#audit.append(e, trx)
    return report
  }
}

/** The report in words for an operator; counts only. */
export function formatLifecycleReport(report: LifecycleReport): string {
  const n = (value: number): string => value.toLocaleString('en-GB')
  const archivedTotal = ARCHIVE_RULES.reduce((sum, r) => sum + report.archived[r], 0)
  const lines = [
    `Record lifecycle as of ${report.asOf}${report.dryRun ? ' — DRY RUN: nothing was changed; a run would do this:' : ':'}`,
    '',
    `  Archived                                 ${n(archivedTotal)}`,
    `    reached 18                             ${n(report.archived.age)}`,
    `    reached the extended age (consent)     ${n(report.archived.extended_age)}`,
    `    a year after death                     ${n(report.archived.death)}`,
    `    left England, window ended             ${n(report.archived.left_england)}`,
    `  Deleted (six years after archiving)      ${n(report.deleted.records)}`,
    `    merged records deleted with them       ${n(report.deleted.mergedRecords)}`,
    `    source records that supplied only them ${n(report.deleted.sourceRecords)}`,
    `  Transferred to another authority         ${n(report.transferred)}`,
    `  Left England: window started             ${n(report.leftEnglandNoted)}`,
    `  Back in England: window cleared          ${n(report.returnedToEngland)}`,
    '',
    report.districtsMapped === 0
      ? 'No postcode districts are mapped to authorities, so no transfers can happen: load the map with "contactpoint lifecycle districts FILE".'
      : `Postcode districts mapped to authorities: ${n(report.districtsMapped)}.`,
  ]
  return `${lines.join('\n')}\n`
}
