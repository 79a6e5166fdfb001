// The daily lifecycle run inside a long-running process (the web service). Every `checkEveryMs` it
// asks the service to run as of today in England; the service skips a date already run, so a restart,
// a second process or a clock change never applies a day twice. The timer is unref'd (it never keeps
// a process alive) and stop() waits for a run in progress.
import type { LifecycleReport, LifecycleService } from './lifecycle.service.ts'

export const LIFECYCLE_CHECK_EVERY_MS = 60 * 60_000

export interface LifecycleSchedule {
  /** One check now (what the timer does); resolves when it has finished. */
  tick(): Promise<void>
  stop(): Promise<void>
}

export function scheduleLifecycle(service: Pick<LifecycleService, 'runDaily'>, options: {
  checkEveryMs?: number
  onReport: (report: LifecycleReport) => void
  onError: (error: unknown) => void
  /** Start the timer (false in tests that drive tick() with a fake clock). */
  start?: boolean
}): LifecycleSchedule {
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let running: Promise<void> = Promise.resolve()
  const check = (): Promise<void> => {
    if (stopped) return running
    running = running.then(() => service.runDaily().then(
      (report) => { if (report) options.onReport(report) },
      (error: unknown) => options.onError(error),
    ))
    return running
  }
  const arm = (): void => {
    if (stopped) return
    timer = setTimeout(() => { void check().finally(arm) }, options.checkEveryMs ?? LIFECYCLE_CHECK_EVERY_MS)
    timer.unref()
  }
  if (options.start ?? true) {
    void check().finally(arm)
  }
  return {
    tick: check,
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      await running
    },
  }
}
