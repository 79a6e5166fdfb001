// The checkpoint schedule: one write at a time, carrying on after a failure, stopping cleanly.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { AppError } from '../errors.ts'
import { scheduleCheckpoints, type CheckpointWriteResult } from './checkpoint.service.ts'

test('writes straight away and then every interval, never two at once, and carries on after a failure', async () => {
  let running = 0
  let overlapped = false
  let calls = 0
  const writer = {
    async write(): Promise<CheckpointWriteResult> {
      calls++
      running++
      if (running > 1) overlapped = true
      await new Promise((resolve) => setTimeout(resolve, 15))
      running--
      if (calls === 2) throw new AppError('conflict', 'The audit trail no longer matches the last checkpoint')
      return { status: 'written', checkpoint: null, file: null }
    },
  }
  const results: string[] = []
  const errors: unknown[] = []
  const schedule = scheduleCheckpoints(writer, { everyMs: 5, onResult: (r) => results.push(r.status), onError: (e) => errors.push(e) })
  await new Promise((resolve) => setTimeout(resolve, 120))
  await schedule.stop()
  const after = calls
  await new Promise((resolve) => setTimeout(resolve, 40))
  assert.equal(calls, after, 'no write after stop')
  assert.ok(calls >= 3, `wrote ${calls} times`)
  assert.equal(overlapped, false)
  assert.equal(errors.length, 1)
  assert.match((errors[0] as Error).message, /no longer matches/)
  assert.equal(results.length, calls - 1)
})
