// `contactpoint review …`: the data-quality queue from the command line, for the same people and
// under the same rules as the web pages (the named user must be an active data manager of the
// authority; every step is audited under that user, channel 'cli').
import type { Command } from 'commander'
import { fail, withRuntime } from '../cli/runtime.ts'
import { formatContactPointId } from '../children/contactpoint-id.ts'
import { formatExplanation } from '../linkage/index.ts'
import type { UserWithRoles } from '../people/user.repository.ts'
import { createServices, type Services } from '../services.ts'
import { compareRows, conflictView, sideTitle } from './quality.presenter.ts'
import { dataManagerAuthority } from './quality.routes.ts'

const CONTEXT = { channel: 'cli' as const }

async function actor(services: Services, username: string): Promise<UserWithRoles> {
  const user = await services.repositories.users.findByUsername(username)
  if (!user || user.status !== 'active') fail(`no active user named ${username}`)
  return user
}

export function registerReviewCommand(program: Command): void {
  const review = program.command('review').description('The data-quality queue: possible matches, merges and splits, sources that disagree (see docs/data-quality.md).')
  const as = '--as <username>'
  const asHelp = 'the data manager doing this (it is audited under their name)'

  const withServices = <A extends unknown[]>(run: (services: Services, ...args: A) => Promise<void>) => (...args: A) => withRuntime(async ({ config, database }) => {
    await run(createServices(database, { encryptionKey: config.dataEncryptionKey, feeds: config.feeds, linkage: config.linkage }), ...args)
  })

  review.command('list')
    .description('Proposals waiting for a decision or for a second person to approve a merge, oldest first.')
    .requiredOption(as, asHelp)
    .action(withServices(async (services, options: { as: string }) => {
      const user = await actor(services, options.as)
      const items = await services.review.queue(user, dataManagerAuthority(user), 500)
      for (const r of items) {
        const what = r.kind === 'record' ? `record ${r.source_code}/${r.record_id} → ${formatContactPointId(r.child_contactpoint_id)}` : `${formatContactPointId(r.child_contactpoint_id)} + ${formatContactPointId(r.other_contactpoint_id ?? '')}`
        process.stdout.write(`${r.id}  ${r.status.padEnd(17)} ${(r.match_probability * 100).toFixed(1).padStart(5)}%  ${what}  (${r.reason})\n`)
      }
      process.stdout.write(`${items.length} waiting\n`)
    }))

  review.command('show')
    .description('One proposal: both sides field by field and the engine\'s explanation.')
    .argument('<review-id>')
    .requiredOption(as, asHelp)
    .action(withServices(async (services, id: string, options: { as: string }) => {
      const detail = await services.review.detail(await actor(services, options.as), id, CONTEXT)
      const rows = compareRows(detail.left, detail.right)
      const width = Math.max(...rows.map((r) => r.left.length), sideTitle(detail.left).length)
      process.stdout.write(`${''.padEnd(22)}${sideTitle(detail.left).padEnd(width + 2)}${sideTitle(detail.right)}\n`)
      for (const r of rows) process.stdout.write(`${(r.differs ? '* ' : '  ') + r.label.padEnd(20)}${r.left.padEnd(width + 2)}${r.right}\n`)
      process.stdout.write(`\nStatus: ${detail.review.status}; ${(detail.review.match_probability * 100).toFixed(1)}% likely; ${detail.review.reason}\n`)
      if (detail.explanation) process.stdout.write(`\n${formatExplanation(detail.explanation)}\n`)
    }))

  review.command('decide')
    .description('Decide a proposal: "same" (a record joins the child; two children: propose the merge) or "different" (kept, never proposed again).')
    .argument('<review-id>')
    .argument('<verdict>', 'same or different')
    .requiredOption(as, asHelp)
    .action(withServices(async (services, id: string, verdict: string, options: { as: string }) => {
      if (verdict !== 'same' && verdict !== 'different') fail('the verdict is "same" or "different"')
      const status = await services.review.decide(await actor(services, options.as), id, verdict, CONTEXT)
      process.stdout.write(status === 'awaiting_approval' ? 'Merge proposed: a second data manager must approve it (contactpoint review approve).\n' : `Decided: ${status}.\n`)
    }))

  review.command('approve')
    .description('Approve a merge another data manager proposed: the two children become one.')
    .argument('<review-id>')
    .requiredOption(as, asHelp)
    .action(withServices(async (services, id: string, options: { as: string }) => {
      const merge = await services.review.approveMerge(await actor(services, options.as), id, CONTEXT)
      process.stdout.write(`Merged (merge ${merge.mergeId}).\n`)
    }))

  review.command('split')
    .description('Undo a merge: the merged child (by its ContactPoint ID) lives again with exactly the records that moved.')
    .argument('<contactpoint-id>')
    .requiredOption(as, asHelp)
    .action(withServices(async (services, cpId: string, options: { as: string }) => {
      await services.review.split(await actor(services, options.as), cpId.replace(/\s+/g, ''), CONTEXT)
      process.stdout.write('Split.\n')
    }))

  review.command('conflicts')
    .description('Open disagreements between sources (date of birth, gender, address status).')
    .requiredOption(as, asHelp)
    .action(withServices(async (services, options: { as: string }) => {
      const user = await actor(services, options.as)
      const items = await services.review.conflicts(user, dataManagerAuthority(user), 1000)
      for (const c of items.map(conflictView)) process.stdout.write(`${c.id}  ${c.child}  ${c.field}: ${c.values}\n`)
      process.stdout.write(`${items.length} open\n`)
    }))

  review.command('resolve-conflict')
    .description('Mark a disagreement as dealt with; it opens again only if the sources change and still disagree.')
    .argument('<conflict-id>')
    .requiredOption(as, asHelp)
    .action(withServices(async (services, id: string, options: { as: string }) => {
      await services.review.resolveConflict(await actor(services, options.as), id, CONTEXT)
      process.stdout.write('Resolved.\n')
    }))
}
