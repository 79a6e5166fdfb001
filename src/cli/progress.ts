// Progress for long work: a line that rewrites itself on a terminal, nothing when piped.
export function progressReporter(unit: string): (done: number, total: number) => void {
  if (!process.stderr.isTTY) return () => undefined
  let last = 0
  return (done, total) => {
    const now = Date.now()
    if (done < total && now - last < 200) return
    last = now
    const width = 30
    const filled = Math.round((done / Math.max(total, 1)) * width)
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done.toLocaleString('en-GB')}/${total.toLocaleString('en-GB')} ${unit}${done >= total ? '\n' : ''}`)
  }
}
