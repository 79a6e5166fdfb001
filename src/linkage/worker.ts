// Worker thread for bulk linkage: holds the prepared records and blocks (shared memory, not
// copied) and does pair work on request. Runs the same functions as the inline path.

import { parentPort } from 'node:worker_threads'
import { buildRuleBlocks } from './blocking.ts'
import type { Blocking } from './blocking.ts'
import { Comparer, Scorer } from './model.ts'
import type { TrainedModel } from './model.ts'
import type { Prepared } from './prepare.ts'
import { countPatterns, scoreTask } from './score.ts'
import type { WorkerRequest, WorkerResponse } from './parallel.ts'

let prepared: Prepared | null = null
let blocking: Blocking | null = null
let scorer: Scorer | null = null
const comparers = new Map<string, Comparer>()

const port = parentPort
if (!port) throw new Error('worker.ts must run in a worker thread')

port.on('message', (message: WorkerRequest) => {
  try {
    handle(message)
  } catch (error) {
    const response: WorkerResponse = { type: 'error', id: message.id, message: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) }
    port.postMessage(response)
  }
})

function handle(message: WorkerRequest): void {
  switch (message.type) {
    case 'init':
      prepared = message.prepared
      blocking = message.blocking
      comparers.clear()
      scorer = null
      port?.postMessage({ type: 'ready', id: message.id } satisfies WorkerResponse)
      return
    case 'model':
      scorer = new Scorer(message.model as TrainedModel, need(prepared), 'data')
      port?.postMessage({ type: 'ready', id: message.id } satisfies WorkerResponse)
      return
    case 'patterns': {
      const key = JSON.stringify(message.settings)
      let comparer = comparers.get(key)
      if (!comparer) {
        comparer = new Comparer(message.settings, need(prepared))
        comparers.set(key, comparer)
      }
      const result = countPatterns(comparer, message.pairs)
      port?.postMessage({ type: 'patterns', id: message.id, codes: result.codes, counts: result.counts } satisfies WorkerResponse, [result.codes.buffer as ArrayBuffer, result.counts.buffer as ArrayBuffer])
      return
    }
    case 'blocks': {
      const p = need(prepared)
      const blocks = message.rules.map((rule) => buildRuleBlocks(p, rule, message.cap, true))
      port?.postMessage({ type: 'blocks', id: message.id, blocks } satisfies WorkerResponse)
      return
    }
    case 'blocking':
      blocking = message.blocking
      port?.postMessage({ type: 'ready', id: message.id } satisfies WorkerResponse)
      return
    case 'score': {
      const result = scoreTask(need(scorer), need(blocking), message.task, message.floor)
      port?.postMessage({ type: 'scored', id: message.id, result } satisfies WorkerResponse, [result.a.buffer as ArrayBuffer, result.b.buffer as ArrayBuffer, result.weight.buffer as ArrayBuffer, result.flags.buffer as ArrayBuffer])
      return
    }
  }
}

function need<T>(value: T | null): T {
  if (value === null) throw new Error('worker used before it was initialised')
  return value
}
