// The verification report as an operator or information governance lead reads it.
import type { AuditProblemKind, AuditVerificationReport } from './audit-verify.ts'

const LABELS: Record<AuditProblemKind, string> = {
  altered: 'ALTERED',
  deleted: 'DELETED',
  inserted: 'INSERTED',
  broken_link: 'BROKEN LINK',
  truncated: 'TRUNCATED',
  rewritten: 'REWRITTEN',
  count_changed: 'COUNT CHANGED',
  checkpoint_event_missing: 'DELETED',
  checkpoint_forged: 'FORGED CHECKPOINT',
  checkpoint_unknown_key: 'UNKNOWN KEY',
  checkpoint_unreadable: 'BAD CHECKPOINT',
}

const n = (value: number): string => value.toLocaleString('en-GB')
const plural = (value: number, one: string, many = `${one}s`): string => `${n(value)} ${value === 1 ? one : many}`

export function formatVerificationReport(report: AuditVerificationReport, context: { store: string; checkpointDir: string; maxProblems?: number }): string {
  const lines: string[] = []
  const { checkpoints: cps } = report
  lines.push(`Audit trail: ${context.store}`)
  lines.push(`Checkpoints: ${context.checkpointDir} (${plural(cps.files.length, 'file')})`)
  lines.push('')
  const range = report.firstSeq === null ? '' : `, seq ${report.firstSeq} to ${report.lastSeq},`
  const from = report.from === null ? '' : ` from seq ${report.from} (events before it were taken as verified)`
  lines.push(`Checked ${plural(report.events, 'event')}${range}${from} in ${report.seconds.toFixed(1)} s (${n(Math.round(report.eventsPerSecond))} events a second).`)
  if (report.unusedSeqNumbers > 0) {
    lines.push(`  ${plural(report.unusedSeqNumbers, 'seq number was', 'seq numbers were')} never used (transactions that were rolled back); the chain is unbroken across them.`)
  }
  const latest = cps.latest ? ` Newest: seq ${cps.latest.seq} (${plural(cps.latest.count, 'event')}), made ${cps.latest.at}.` : ''
  const only = cps.signatureOnly > 0 ? ` ${n(cps.signatureOnly)} before seq ${report.from} had their signature checked only.` : ''
  lines.push(`Checked ${plural(cps.total, 'checkpoint')}: ${n(cps.valid)} correctly signed, ${n(cps.matched)} ${cps.matched === 1 ? 'agrees' : 'agree'} with the trail.${only}${latest}`)
  for (const warning of report.warnings) lines.push(`Warning: ${warning}`)
  lines.push('')
  if (report.ok) {
    lines.push('INTACT: every event\'s hash, every link and every checkpoint agrees.')
    return `${lines.join('\n')}\n`
  }
  const count = report.problems.length + report.problemsOmitted
  lines.push(`NOT INTACT: ${plural(count, 'problem')} found.`)
  const shown = report.problems.slice(0, context.maxProblems ?? 50)
  const width = Math.max(...shown.map((p) => LABELS[p.kind].length))
  for (const problem of shown) lines.push(`  ${LABELS[problem.kind].padEnd(width)}  ${problem.message}`)
  const hidden = count - shown.length
  if (hidden > 0) {
    const byKind = Object.entries(report.problemCounts).map(([kind, c]) => `${c} ${kind}`).join(', ')
    lines.push(`  … and ${n(hidden)} more (${byKind} in all; --json lists up to ${n(report.problems.length)}).`)
  }
  lines.push('')
  lines.push('Keep this report and the checkpoint files, change nothing in the store, and follow "If verification fails" in docs/governance.md.')
  return `${lines.join('\n')}\n`
}
