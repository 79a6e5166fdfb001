// CSV (RFC 4180) read as a stream, with the line number of every row, so that a malformed file
// is reported by name and line. UTF-8 is required; a byte sequence that is not UTF-8 is an error.

import { createReadStream } from 'node:fs'
import { AppError } from '../errors.ts'

export interface CsvRow {
  /** line on which the row starts (1-based; the header is line 1) */
  readonly line: number
  readonly fields: string[]
}

function fail(file: string, line: number, message: string): AppError {
  return new AppError('validation_failed', `${file}, line ${line}: ${message}`, { fields: [{ field: file, message: `line ${line}: ${message}` }] })
}

/** Incremental parser: feed it whole lines (without the line break). */
class LineParser {
  private fields: string[] = []
  private field = ''
  private inQuotes = false
  private startLine = 0
  private readonly file: string
  constructor(file: string) {
    this.file = file
  }

  /** Returns a complete row, or null when the row continues on the next line (a quoted line break). */
  push(line: string, lineNumber: number): CsvRow | null {
    if (!this.inQuotes) {
      this.startLine = lineNumber
      if (!line.includes('"')) return { line: lineNumber, fields: line.split(',') }
      this.fields = []
      this.field = ''
    } else {
      this.field += '\n'
    }
    let i = 0
    const len = line.length
    while (i < len) {
      if (this.inQuotes) {
        const q = line.indexOf('"', i)
        if (q < 0) {
          this.field += line.slice(i)
          return null
        }
        this.field += line.slice(i, q)
        if (line.charCodeAt(q + 1) === 34) {
          this.field += '"'
          i = q + 2
        } else {
          this.inQuotes = false
          i = q + 1
          if (i < len && line.charCodeAt(i) !== 44) {
            // text after a closing quote: tolerate spaces, reject anything else
            const rest = line.slice(i, line.indexOf(',', i) < 0 ? len : line.indexOf(',', i))
            if (rest.trim() !== '') throw fail(this.file, lineNumber, 'unexpected text after a closing quote')
            i += rest.length
          }
        }
      } else {
        const c = line.charCodeAt(i)
        if (c === 44) {
          this.fields.push(this.field)
          this.field = ''
          i++
        } else if (c === 34 && this.field.trim() === '') {
          this.field = ''
          this.inQuotes = true
          i++
        } else {
          const comma = line.indexOf(',', i)
          const end = comma < 0 ? len : comma
          const text = line.slice(i, end)
          if (text.includes('"')) throw fail(this.file, lineNumber, 'a quote inside an unquoted field (quote the field and double the quote)')
          this.field += text
          i = end
        }
      }
    }
    if (this.inQuotes) return null
    this.fields.push(this.field)
    const row = { line: this.startLine, fields: this.fields }
    this.fields = []
    this.field = ''
    return row
  }

  finish(): void {
    if (this.inQuotes) throw fail(this.file, this.startLine, 'a quoted field is not closed before the end of the file')
  }
}

const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })

function decodeLines(bytes: Buffer, file: string, firstLine: number): string {
  try {
    return fatalDecoder.decode(bytes)
  } catch {
    // find the offending line
    let line = firstLine
    let start = 0
    for (;;) {
      const nl = bytes.indexOf(10, start)
      const end = nl < 0 ? bytes.length : nl
      try {
        fatalDecoder.decode(bytes.subarray(start, end))
      } catch {
        throw fail(file, line, 'the file is not UTF-8 text')
      }
      if (nl < 0) break
      start = nl + 1
      line++
    }
    throw fail(file, firstLine, 'the file is not UTF-8 text')
  }
}

/** Rows of a CSV file, header included, with their line numbers. `name` is how errors name the file. */
export async function* readCsvFile(path: string, name = path, onBytes: (bytes: number) => void = () => undefined): AsyncGenerator<CsvRow> {
  const parser = new LineParser(name)
  let bytesRead = 0
  let carry: Buffer = Buffer.alloc(0)
  let lineNumber = 1
  let first = true
  const emit = function* (text: string): Generator<CsvRow> {
    const lines = text.split('\n')
    for (const raw of lines) {
      let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw
      if (first) {
        if (line.charCodeAt(0) === 0xfeff) line = line.slice(1)
        first = false
      }
      const row = parser.push(line, lineNumber)
      lineNumber++
      if (row) yield row
    }
  }
  const stream = createReadStream(path, { highWaterMark: 1 << 20 })
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytesRead += chunk.length
      onBytes(bytesRead)
      const bytes = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk
      const lastNl = bytes.lastIndexOf(10)
      if (lastNl < 0) {
        carry = bytes
        continue
      }
      carry = Buffer.from(bytes.subarray(lastNl + 1))
      yield* emit(decodeLines(bytes.subarray(0, lastNl), name, lineNumber))
    }
  } catch (error) {
    if (error instanceof AppError) throw error
    const code = (error as { code?: string }).code
    throw new AppError('validation_failed', code === 'ENOENT' ? `${name}: file not found` : `${name}: cannot be read (${(error as Error).message})`, { cause: error })
  }
  if (carry.length > 0) {
    const text = decodeLines(carry, name, lineNumber)
    if (text.length > 0) yield* emit(text)
  }
  parser.finish()
}

/** Parse CSV text held in memory (same rules as readCsvFile). */
export function parseCsvText(text: string, name = 'input'): CsvRow[] {
  const parser = new LineParser(name)
  const rows: CsvRow[] = []
  const lines = text.split('\n')
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  lines.forEach((raw, k) => {
    const row = parser.push(raw.endsWith('\r') ? raw.slice(0, -1) : raw, k + 1)
    if (row) rows.push(row)
  })
  parser.finish()
  return rows
}

/** One CSV field, quoted when it has to be. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) || /^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

export function csvLine(values: readonly string[]): string {
  return `${values.map(csvField).join(',')}\n`
}
