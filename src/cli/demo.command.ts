import type { Command } from 'commander'
import { pendingMigrations } from '../db/migrate.ts'
import { DEMO_PASSWORD, DEMO_USERS, demoTotpSecret, isDemoPerson } from '../demo/demo-users.ts'
import { totpAt } from '../people/totp.ts'
import { DemoLoader } from '../demo/demo-loader.ts'
import { wholeNumber } from './options.ts'
import { progressReporter } from './progress.ts'
import { fail, readConfigOrExit, withRuntime } from './runtime.ts'

export function registerDemoCommand(program: Command): void {
  const demo = program.command('demo').description('The demo local authority: synthetic children, organisations and users for trying ContactPoint.')

  demo.command('load')
    .description('Load the demo local authority into an empty, migrated store, or finish a load that was interrupted.')
    .option('--children <n>', 'number of children (default DEMO_CHILDREN, 20000)', wholeNumber(100, 1_000_000))
    .option('--seed <n>', 'seed of the synthetic population (default DEMO_SEED, 1)', wholeNumber(0, 2 ** 31 - 1))
    .action((options: { children?: number; seed?: number }) => withRuntime(async ({ config, database }) => {
      const pending = await pendingMigrations(database.db)
      if (pending.length) fail(`the store has ${pending.length} pending migration(s): run "npx contactpoint migrate" first`)
      const loader = new DemoLoader(database, config.dataEncryptionKey)
      const unfinished = await loader.unfinished()
      if (unfinished) console.error(`Resuming an interrupted demo load: ${unfinished.childrenLoaded} of ${unfinished.children} children already loaded.`)
      else if (!await loader.isEmpty()) fail('the store already holds children: the demo loads only into an empty store')
      const summary = await loader.load({
        children: options.children ?? config.demo.children, seed: options.seed ?? config.demo.seed, onProgress: progressReporter('children'),
      })
      console.log(JSON.stringify(summary, null, 2))
    }))

  demo.command('code')
    .description('Print the current authenticator code of a demo user, so you can sign in without an app. Works while the service runs.')
    .argument('<username>', 'a demo user, for example demo.teacher')
    .action((username: string) => {
      const config = readConfigOrExit()
      if (!isDemoPerson(username)) fail(`${username} is not a demo user who signs in on the web (see: npx contactpoint demo users)`)
      console.log(totpAt(demoTotpSecret(username, config.demo.seed), new Date()))
    })

  demo.command('users')
    .description('List the demo users and what each can do.')
    .action(() => {
      console.log(`Password for every demo user: ${DEMO_PASSWORD}`)
      console.log('Second factor: the code printed by "npx contactpoint demo code USERNAME" (it changes every 30 seconds).')
      for (const user of DEMO_USERS) console.log(`${user.username.padEnd(28)} ${user.description}`)
    })
}
