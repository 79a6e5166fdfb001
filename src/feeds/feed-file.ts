// Reading a feed file: its digest (a load's identity), and its rows with line numbers, each already
// validated. JSON Lines for full records; CSV for identity-only sources.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename, extname } from 'node:path'
import { createInterface } from 'node:readline'
import { AppError } from '../errors.ts'
import { readCsvFile } from '../linkage/csv.ts'
import { csvHeaderProblem, csvRowToFeedValue, validateFeedRow, validateJsonLine, type RowResult, type ValidationContext } from './feed-validate.ts'

export type FeedFormat = 'jsonl' | 'csv'

export interface FeedRow {
  readonly line: number
  readonly result: RowResult
}

export function feedFormatOf(path: string): FeedFormat {
  const ext = extname(path).toLowerCase()
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl'
  if (ext === '.csv') return 'csv'
  throw new AppError('validation_failed', `${basename(path)}: a feed file must end in .jsonl (JSON Lines) or .csv (identity only)`)
}

function unreadable(path: string, error: unknown): AppError {
  const code = (error as { code?: string }).code
  return new AppError('validation_failed', code === 'ENOENT' ? `${basename(path)}: file not found` : `${basename(path)}: cannot be read (${(error as Error).message})`, { cause: error })
}

/** SHA-256 of the file's bytes, and its size. */
export async function digestFile(path: string): Promise<{ sha256: string; bytes: number }> {
  try {
    const { size } = await stat(path)
    const hash = createHash('sha256')
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer)
    return { sha256: hash.digest('hex'), bytes: size }
  } catch (error) {
    throw unreadable(path, error)
  }
}

/**
 * Every data row of the file, validated, in order. Blank lines are skipped (their numbers still
 * count). A file that cannot be read as a whole (not UTF-8, a broken CSV quote, a bad header)
 * throws: such a file is refused before anything is applied.
 */
export async function* readFeedRows(path: string, format: FeedFormat, sourceCode: string, ctx: ValidationContext): AsyncGenerator<FeedRow> {
  const name = basename(path)
  if (format === 'csv') {
    let header: string[] | null = null
    for await (const row of readCsvFile(path, name)) {
      if (header === null) {
        header = row.fields.map((f) => f.trim())
        const problem = csvHeaderProblem(header)
        if (problem) throw new AppError('validation_failed', `${name}, line 1: ${problem}`)
        continue
      }
      if (row.fields.length === 1 && row.fields[0]?.trim() === '') continue
      if (row.fields.length !== header.length) {
        yield { line: row.line, result: { ok: false, recordId: null, reason: `expected ${header.length} fields as in the header, found ${row.fields.length}` } }
        continue
      }
      const sourceAt = header.indexOf('source')
      const rowSource = sourceAt >= 0 ? row.fields[sourceAt]?.trim() : ''
      if (rowSource && rowSource !== sourceCode) {
        yield { line: row.line, result: { ok: false, recordId: null, reason: `the row is for source '${rowSource}', not '${sourceCode}'` } }
        continue
      }
      yield { line: row.line, result: validateFeedRow(csvRowToFeedValue(header, row.fields), ctx) }
    }
    return
  }
  let stream
  try {
    stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })
    let line = 0
    for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
      line += 1
      const trimmed = line === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
      if (trimmed.trim() === '') continue
      if (trimmed.includes('\uFFFD')) throw new AppError('validation_failed', `${name}, line ${line}: the file is not UTF-8 text`)
      yield { line, result: validateJsonLine(trimmed, ctx) }
    }
  } catch (error) {
    if (error instanceof AppError) throw error
    throw unreadable(path, error)
  } finally {
    stream?.destroy()
  }
}
