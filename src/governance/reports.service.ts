// Management information (the monthly highlight report, per authority and nationally) and the
// workforce readiness report (per authority and agency). Counts only — no child is named — and
// each report produced is audited. The web asks the policy (report.authority / report.national);
// the CLI is the operator on the server and is recorded as such.
import type { CoverageRepository } from '../lifecycle/coverage.repository.ts'
import { AppError } from '../errors.ts'
import type { UserWithRoles } from '../people/user.repository.ts'
import type { Clock } from '../system/clock.ts'
import type { AuditRepository } from './audit.repository.ts'
import { londonDay, londonMidnight, type GovernanceContext } from './governance-access.ts'
import type { InvestigationRepository } from './investigation.repository.ts'
import type { MonitoringRepository } from './monitoring.repository.ts'
import { decide } from './policy.ts'
import type { ReportsRepository, UsageCounts, WorkforceRow } from './reports.repository.ts'

export interface MonthlyReport {
  readonly scope: { readonly authorityId: string | null; readonly name: string; readonly code: string | null }
  readonly month: string
  readonly users: { readonly active: number; readonly suspended: number; readonly invited: number; readonly registeredInPeriod: number }
  readonly usage: UsageCounts
  readonly dataQuality: { readonly children: number; readonly shielded: number; readonly openReviews: number; readonly openConflicts: number }
  readonly coverage: { readonly ofCompulsorySchoolAge: number; readonly ofSchoolAgeWithoutSchool: number; readonly withoutGp: number }
  readonly alerts: readonly { readonly rule: string; readonly raised: number; readonly closed: number }[]
  readonly overrides: { readonly made: number; readonly open: number }
}

export interface WorkforceReport {
  readonly scope: { readonly authorityId: string | null; readonly name: string }
  readonly asOf: string
  readonly rows: readonly WorkforceRow[]
}

/** Who asks for a report: a signed-in user (checked by the policy) or the operator at the CLI. */
export type ReportRequester = { readonly user: UserWithRoles; readonly context: GovernanceContext } | { readonly operator: true }

export class ReportsService {
  readonly #reports: ReportsRepository
  readonly #coverage: CoverageRepository
  readonly #monitoring: MonitoringRepository
  readonly #investigations: InvestigationRepository
  readonly #audit: AuditRepository
  readonly #clock: Clock

  constructor(d: { reports: ReportsRepository; coverage: CoverageRepository; monitoring: MonitoringRepository; investigations: InvestigationRepository; audit: AuditRepository; clock: Clock }) {
    this.#reports = d.reports
    this.#coverage = d.coverage
    this.#monitoring = d.monitoring
    this.#investigations = d.investigations
    this.#audit = d.audit
    this.#clock = d.clock
  }

  /** The authority a user's reports are about by default (their authority role's), or null for the national team. */
  defaultScope(user: UserWithRoles): string | null {
    if (decide(user, 'report.national', { authorityId: null }).allowed) return null
    const own = user.roles.find((r) => r.authorityId !== null && decide(user, 'report.authority', { authorityId: r.authorityId }).allowed)
    if (!own) throw new AppError('forbidden', 'Your account does not see reports')
    return own.authorityId
  }

  async authorities() {
    return this.#reports.authorities()
  }

  async monthly(requester: ReportRequester, authority: string | null, month: string = londonDay(this.#clock.now()).slice(0, 7)): Promise<MonthlyReport> {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new AppError('validation_failed', `"${month}" is not a month (YYYY-MM)`)
    const scope = await this.#scope(requester, authority, 'report.monthly', { month })
    const from = londonMidnight(`${month}-01`)
    const [y, m] = month.split('-').map(Number) as [number, number]
    const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`
    const to = londonMidnight(`${next}-01`)
    const asOf = to.getTime() > this.#clock.now().getTime() ? londonDay(this.#clock.now()) : londonDay(new Date(to.getTime() - 1))
    const authorityIds = scope.authorityId === null ? (await this.#reports.authorities()).map((a) => a.id) : [scope.authorityId]
    const coverage = { ofCompulsorySchoolAge: 0, ofSchoolAgeWithoutSchool: 0, withoutGp: 0 }
    for (const id of authorityIds) {
      const c = await this.#coverage.counts(id, asOf)
      coverage.ofCompulsorySchoolAge += c.ofCompulsorySchoolAge
      coverage.ofSchoolAgeWithoutSchool += c.ofSchoolAgeWithoutSchool
      coverage.withoutGp += c.withoutGp
    }
    return {
      scope, month,
      users: await this.#reports.users(scope.authorityId, from, to),
      usage: await this.#reports.usage(scope.authorityId, from, to),
      dataQuality: await this.#reports.dataQuality(scope.authorityId),
      coverage,
      alerts: await this.#monitoring.countByRule(scope.authorityId, from, to),
      overrides: await this.#investigations.counts(scope.authorityId, from, to),
    }
  }

  async workforce(requester: ReportRequester, authority: string | null): Promise<WorkforceReport> {
    const scope = await this.#scope(requester, authority, 'report.workforce', {})
    const asOf = londonDay(this.#clock.now())
    return { scope, asOf, rows: await this.#reports.workforce(scope.authorityId, asOf) }
  }

  async setPotentialUsers(organisationCode: string, potential: number | null): Promise<{ name: string }> {
    const organisation = await this.#reports.organisationByCode(organisationCode)
    if (!organisation) throw new AppError('not_found', `No organisation with the code "${organisationCode}"`)
    await this.#reports.setPotentialUsers(organisation.id, potential)
    await this.#audit.append({ channel: 'cli', action: 'organisation.set_potential_users', outcome: 'success', subjectType: 'organisation', subjectId: organisation.id, details: { potential }, occurredAt: this.#clock.now() })
    return { name: organisation.name }
  }

  async #scope(requester: ReportRequester, authority: string | null, action: string, details: Record<string, unknown>) {
    const found = authority === null ? null : await this.#reports.authority(authority)
    if (authority !== null && !found) {
      if ('operator' in requester) throw new AppError('not_found', `No local authority with the code or LA number "${authority}"`)
    }
    const authorityId = found?.id ?? null
    const allowed = 'operator' in requester ||
      (authority === null ? decide(requester.user, 'report.national', { authorityId: null }).allowed : found !== null && found !== undefined && decide(requester.user, 'report.authority', { authorityId }).allowed)
    await this.#audit.append({
      channel: 'operator' in requester ? 'cli' : requester.context.channel ?? 'web', action, outcome: allowed ? 'success' : 'denied',
      actorUserId: 'user' in requester ? requester.user.id : null, actorOrganisationId: 'user' in requester ? requester.user.organisation_id : null,
      subjectType: 'organisation', subjectId: authorityId, details,
      clientIp: 'user' in requester ? requester.context.clientIp : null, requestId: 'user' in requester ? requester.context.requestId : null, occurredAt: this.#clock.now(),
    })
    if (!allowed) throw new AppError('forbidden', 'You cannot see reports for this scope')
    return { authorityId, name: found?.name ?? 'England (all authorities)', code: found?.code ?? null }
  }
}

const csvCell = (value: string | number | null): string => {
  const text = value === null ? '' : String(value)
  // A leading = + - @ would be a formula in a spreadsheet: quote it with an apostrophe.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text
  return /[",\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}
export const toCsv = (rows: readonly (readonly (string | number | null)[])[]): string => `${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`

export function monthlyCsv(report: MonthlyReport): string {
  const rows: (string | number | null)[][] = [['section', 'measure', 'value']]
  const add = (section: string, values: Record<string, number>) => {
    for (const [k, v] of Object.entries(values)) rows.push([section, k, v])
  }
  rows.push(['scope', 'authority', report.scope.name], ['scope', 'month', report.month])
  add('users', report.users)
  const { daily, ...usage } = report.usage
  add('usage', usage)
  add('data_quality', report.dataQuality)
  add('coverage', report.coverage)
  for (const a of report.alerts) rows.push(['alerts_raised', a.rule, a.raised], ['alerts_closed', a.rule, a.closed])
  add('shield_overrides', report.overrides)
  for (const d of daily) rows.push(['daily_searches', d.day, d.searches], ['daily_views', d.day, d.views])
  return toCsv(rows)
}

export const WORKFORCE_COLUMNS = ['authority', 'agency', 'organisations', 'potential_users', 'registered', 'active', 'suspended', 'dbs_valid',
  'dbs_lapsing_90_days', 'dbs_lapsed_or_missing', 'trained', 'agreement_signed', 'channel_web', 'channel_cms', 'channel_both'] as const

export function workforceCsv(report: WorkforceReport): string {
  return toCsv([[...WORKFORCE_COLUMNS], ...report.rows.map((r) => [r.authority_name ?? 'National', r.kind, r.organisations, r.potential, r.registered, r.active,
    r.suspended, r.dbs_valid, r.dbs_due, r.dbs_lapsed, r.trained, r.agreement, r.web, r.cms, r.both])])
}
