// Signing webhook bodies so a receiver can tell they came from ContactPoint and are fresh:
// HMAC-SHA256 over "<unix seconds>.<body>" with the subscription's secret, sent as
// `ContactPoint-Signature: t=<unix seconds>,v1=<hex>`. A receiver recomputes it, compares in
// constant time, and refuses a timestamp outside its replay window (and an event id seen before).
import { createHmac, timingSafeEqual } from 'node:crypto'

export const SIGNATURE_HEADER = 'contactpoint-signature'
export const REPLAY_WINDOW_SECONDS = 300

export function signWebhook(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000)
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`
}

/** True when the header signs this body with this secret within the replay window of `now`. */
export function verifyWebhook(secret: string, body: string, header: string | undefined, now: Date, windowSeconds = REPLAY_WINDOW_SECONDS): boolean {
  const parts = Object.fromEntries((header ?? '').split(',').map((p) => p.split('=', 2) as [string, string]))
  const t = Number(parts.t)
  if (!Number.isInteger(t) || !parts.v1 || !/^[0-9a-f]{64}$/.test(parts.v1)) return false
  if (Math.abs(now.getTime() / 1000 - t) > windowSeconds) return false
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest()
  return timingSafeEqual(expected, Buffer.from(parts.v1, 'hex'))
}
