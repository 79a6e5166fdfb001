// `contactpoint users …`: account tasks for the authority's ContactPoint team from the command line.
import type { Command } from 'commander'
import { createServices } from '../services.ts'
import { fail, withRuntime } from '../cli/runtime.ts'

export function registerUsersCommand(program: Command): void {
  const users = program.command('users').description('User accounts: invitations to enrol (password and second factor).')

  users.command('invite')
    .description('Create a one-time invitation (valid 7 days) for a user to set a password and enrol an authenticator app. Any existing second factors and sessions of the user end, so this also resets a lost factor. Prints the link to give the user.')
    .argument('<username>', 'the user to invite')
    .action((username: string) => withRuntime(async ({ config, database }) => {
      const services = createServices(database, { encryptionKey: config.dataEncryptionKey })
      const user = await services.repositories.users.findByUsername(username)
      if (!user) fail(`there is no user called ${username}`)
      if (user.kind !== 'person') fail(`${username} is a system account: system accounts do not sign in on the web`)
      const token = await services.signIn.invite(user.id, null, { clientIp: 'cli', requestId: `cli-${process.pid}` })
      process.stdout.write(`${config.http.publicUrl}/enrol/${token}\n`)
    }))

  users.command('check-vetting')
    .description('Suspend users whose enhanced DBS check is 3 or more years old (ending their sessions), and list those whose check lapses within 30 days so they can be warned. Safe to run daily; running twice changes nothing more.')
    .option('--as-of <date>', 'the day to apply the rules for (YYYY-MM-DD; default today)')
    .action((options: { asOf?: string }) => withRuntime(async ({ config, database }) => {
      if (options.asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(options.asOf)) fail('--as-of must be a date written YYYY-MM-DD')
      const services = createServices(database, { encryptionKey: config.dataEncryptionKey })
      const run = await services.accreditation.applyVettingRules(options.asOf)
      const lines = [
        `Vetting rules applied for ${run.asOf}: ${run.suspended.length} suspended, ${run.dueSoon.length} due within 30 days.`,
        ...run.suspended.map((u) => `suspended  ${u.username}  (DBS check ${u.dbsCheckedOn ?? 'not recorded'})`),
        ...run.dueSoon.map((u) => `due        ${u.username}  (DBS check ${u.dbsCheckedOn}, lapses ${u.lapsesOn})`),
      ]
      process.stdout.write(`${lines.join('\n')}\n`)
    }))
}
