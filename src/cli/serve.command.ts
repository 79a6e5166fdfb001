import type { Command } from 'commander'
import { buildApp } from '../app.ts'
import { describeStore } from '../config/config.ts'
import { migrateToLatest, pendingMigrations } from '../db/migrate.ts'
import { DEMO_PASSWORD, DEMO_USERS } from '../demo/demo-users.ts'
import { DemoLoader } from '../demo/demo-loader.ts'
import { openCheckpointWriter, scheduleCheckpoints } from '../governance/checkpoint.service.ts'
import { scheduleMonitoring } from '../governance/monitoring.schedule.ts'
import { AppError } from '../errors.ts'
import { scheduleLifecycle } from '../lifecycle/lifecycle.schedule.ts'
import { fail, withRuntime, type Runtime } from './runtime.ts'
import { progressReporter } from './progress.ts'

export function registerServeCommands(program: Command): void {
  program.command('start')
    .description('Migrate the store, load the demo local authority the first time (unless DEMO_DATA=false), and serve the web service. What `npm start` runs.')
    .action(() => withRuntime(async (runtime) => {
      const { applied } = await migrateToLatest(runtime.database.db)
      if (applied.length) console.log(`Migrated the store: ${applied.join(', ')}`)
      if (runtime.config.demo.load) {
        const loader = new DemoLoader(runtime.database, runtime.config.dataEncryptionKey)
        const unfinished = await loader.unfinished()
        if (unfinished || await loader.isEmpty()) {
          console.log(unfinished
            ? `Resuming the interrupted demo load (${unfinished.childrenLoaded.toLocaleString('en-GB')} of ${unfinished.children.toLocaleString('en-GB')} children loaded)…`
            : `First start: loading the demo local authority (${runtime.config.demo.children.toLocaleString('en-GB')} synthetic children)…`)
          const summary = await loader.load({ children: runtime.config.demo.children, seed: runtime.config.demo.seed, onProgress: progressReporter('children') })
          console.log(`Demo data loaded in ${summary.seconds.toFixed(1)} s: ${summary.children.toLocaleString('en-GB')} children, ${summary.sourceRecords.toLocaleString('en-GB')} source records from ${summary.sources} sources, ${summary.involvements.toLocaleString('en-GB')} involvements, ${summary.shielded} shielded.`)
        }
      }
      await serve(runtime)
    }))

  program.command('serve')
    .description('Serve the web service on HOST:PORT against an already migrated store.')
    .action(() => withRuntime(async (runtime) => {
      const pending = await pendingMigrations(runtime.database.db)
      if (pending.length) fail(`the store has ${pending.length} pending migration(s): run "npx contactpoint migrate" first`)
      await serve(runtime)
    }))
}

async function serve({ config, logger, database }: Runtime): Promise<void> {
  const { app, services } = await buildApp({ config, database, logger })
  // The record lifecycle once a day (docs/operations.md): counts only in the log, details in the audit trail.
  const lifecycle = scheduleLifecycle(services.lifecycle, {
    onReport: (report) => logger.info({ lifecycle: report }, 'lifecycle run'),
    onError: (error) => logger.error({ err: error }, 'lifecycle run failed; it is tried again within the hour'),
  })
  app.addHook('onClose', () => lifecycle.stop())
  // Signed audit checkpoints from the service itself (the embedded store admits one process, so no
  // separate job could take them). Only counts go to the log; a refusal is an alarm (docs/governance.md).
  if (config.audit.checkpointEveryMinutes > 0) {
    let opened: Awaited<ReturnType<typeof openCheckpointWriter>>
    try {
      opened = await openCheckpointWriter(database.db, config.audit)
    } catch (error) {
      fail(`${error instanceof AppError ? error.message : String(error)} (or set AUDIT_CHECKPOINT_EVERY_MINUTES=0 when a separate job writes checkpoints)`)
    }
    if (opened.keyCreated) logger.warn({ keyId: opened.writer.keyId }, 'created a new audit signing key; give its public key to your auditors')
    const checkpoints = scheduleCheckpoints(opened.writer, {
      everyMs: config.audit.checkpointEveryMinutes * 60_000, unref: true,
      onResult: (result) => { if (result.status === 'written') logger.info({ checkpoint: { seq: result.checkpoint?.seq, count: result.checkpoint?.count, key: opened.writer.keyId } }, 'audit checkpoint written') },
      onError: (error) => logger.error({ err: error }, 'AUDIT CHECKPOINT REFUSED OR FAILED: run "contactpoint audit verify" and follow docs/governance.md'),
    })
    app.addHook('onClose', () => checkpoints.stop())
  }
  // Misuse monitoring over today and yesterday; alerts land in the privacy officers' queues.
  if (config.monitoring.everyMinutes > 0) {
    const monitoring = scheduleMonitoring(services.monitoring, {
      everyMs: config.monitoring.everyMinutes * 60_000,
      onReport: (reports) => {
        const raised = reports.reduce((n, r) => n + r.raised, 0)
        if (raised > 0) logger.info({ monitoring: reports.map((r) => ({ day: r.day, raised: r.raised, suspended: r.suspended })) }, 'monitoring alerts raised')
      },
      onError: (error) => logger.error({ err: error }, 'monitoring run failed; it is tried again at the next interval'),
    })
    app.addHook('onClose', () => monitoring.stop())
  }
  // Webhook deliveries to case management systems: every 5 seconds, at least once, with backoff.
  const stopWebhooks = services.notifications.start(5_000, (error) => logger.error({ err: error }, 'webhook round failed; the next round tries again'))
  app.addHook('onClose', () => stopWebhooks())
  await app.listen({ host: config.http.host, port: config.http.port })
  const demo = config.demo.load && await new DemoLoader(database, config.dataEncryptionKey).isLoaded()
  console.log([
    '',
    `ContactPoint is running at ${config.http.publicUrl}`,
    `Store: ${describeStore(config)}`,
    ...(demo ? [
      '',
      `Demo sign-in (synthetic data only). Password for every demo user: ${DEMO_PASSWORD}`,
      'Then enter the code printed by: npx contactpoint demo code USERNAME (it changes every 30 seconds)',
      ...DEMO_USERS.map((u) => `  ${u.username.padEnd(28)} ${u.description}`),
    ] : []),
    '',
    'Press Ctrl+C to stop.',
    '',
  ].join('\n'))
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      void app.close().then(resolve)
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
}
