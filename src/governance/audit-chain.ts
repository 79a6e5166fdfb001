// The audit trail's hash chain. Each event's hash covers its content and the previous event's hash,
// so altering, deleting or inserting an event breaks every hash after it. Hashing uses a canonical
// JSON form (sorted keys) because jsonb does not keep key order.
import { createHash } from 'node:crypto'

export interface ChainedContent {
  readonly id: string
  readonly occurredAt: Date
  readonly actorUserId: string | null
  readonly actorOrganisationId: string | null
  readonly onBehalfOf: string | null
  readonly channel: string
  readonly action: string
  readonly outcome: string
  readonly subjectType: string | null
  readonly subjectId: string | null
  readonly reasonCode: string | null
  readonly reasonText: string | null
  readonly details: unknown
  readonly clientIp: string | null
  readonly requestId: string | null
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null)
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value instanceof Date) return JSON.stringify(value.toISOString())
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined)
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
}

export function chainHash(prevHash: string | null, content: ChainedContent): string {
  return createHash('sha256').update(prevHash ?? 'genesis').update('\n').update(canonicalJson(content)).digest('hex')
}
