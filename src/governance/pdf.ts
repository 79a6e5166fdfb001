// A small PDF writer for text documents (the subject access report): A4 pages, the standard
// Helvetica fonts (every PDF reader has them, so nothing is embedded), headings, wrapped lines and
// page numbers. No dependency: a text PDF is a few objects and a cross-reference table.

export interface PdfLine {
  readonly text: string
  readonly style?: 'title' | 'heading' | 'bold' | 'normal' | 'small'
}

const PAGE_WIDTH = 595
const PAGE_HEIGHT = 842
const MARGIN = 56
const STYLES = {
  title: { font: 'F2', size: 18, gap: 10 },
  heading: { font: 'F2', size: 13, gap: 8 },
  bold: { font: 'F2', size: 10, gap: 3 },
  normal: { font: 'F1', size: 10, gap: 3 },
  small: { font: 'F1', size: 8, gap: 2 },
} as const

/** Only characters of the WinAnsi encoding the standard fonts use; common typography mapped to ASCII. */
function encode(text: string): string {
  const mapped = text.replace(/[‘’]/g, "'").replace(/[“”]/g, '"').replace(/[–—]/g, '-').replace(/…/g, '...').replace(/·/g, '-')
  let out = ''
  for (const ch of mapped) {
    const code = ch.codePointAt(0) ?? 63
    const c = code < 32 || code > 255 ? '?' : ch
    out += c === '\\' || c === '(' || c === ')' ? `\\${c}` : c
  }
  return out
}

/** Wraps to a width by an average character width (Helvetica averages about half its size). */
function wrap(text: string, size: number): string[] {
  const max = Math.floor((PAGE_WIDTH - 2 * MARGIN) / (size * 0.5))
  const lines: string[] = []
  for (const paragraph of text.split('\n')) {
    let line = ''
    for (const word of paragraph.split(/\s+/)) {
      if (!word) continue
      if ((line ? `${line} ${word}` : word).length > max && line) {
        lines.push(line)
        line = word
      } else line = line ? `${line} ${word}` : word
      while (line.length > max) {
        lines.push(line.slice(0, max))
        line = line.slice(max)
      }
    }
    lines.push(line)
  }
  return lines
}

export function renderPdf(lines: readonly PdfLine[], footer: string): Buffer {
  const pages: string[][] = [[]]
  let y = PAGE_HEIGHT - MARGIN
  for (const line of lines) {
    const style = STYLES[line.style ?? 'normal']
    const leading = style.size * 1.3
    if (line.style === 'heading' || line.style === 'title') y -= style.gap
    for (const part of wrap(line.text, style.size)) {
      if (y - leading < MARGIN + 20) {
        pages.push([])
        y = PAGE_HEIGHT - MARGIN
      }
      y -= leading
      ;(pages[pages.length - 1] as string[]).push(`BT /${style.font} ${style.size} Tf ${MARGIN} ${y.toFixed(1)} Td (${encode(part)}) Tj ET`)
    }
    y -= style.gap
  }
  const objects: string[] = []
  const add = (body: string): number => objects.push(body)
  const catalog = add('')
  const pagesRoot = add('')
  const regular = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>')
  const bold = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>')
  const kids: number[] = []
  pages.forEach((content, index) => {
    const foot = `BT /F1 8 Tf ${MARGIN} ${MARGIN - 10} Td (${encode(`${footer} - page ${index + 1} of ${pages.length}`)}) Tj ET`
    const stream = [...content, foot].join('\n')
    const contentObject = add(`<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`)
    kids.push(add(`<< /Type /Page /Parent ${pagesRoot} 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] /Resources << /Font << /F1 ${regular} 0 R /F2 ${bold} 0 R >> >> /Contents ${contentObject} 0 R >>`))
  })
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesRoot} 0 R >>`
  objects[pagesRoot - 1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`
  let pdf = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n'
  const offsets: number[] = []
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(pdf, 'latin1'))
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`
  })
  const xref = Buffer.byteLength(pdf, 'latin1')
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(pdf, 'latin1')
}
