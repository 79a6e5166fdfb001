// The checkpoint files: JSON Lines, one file a month (checkpoints-YYYY-MM.jsonl), only ever
// appended to, in a folder outside the database. A closed month's file can be copied to write-once
// storage. Verification reads every file in the folder.
import { createReadStream } from 'node:fs'
import { mkdir, open, readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { checkSignature, formatCheckpoint, parseCheckpoint, type CheckpointVerifier, type SignedCheckpoint } from './checkpoint-signing.ts'

const FILE_NAME = /^checkpoints-(\d{4})-(\d{2})\.jsonl$/

/** Where a line sits, for reports: the file's name within the folder and its line number (from 1). */
export interface CheckpointPlace {
  readonly file: string
  readonly line: number
}

export type CheckpointEntry =
  | (CheckpointPlace & { readonly checkpoint: SignedCheckpoint })
  | (CheckpointPlace & { readonly problem: string })

export class CheckpointStore {
  readonly dir: string

  constructor(dir: string) {
    this.dir = dir
  }

  /** The file a checkpoint made at `at` goes into. */
  fileFor(at: Date): string {
    return path.join(this.dir, `checkpoints-${at.toISOString().slice(0, 7)}.jsonl`)
  }

  /** Appends one checkpoint and flushes it to disk; returns the file written. */
  async append(checkpoint: SignedCheckpoint): Promise<string> {
    await mkdir(this.dir, { recursive: true, mode: 0o750 })
    const file = this.fileFor(new Date(checkpoint.at))
    const handle = await open(file, 'a+', 0o640)
    try {
      // Never glue a new line onto a partial one (a writer that died mid-line): start a fresh line.
      const { size } = await handle.stat()
      let prefix = ''
      if (size > 0) {
        const last = Buffer.alloc(1)
        await handle.read(last, 0, 1, size - 1)
        if (last[0] !== 0x0a) prefix = '\n'
      }
      await handle.appendFile(`${prefix}${formatCheckpoint(checkpoint)}\n`)
      await handle.sync()
    } finally {
      await handle.close()
    }
    return file
  }

  /** The checkpoint files in the folder, oldest month first (none when the folder does not exist). */
  async files(): Promise<string[]> {
    let names: string[]
    try {
      names = await readdir(this.dir)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }
    const files = names.filter((name) => FILE_NAME.test(name)).sort()
    const regular: string[] = []
    for (const name of files) if ((await stat(path.join(this.dir, name))).isFile()) regular.push(name)
    return regular
  }

  /** Every line of every file, oldest first, parsed (not yet signature-checked). Blank lines are skipped. */
  async *entries(files?: readonly string[]): AsyncGenerator<CheckpointEntry> {
    for (const name of files ?? await this.files()) {
      const lines = createInterface({ input: createReadStream(path.join(this.dir, name), 'utf8'), crlfDelay: Infinity })
      let number = 0
      for await (const line of lines) {
        number++
        if (line.trim() === '') continue
        const parsed = parseCheckpoint(line)
        yield 'checkpoint' in parsed
          ? { file: name, line: number, checkpoint: parsed.checkpoint }
          : { file: name, line: number, problem: parsed.problem }
      }
    }
  }

  /**
   * The checkpoint with the highest seq in the newest file that has one, validly signed by any of
   * the trusted keys (the current key and those retired by a rotation); null when none.
   */
  async latest(trusted: CheckpointVerifier | readonly CheckpointVerifier[]): Promise<(CheckpointPlace & { readonly checkpoint: SignedCheckpoint }) | null> {
    const verifiers = Array.isArray(trusted) ? trusted as readonly CheckpointVerifier[] : [trusted as CheckpointVerifier]
    const files = await this.files()
    for (let i = files.length - 1; i >= 0; i--) {
      let best: (CheckpointPlace & { checkpoint: SignedCheckpoint }) | null = null
      for await (const entry of this.entries([files[i] as string])) {
        if (!('checkpoint' in entry) || !verifiers.some((v) => checkSignature(entry.checkpoint, v) === 'valid')) continue
        if (best === null || BigInt(entry.checkpoint.seq) >= BigInt(best.checkpoint.seq)) best = entry
      }
      if (best) return best
    }
    return null
  }
}
