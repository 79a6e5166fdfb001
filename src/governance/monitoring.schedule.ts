// Misuse monitoring inside a long-running process (the web service): every `everyMs` the rules run
// over yesterday and today. A re-run raises nothing twice (alerts carry dedupe keys), so several
// processes or a restart do no harm. The timer is unref'd and stop() waits for a run in progress.
import type { MonitoringRunReport, MonitoringService } from './monitoring.service.ts'

export interface MonitoringSchedule {
  tick(): Promise<void>
  stop(): Promise<void>
}

export function scheduleMonitoring(service: Pick<MonitoringService, 'runDue'>, options: {
  everyMs: number
  onReport: (reports: MonitoringRunReport[]) => void
  onError: (error: unknown) => void
  start?: boolean
}): MonitoringSchedule {
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let running: Promise<void> = Promise.resolve()
  const check = (): Promise<void> => {
    if (stopped) return running
    running = running.then(() => service.runDue().then(options.onReport, options.onError))
    return running
  }
  const arm = (): void => {
    if (stopped) return
    timer = setTimeout(() => { void check().finally(arm) }, options.everyMs)
    timer.unref()
  }
  if (options.start ?? true) void check().finally(arm)
  return {
    tick: check,
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      await running
    },
  }
}
