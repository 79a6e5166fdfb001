// The REST API's request and response schemas (TypeBox: JSON Schema with static types). The same
// objects validate requests, shape responses (nothing outside a response schema is sent) and
// make the OpenAPI 3.1 document, so the three cannot drift apart.
import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { ADDRESS_STATUSES, CARER_RELATIONSHIPS, GENDERS, RETURN_INTENTS, SERVICE_TYPES } from '../feeds/feed-record.ts'
import { VIEW_REASONS } from '../record/record.service.ts'

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])
const Text = (maxLength: number, description: string) => Type.String({ maxLength, description })

export const ContactPointId = Type.String({ pattern: '^[0-9]{12}$', description: 'A ContactPoint ID: 12 digits, the last a check digit.', examples: ['123456789012'] })
export const IsoDate = Type.String({ format: 'date', description: 'A date, YYYY-MM-DD.' })
const Gender = Type.Union(GENDERS.map((g) => Type.Literal(g)), { description: 'female, male or not_specified.' })

export const Problem = Type.Object({
  type: Type.String({ format: 'uri', description: 'Identifies the kind of problem: one per code.' }),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String({ description: 'What went wrong, safe to show to the user.' }),
  code: Type.String({ description: 'Stable machine code (docs/errors.md).' }),
  requestId: Type.String({ description: 'Quote this to the service desk.' }),
  errors: Type.Optional(Type.Array(Type.Object({
    pointer: Type.String({ description: 'JSON Pointer (RFC 6901) to the field at fault, or a parameter name.' }),
    detail: Type.String(),
  }, { additionalProperties: false }))),
  error: Type.Optional(Type.String({ description: 'The OAuth 2.0 error code (token endpoint only).' })),
  error_description: Type.Optional(Type.String()),
}, { $id: 'Problem', title: 'Problem', description: 'RFC 9457 problem details.', additionalProperties: false })

export const TokenForm = Type.Object({
  grant_type: Type.Literal('client_credentials'),
  client_assertion_type: Type.Literal('urn:ietf:params:oauth:client-assertion-type:jwt-bearer'),
  client_assertion: Type.String({ maxLength: 8000, description: 'A JWT signed with one of the client\'s registered keys: iss and sub the client ID, aud the token endpoint URL, a unique jti, exp at most 5 minutes after iat.' }),
  scope: Type.Optional(Type.String({ maxLength: 500, description: 'Space-separated scopes; default all the client is registered for.' })),
}, { additionalProperties: false })

export const TokenResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer({ description: 'Seconds.' }),
  scope: Type.String(),
}, { additionalProperties: false })

export const SearchRequest = Type.Object({
  contactPointId: Type.Optional(Type.String({ maxLength: 20, description: 'Search by ContactPoint ID alone (spaces allowed).' })),
  familyName: Type.Optional(Text(100, 'Family name: required unless searching by ContactPoint ID, with at least one more detail.')),
  givenName: Type.Optional(Text(100, 'Given name, or an initial.')),
  dateOfBirth: Type.Optional(Type.String({ pattern: '^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$', description: 'YYYY, YYYY-MM or YYYY-MM-DD.' })),
  gender: Type.Optional(Gender),
  postcode: Type.Optional(Text(10, 'A whole postcode, a sector (NM1 2) or a district (NM1).')),
  address: Type.Optional(Text(200, 'Words of an address or a town.')),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20, description: 'Results per page.' })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'The page.next value of the previous page, with the same criteria.' })),
}, { additionalProperties: false })
export type SearchRequest = Static<typeof SearchRequest>

const SearchResult = Type.Object({
  contactPointId: ContactPointId,
  givenName: Type.String(),
  middleNames: Nullable(Type.String()),
  familyName: Type.String(),
  dateOfBirth: IsoDate,
  gender: Gender,
  place: Nullable(Type.String({ description: 'Town or postcode district; always null for a shielded child.' })),
  shielded: Type.Boolean(),
  match: Type.Union([Type.Literal('strict'), Type.Literal('tolerant')], { description: 'strict: every detail given matched as typed; tolerant: a familiar form, sound-alike, slip or swapped date.' }),
  reasons: Type.Array(Type.String(), { description: 'Why this child matched, in words.' }),
}, { additionalProperties: false })

export const Page = Type.Object({
  limit: Type.Integer(),
  next: Nullable(Type.String({ description: 'Pass as cursor for the next page; null on the last page.' })),
}, { additionalProperties: false })

export const SearchResponse = Type.Object({
  outcome: Type.Union(['results', 'strict_only', 'too_many', 'none'].map((o) => Type.Literal(o)), {
    description: 'results: every match; strict_only: over 50 matches, the strict ones listed; too_many: add a detail; none.',
  }),
  total: Type.Integer({ description: 'Results over all pages (at most 50).' }),
  results: Type.Array(SearchResult),
  page: Page,
}, { additionalProperties: false })

export const RecordQuery = Type.Object({
  reason: Type.Union(VIEW_REASONS.map((r) => Type.Literal(r.code)), { description: `Why the user needs to see the record (required): ${VIEW_REASONS.map((r) => `${r.code} (${r.text})`).join('; ')}. For "other", give the detail in the ContactPoint-Reason-Detail header.` }),
}, { additionalProperties: false })

export const ChildParams = Type.Object({ contactPointId: ContactPointId }, { additionalProperties: false })

const Involvement = Type.Object({
  id: Type.String({ format: 'uuid' }),
  service: Type.Union(SERVICE_TYPES.map((s) => Type.Literal(s))),
  organisation: Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String() }, { additionalProperties: false }),
  practitioner: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  email: Nullable(Type.String()),
  startedOn: IsoDate,
  endedOn: Nullable(IsoDate),
  leadProfessional: Type.Boolean(),
  holdsCaf: Type.Boolean(),
  source: Nullable(Type.String({ description: 'The code of the data source that reported it; null when recorded in ContactPoint.' })),
}, { additionalProperties: false })

export const ChildRecord = Type.Object({
  contactPointId: ContactPointId,
  mergedFrom: Nullable(ContactPointId),
  restricted: Type.Boolean({ description: 'true for a shielded child: only name, date of birth, gender and ID are given.' }),
  shielded: Type.Boolean(),
  archived: Type.Boolean(),
  givenName: Type.String(),
  middleNames: Nullable(Type.String()),
  familyName: Type.String(),
  dateOfBirth: IsoDate,
  gender: Gender,
  authority: Type.Object({ name: Type.String(), phone: Nullable(Type.String()), email: Nullable(Type.String()) }, { additionalProperties: false, description: 'The child\'s local authority ContactPoint team.' }),
  dateOfDeath: Type.Optional(Nullable(IsoDate)),
  formerNames: Type.Optional(Type.Array(Type.Object({
    kind: Type.Union([Type.Literal('former'), Type.Literal('alias')]), givenName: Nullable(Type.String()), middleNames: Nullable(Type.String()),
    familyName: Type.String(), usedUntil: Nullable(IsoDate),
  }, { additionalProperties: false }))),
  address: Type.Optional(Type.Object({
    status: Type.Union(ADDRESS_STATUSES.map((s) => Type.Literal(s))),
    returnIntent: Nullable(Type.Union(RETURN_INTENTS.map((s) => Type.Literal(s)))),
    lines: Type.Array(Type.String()), town: Nullable(Type.String()), postcode: Nullable(Type.String()),
  }, { additionalProperties: false })),
  identifiers: Type.Optional(Type.Array(Type.Object({ scheme: Type.String(), value: Type.String() }, { additionalProperties: false }), { description: 'Only identifiers your organisation issued.' })),
  carers: Type.Optional(Type.Array(Type.Object({
    id: Type.String({ format: 'uuid' }), givenName: Type.String(), familyName: Type.String(), relationship: Type.Union(CARER_RELATIONSHIPS.map((s) => Type.Literal(s))),
    parentalResponsibility: Type.Boolean(), phone: Nullable(Type.String()), email: Nullable(Type.String()),
  }, { additionalProperties: false }))),
  involvements: Type.Optional(Type.Array(Involvement, { description: 'Current and ended; sensitive services never appear here.' })),
  sensitiveService: Type.Optional(Type.Boolean({ description: 'A sensitive service is involved: contact the authority\'s ContactPoint team, who broker contact.' })),
  markers: Type.Optional(Type.Array(Type.Object({
    id: Type.String({ format: 'uuid' }), organisation: Type.String(), contactName: Type.String(), contactPhone: Nullable(Type.String()),
    contactEmail: Nullable(Type.String()), setAt: Type.String({ format: 'date-time' }),
  }, { additionalProperties: false }), { description: 'Cause-for-concern markers: a practitioner to contact, never why.' })),
}, { additionalProperties: false })
export type ChildRecord = Static<typeof ChildRecord>

export const SubscriptionRequest = Type.Object({
  url: Type.String({ format: 'uri', maxLength: 500, pattern: '^https?://', description: 'Where to POST notifications (https in production).' }),
}, { additionalProperties: false })

export const Subscription = Type.Object({
  id: Type.String({ format: 'uuid' }),
  url: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  secret: Type.Optional(Type.String({ description: 'The signing secret, shown once, when the subscription is made.' })),
}, { additionalProperties: false })

export const SubscriptionList = Type.Object({ subscriptions: Type.Array(Subscription) }, { additionalProperties: false })

export const DeliveryList = Type.Object({
  deliveries: Type.Array(Type.Object({
    id: Type.String({ format: 'uuid' }), subscriptionId: Type.String({ format: 'uuid' }), eventId: Type.String({ format: 'uuid' }),
    type: Type.String(), contactPointId: ContactPointId, attempts: Type.Integer(), lastError: Nullable(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
  }, { additionalProperties: false })),
  page: Page,
}, { additionalProperties: false })

export const PageQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
}, { additionalProperties: false })

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false })

export const Replayed = Type.Object({ id: Type.String({ format: 'uuid' }), status: Type.Literal('pending') }, { additionalProperties: false })
