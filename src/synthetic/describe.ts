// Markdown tables of the source profiles, printed into docs/synthetic.md (a test keeps them equal).

import type { Eligibility } from './sources.ts'
import { ERROR_KINDS, SOURCE_PROFILES } from './sources.ts'

const ELIGIBILITY: Readonly<Record<Eligibility, string>> = {
  child_benefit: 'children under 16, or 16–17 in education, not in foster care',
  nhs_registered: 'children with an NHS number',
  state_pupil: 'pupils in Reception to Year 11 at state-funded schools',
  born_in_england: 'children born in England',
  recent_arrival: 'children born abroad who arrived in the last 3 years',
  service: 'children with an involvement of its services',
}

const percent = (rate: number): string => `${Number((rate * 100).toPrecision(3))}%`

export function sourcesTable(): string {
  const rows = SOURCE_PROFILES.map((p) => {
    const code = p.scope === 'national' ? `\`${p.key}\`` : `\`<authority>-${p.key}\``
    const identifiers = [p.nhsNumber ? 'NHS number' : '', p.upn ? 'UPN' : ''].filter((s) => s !== '').join(', ') || '–'
    const services = p.services.length > 0 ? p.services.map((s) => `\`${s}\``).join(', ') : '–'
    const coverage = `${percent(p.coverage)} of ${ELIGIBILITY[p.eligibility]}${p.unit === 'household' ? ' (decided per household)' : ''}`
    return `| ${code} | ${p.name} | ${coverage} | ${identifiers} | ${services} | ${p.carers} |`
  })
  return ['| Source | Name | Holds | Identifiers | Involvements | Carers |', '| --- | --- | --- | --- | --- | --- |', ...rows].join('\n')
}

export function errorRatesTable(): string {
  const header = `| Error | ${SOURCE_PROFILES.map((p) => p.key).join(' | ')} |`
  const rule = `| --- | ${SOURCE_PROFILES.map(() => '---:').join(' | ')} |`
  const rows = ERROR_KINDS.map((kind) =>
    `| \`${kind}\` | ${SOURCE_PROFILES.map((p) => (p.errors[kind] ? percent(p.errors[kind]) : '')).join(' | ')} |`)
  return [header, rule, ...rows].join('\n')
}
