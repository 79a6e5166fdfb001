// A small pool of worker threads for bulk runs. Records and blocks live in SharedArrayBuffers, so
// every worker reads the same memory; only results travel back. Work is handed out task by task
// and results are put back in task order, so the output does not depend on the number of
// workers or on their timing.

import { Worker } from 'node:worker_threads'
import type { Blocking, BlockTask, RuleBlocks } from './blocking.ts'
import type { TrainedModel } from './model.ts'
import type { Prepared } from './prepare.ts'
import type { PatternArrays, ScoredPairs } from './score.ts'
import type { BlockingRule, ModelSettings } from './settings.ts'

export type WorkerRequest =
  | { readonly type: 'init'; readonly id: number; readonly prepared: Prepared; readonly blocking: Blocking | null }
  | { readonly type: 'model'; readonly id: number; readonly model: TrainedModel }
  | { readonly type: 'patterns'; readonly id: number; readonly settings: ModelSettings; readonly pairs: Int32Array }
  | { readonly type: 'score'; readonly id: number; readonly task: BlockTask; readonly floor: number }
  | { readonly type: 'blocks'; readonly id: number; readonly rules: readonly BlockingRule[]; readonly cap: number }
  | { readonly type: 'blocking'; readonly id: number; readonly blocking: Blocking }

export type WorkerResponse =
  | { readonly type: 'ready'; readonly id: number }
  | { readonly type: 'patterns'; readonly id: number; readonly codes: Float64Array; readonly counts: Float64Array }
  | { readonly type: 'scored'; readonly id: number; readonly result: ScoredPairs }
  | { readonly type: 'blocks'; readonly id: number; readonly blocks: readonly RuleBlocks[] }
  | { readonly type: 'error'; readonly id: number; readonly message: string }

type Pending = { resolve: (r: WorkerResponse) => void; reject: (e: Error) => void }
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

class Channel {
  private readonly pending = new Map<number, Pending>()
  private next = 1
  readonly worker: Worker

  constructor() {
    this.worker = new Worker(new URL('./worker.ts', import.meta.url))
    this.worker.on('message', (r: WorkerResponse) => {
      const p = this.pending.get(r.id)
      if (!p) return
      this.pending.delete(r.id)
      if (r.type === 'error') p.reject(new Error(`linkage worker failed: ${r.message}`))
      else p.resolve(r)
    })
    this.worker.on('error', (e) => this.failAll(e))
    this.worker.on('exit', (code) => {
      if (this.pending.size > 0) this.failAll(new Error(`linkage worker stopped (exit code ${code})`))
    })
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e)
    this.pending.clear()
  }

  request(message: DistributiveOmit<WorkerRequest, 'id'>): Promise<WorkerResponse> {
    const id = this.next++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.worker.postMessage({ ...message, id })
    })
  }
}

export class WorkerPool {
  private readonly channels: Channel[]

  private constructor(channels: Channel[]) {
    this.channels = channels
  }

  /** Start `size` workers holding the prepared records (and blocks, when given). */
  static async start(size: number, prepared: Prepared, blocking: Blocking | null): Promise<WorkerPool> {
    const channels = Array.from({ length: Math.max(1, size) }, () => new Channel())
    // record ids are not needed for pair work: do not copy them into every worker
    const slim: Prepared = { ...prepared, recordIds: [] }
    const pool = new WorkerPool(channels)
    try {
      await Promise.all(channels.map((c) => c.request({ type: 'init', prepared: slim, blocking })))
    } catch (error) {
      await pool.close()
      throw error
    }
    return pool
  }

  get size(): number {
    return this.channels.length
  }

  /** Build the blocks of each rule (in shared memory), rules spread over the workers; in rule order. */
  async buildRuleBlocks(rules: readonly BlockingRule[], cap: number): Promise<RuleBlocks[]> {
    const share = this.channels.map(() => [] as number[])
    rules.forEach((_, r) => (share[r % this.channels.length] as number[]).push(r))
    const answers = await Promise.all(this.channels.map((c, w) => c.request({ type: 'blocks', rules: (share[w] as number[]).map((r) => rules[r] as BlockingRule), cap })))
    const out = new Array<RuleBlocks>(rules.length)
    answers.forEach((a, w) => {
      if (a.type !== 'blocks') throw new Error('unexpected worker response')
      ;(share[w] as number[]).forEach((r, k) => {
        out[r] = a.blocks[k] as RuleBlocks
      })
    })
    return out
  }

  /** Give every worker the candidate-pair blocks (shared memory: nothing is copied). */
  async setBlocking(blocking: Blocking): Promise<void> {
    await Promise.all(this.channels.map((c) => c.request({ type: 'blocking', blocking })))
  }

  async setModel(model: TrainedModel): Promise<void> {
    await Promise.all(this.channels.map((c) => c.request({ type: 'model', model })))
  }

  /** Agreement-pattern counts for pairs (a, b interleaved), split across the workers. */
  async countPatterns(settings: ModelSettings, pairs: Int32Array): Promise<PatternArrays[]> {
    const n = pairs.length / 2
    const per = Math.ceil(n / this.channels.length)
    const parts = this.channels.map((c, w) => {
      const slice = pairs.slice(2 * w * per, 2 * Math.min(n, (w + 1) * per))
      return c.request({ type: 'patterns', settings, pairs: slice })
    })
    const responses = await Promise.all(parts)
    return responses.map((r) => {
      if (r.type !== 'patterns') throw new Error('unexpected worker response')
      return { codes: r.codes, counts: r.counts }
    })
  }

  /** Score the tasks' candidate pairs; results in task order. */
  async scoreTasks(tasks: readonly BlockTask[], floor: number, onTaskDone: (task: BlockTask) => void = () => undefined): Promise<ScoredPairs[]> {
    const results = new Array<ScoredPairs>(tasks.length)
    let next = 0
    const run = async (c: Channel): Promise<void> => {
      while (next < tasks.length) {
        const index = next++
        const task = tasks[index] as BlockTask
        const r = await c.request({ type: 'score', task, floor })
        if (r.type !== 'scored') throw new Error('unexpected worker response')
        results[index] = r.result
        onTaskDone(task)
      }
    }
    await Promise.all(this.channels.map(run))
    return results
  }

  async close(): Promise<void> {
    await Promise.all(this.channels.map((c) => c.worker.terminate()))
  }
}
