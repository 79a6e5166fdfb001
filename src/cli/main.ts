// `contactpoint` — one command over the same services as the web app.
import { Command } from 'commander'
import { registerServeCommands } from './serve.command.ts'
import { registerMigrateCommand } from './migrate.command.ts'
import { registerDemoCommand } from './demo.command.ts'
import { registerGenerateCommand } from '../synthetic/generate.command.ts'
import { registerUsersCommand } from '../people/users.command.ts'
import { registerLinkCommand } from '../linkage/link.command.ts'
import { registerAuditCommand } from '../governance/audit.command.ts'
import { registerGovernanceCommands } from '../governance/governance.command.ts'
import { registerFeedCommand } from '../feeds/feed.command.ts'
import { registerReviewCommand } from '../feeds/review.command.ts'
import { registerLifecycleCommands } from '../lifecycle/lifecycle.command.ts'
import { registerApiClientsCommand } from '../api/api-clients.command.ts'

const program = new Command()
  .name('contactpoint')
  .description('ContactPoint: a national index of children in England and the practitioners working with them.\nConfiguration comes from environment variables (see README.md); DATABASE_URL selects a PostgreSQL server instead of the embedded store.')
  .showHelpAfterError('(run with --help for usage)')
  .configureOutput({ outputError: (text, write) => write(`contactpoint: ${text.replace(/^error: /, '')}`) })

registerServeCommands(program)
registerMigrateCommand(program)
registerDemoCommand(program)
registerGenerateCommand(program)
registerUsersCommand(program)
registerLinkCommand(program)
registerAuditCommand(program)
registerFeedCommand(program)
registerReviewCommand(program)
registerLifecycleCommands(program)
registerGovernanceCommands(program)
registerApiClientsCommand(program)

await program.parseAsync(process.argv)

