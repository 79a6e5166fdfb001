import type { Command } from 'commander'
import { DEMO_PASSWORD, DEMO_USERS } from '../demo/demo-users.ts'
import { DemoLoader } from '../demo/demo-loader.ts'
import { wholeNumber } from './options.ts'
import { progressReporter } from './progress.ts'
import { fail, withRuntime } from './runtime.ts'

export function registerDemoCommand(program: Command): void {
  const demo = program.command('demo').description('The demo local authority: synthetic children, organisations and users for trying ContactPoint.')

  demo.command('load')
    .description('Load the demo local authority into an empty, migrated store, or finish a load that was interrupted.')
    .option('--children <n>', 'number of children (default DEMO_CHILDREN, 20000)', wholeNumber(100, 1_000_000))
    .option('--seed <n>', 'seed of the synthetic population (default DEMO_SEED, 1)', wholeNumber(0, 2 ** 31 - 1))
    .action((options: { children?: number; seed?: number }) => withRuntime(async ({ config, database }) => {
      const loader = new DemoLoader(database)
      const unfinished = await loader.unfinished()
      if (unfinished) console.error(`Resuming an interrupted demo load: ${unfinished.childrenLoaded} of ${unfinished.children} children already loaded.`)
      else if (!await loader.isEmpty()) fail('the store already holds children: the demo loads only into an empty store')
      const summary = await loader.load({
        children: options.children ?? config.demo.children, seed: options.seed ?? config.demo.seed, onProgress: progressReporter('children'),
      })
      console.log(JSON.stringify(summary, null, 2))
    }))

  demo.command('users')
    .description('List the demo users and what each can do.')
    .action(() => {
      console.log(`Password for every demo user: ${DEMO_PASSWORD}`)
      for (const user of DEMO_USERS) console.log(`${user.username.padEnd(28)} ${user.description}`)
    })
}
