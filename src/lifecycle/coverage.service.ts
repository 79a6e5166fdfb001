// The coverage report for one authority: how many of its live children have no current school place
// (at compulsory school age, 5 to 15) or no GP practice, and, when asked, their ContactPoint IDs —
// nothing more. Each report is audited, with the counts and whether IDs were listed.
import { isIsoDate, londonDate } from '../children/lifecycle.ts'
import type { AuditChannel } from '../db/schema.ts'
import { AppError } from '../errors.ts'
import type { AuditRepository } from '../governance/audit.repository.ts'
import type { Clock } from '../system/clock.ts'
import type { CoverageCounts, CoverageLists, CoverageRepository } from './coverage.repository.ts'

export interface CoverageReport {
  readonly authority: { readonly code: string; readonly name: string }
  readonly asOf: string
  readonly counts: CoverageCounts
  readonly lists?: CoverageLists
}

export class CoverageService {
  readonly #repository: CoverageRepository
  readonly #audit: AuditRepository
  readonly #clock: Clock

  constructor(d: { repository: CoverageRepository; audit: AuditRepository; clock: Clock }) {
    this.#repository = d.repository
    this.#audit = d.audit
    this.#clock = d.clock
  }

  async report(options: { authority: string; asOf?: string; list?: boolean; channel?: AuditChannel }): Promise<CoverageReport> {
    const asOf = options.asOf ?? londonDate(this.#clock.now())
    if (!isIsoDate(asOf)) throw new AppError('validation_failed', `"${asOf}" is not a date (YYYY-MM-DD)`)
    const authority = await this.#repository.findAuthority(options.authority)
    if (!authority) throw new AppError('not_found', `No local authority with the code or LA number "${options.authority}"`)
    const counts = await this.#repository.counts(authority.id, asOf)
    const lists = options.list ? await this.#repository.lists(authority.id, asOf) : undefined
    await this.#audit.append({
      channel: options.channel ?? 'cli', action: 'report.coverage', outcome: 'success', subjectType: 'organisation', subjectId: authority.code,
      details: { asOf, ...counts, listed: options.list ?? false }, occurredAt: this.#clock.now(),
    })
    return { authority: { code: authority.code, name: authority.name }, asOf, counts, ...(lists ? { lists } : {}) }
  }
}

export function formatCoverageReport(report: CoverageReport): string {
  const n = (value: number): string => value.toLocaleString('en-GB')
  const c = report.counts
  const lines = [
    `Coverage for ${report.authority.name} (${report.authority.code}) as of ${report.asOf}`,
    '',
    `  Live children                                   ${n(c.children)}`,
    `  Of compulsory school age (5 to 15)              ${n(c.ofCompulsorySchoolAge)}`,
    `    with no current school place                  ${n(c.ofSchoolAgeWithoutSchool)}`,
    `  With no current GP practice                     ${n(c.withoutGp)}`,
    `  Shielded children among those gaps              ${n(c.shieldedInGaps)}`,
  ]
  if (report.lists) {
    lines.push('', `No current school place (${n(report.lists.withoutSchool.length)}):`, ...report.lists.withoutSchool.map((id) => `  ${id}`))
    lines.push('', `No current GP practice (${n(report.lists.withoutGp.length)}):`, ...report.lists.withoutGp.map((id) => `  ${id}`))
  }
  return `${lines.join('\n')}\n`
}
