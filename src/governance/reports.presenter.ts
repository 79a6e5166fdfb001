// The reports as pages: summary figures, and charts as SVG bars drawn from numbers (no script, no
// inline style, so the strict CSP holds), each chart paired with a table of the same figures that
// is what assistive technology reads (the SVG is hidden from it).
import { formatDate, humanise } from '../web/format.ts'
import type { MonthlyReport, WorkforceReport } from './reports.service.ts'

export interface BarChart {
  readonly id: string
  readonly caption: string
  readonly height: number
  readonly bars: readonly { readonly label: string; readonly value: number; readonly valueText: string; readonly width: number; readonly y: number; readonly series: number }[]
  readonly legend: readonly string[]
}

const LABEL_WIDTH = 190
const BAR_AREA = 330
const ROW = 22
const n = (value: number): string => value.toLocaleString('en-GB')

/** Bars for rows of one or more series (several series are drawn as thinner bars under one label). */
export function barChart(id: string, caption: string, rows: readonly { label: string; values: readonly number[] }[], legend: readonly string[] = []): BarChart {
  const max = Math.max(1, ...rows.flatMap((r) => r.values))
  const series = Math.max(1, ...rows.map((r) => r.values.length))
  const bars: BarChart['bars'][number][] = []
  rows.forEach((row, i) => {
    row.values.forEach((value, s) => {
      bars.push({ label: s === 0 ? row.label : '', value, valueText: n(value), width: Math.max(value > 0 ? 1 : 0, Math.round((value / max) * BAR_AREA)),
        y: i * ROW * series + s * ROW, series: s })
    })
  })
  return { id, caption, height: rows.length * ROW * series + 4, bars, legend }
}

export const CHART_GEOMETRY = { labelWidth: LABEL_WIDTH, barArea: BAR_AREA, width: LABEL_WIDTH + BAR_AREA + 70, barHeight: ROW - 6 }

export function presentMonthly(report: MonthlyReport) {
  const u = report.usage
  const rules = ['volume', 'own_surname', 'own_street', 'views_without_involvement', 'out_of_area', 'shielded_access', 'unusual_hours']
  const alerts = rules.map((rule) => {
    const found = report.alerts.find((a) => a.rule === rule)
    return { rule, raised: found?.raised ?? 0, closed: found?.closed ?? 0 }
  })
  return {
    scope: report.scope.name,
    month: report.month,
    summary: [
      ['Active user accounts', n(report.users.active)], ['Accounts registered this month', n(report.users.registeredInPeriod)],
      ['Suspended accounts', n(report.users.suspended)], ['Invited, not yet enrolled', n(report.users.invited)],
      ['Users who searched or viewed', n(u.activeUsers)], ['Sign-ins', n(u.signIns)], ['Searches', n(u.searches)], ['Records viewed', n(u.views)],
      ['Of which shielded (restricted) views', n(u.restrictedViews)], ['Refused requests', n(u.denied)],
    ].map(([key, value]) => ({ key: { text: key }, value: { text: value } })),
    quality: [
      ['Live children', n(report.dataQuality.children)], ['Shielded children', n(report.dataQuality.shielded)],
      ['Possible matches waiting for review', n(report.dataQuality.openReviews)], ['Conflicting details waiting', n(report.dataQuality.openConflicts)],
      ['Errors reported by practitioners this month', n(u.errorReports)],
      ['Children of school age with no school place', n(report.coverage.ofSchoolAgeWithoutSchool)], ['Children with no GP practice', n(report.coverage.withoutGp)],
      ['Shield overrides this month', n(report.overrides.made)], ['Of which still being investigated', n(report.overrides.open)],
    ].map(([key, value]) => ({ key: { text: key }, value: { text: value } })),
    daily: barChart('daily', 'Searches and records viewed each day', u.daily.map((d) => ({ label: formatDate(d.day), values: [d.searches, d.views] })), ['Searches', 'Records viewed']),
    dailyRows: u.daily.map((d) => [{ text: formatDate(d.day) }, { text: n(d.searches), format: 'numeric' }, { text: n(d.views), format: 'numeric' }]),
    alerts: barChart('alerts', 'Monitoring alerts raised, by rule', alerts.map((a) => ({ label: humanise(a.rule), values: [a.raised] }))),
    alertRows: alerts.map((a) => [{ text: humanise(a.rule) }, { text: n(a.raised), format: 'numeric' }, { text: n(a.closed), format: 'numeric' }]),
  }
}

export function presentWorkforce(report: WorkforceReport) {
  const label = (r: WorkforceReport['rows'][number]) => `${r.authority_name ?? 'National'}: ${humanise(r.kind)}`
  const pct = (part: number, whole: number | null) => (whole ? `${Math.round((100 * part) / whole)}%` : '–')
  return {
    scope: report.scope.name,
    asOf: formatDate(report.asOf),
    readiness: barChart('readiness', 'Registered users against the potential users of each agency', report.rows.map((r) => ({ label: label(r), values: [r.potential ?? 0, r.registered] })), ['Potential users', 'Registered']),
    vetting: barChart('vetting', 'DBS checks of registered users', report.rows.map((r) => ({ label: label(r), values: [r.dbs_valid, r.dbs_due, r.dbs_lapsed] })), ['Valid', 'Lapsing within 90 days', 'Lapsed or missing']),
    rows: report.rows.map((r) => [
      { text: r.authority_name ?? 'National' }, { text: humanise(r.kind) }, { text: r.potential === null ? 'Not estimated' : n(r.potential), format: 'numeric' },
      { text: n(r.registered), format: 'numeric' }, { text: pct(r.registered, r.potential), format: 'numeric' }, { text: n(r.active), format: 'numeric' },
      { text: n(r.suspended), format: 'numeric' }, { text: `${n(r.dbs_valid)} / ${n(r.dbs_due)} / ${n(r.dbs_lapsed)}`, format: 'numeric' },
      { text: n(r.trained), format: 'numeric' }, { text: n(r.agreement), format: 'numeric' }, { text: `${n(r.web)} / ${n(r.cms)} / ${n(r.both)}`, format: 'numeric' },
    ]),
  }
}
