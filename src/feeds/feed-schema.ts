// The JSON Schema of a feed record, built from the same vocabularies the validator and the
// database use; docs/feeds/feed-record.schema.json is this, and a test keeps the two equal.
import { ADDRESS_STATUSES, CARER_RELATIONSHIPS, CONSENT_BASES, FEED_OPERATIONS, GENDERS, RETURN_INTENTS, SERVICE_TYPES } from './feed-record.ts'

const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max })
const opt = (s: object) => ({ anyOf: [s, { type: 'null' }] })
const date = { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'ISO date YYYY-MM-DD; a real date, not in the future' }
const address = {
  type: 'object', additionalProperties: false, required: ['status'], properties: {
    lines: { type: 'array', maxItems: 6, items: text(100), description: 'Required (at least one line) when status is current or last_known' },
    town: opt(text(100)),
    postcode: opt({ type: 'string', maxLength: 10, description: 'A UK postcode in any spacing or case; one that is not a UK postcode is dropped with a warning' }),
    status: { enum: [...ADDRESS_STATUSES] },
    return_intent: opt({ enum: [...RETURN_INTENTS], description: 'Only with status left_england' }),
  },
}

export function feedRecordSchema(): object {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://contactpoint.example/feeds/feed-record.schema.json',
    title: 'ContactPoint feed record (one line of a JSON Lines feed file)',
    type: 'object', additionalProperties: false, required: ['op', 'record_id'],
    properties: {
      op: { enum: [...FEED_OPERATIONS], description: 'upsert: the record as it now is; delete: the supplier no longer holds the child; involvement_ended: end the named involvements' },
      record_id: { ...text(100), description: "The supplier's identifier for the child, stable across extracts and unique within the source" },
      child: {
        type: 'object', additionalProperties: false, required: ['given_name', 'family_name', 'date_of_birth'], properties: {
          given_name: text(100), middle_names: opt(text(200)), family_name: text(100),
          former_family_names: { type: 'array', items: text(100) },
          date_of_birth: { ...date, description: 'Not more than 26 years ago' }, date_of_death: opt(date),
          gender: opt({ enum: [...GENDERS] }), address: opt(address),
          nhs_number: opt({ type: 'string', description: '10 digits (spaces allowed); one failing its modulus-11 check is dropped with a warning' }),
          upn: opt({ type: 'string', description: 'Unique pupil number, 13 characters; one failing its check letter is dropped with a warning' }),
        },
      },
      carers: {
        type: 'array', maxItems: 10, items: {
          type: 'object', additionalProperties: false, required: ['given_name', 'family_name', 'relationship', 'parental_responsibility'], properties: {
            given_name: text(100), family_name: text(100), relationship: { enum: [...CARER_RELATIONSHIPS] }, parental_responsibility: { type: 'boolean' },
            phone: opt(text(30)), email: opt(text(200)), address: opt(address),
          },
        },
      },
      involvements: {
        type: 'array', maxItems: 50, items: {
          type: 'object', additionalProperties: false, required: ['involvement_id'], properties: {
            involvement_id: { ...text(100), description: 'Stable across extracts; unique within the record' },
            service_type: { enum: [...SERVICE_TYPES], description: 'sexual_health, mental_health and substance_misuse are sensitive: they need consent_basis' },
            organisation_code: { ...text(20), description: "The organisation's code in the ContactPoint registry (LA code, school URN, GP ODS code)" },
            practitioner_name: opt(text(100)), phone: opt(text(30)), email: opt(text(200)), started_on: date, ended_on: opt(date),
            lead_professional: { type: 'boolean' }, holds_caf: { type: 'boolean' }, consent_basis: opt({ enum: [...CONSENT_BASES] }),
          },
        },
      },
    },
    allOf: [
      { if: { properties: { op: { const: 'upsert' } } }, then: { required: ['child'] } },
      { if: { properties: { op: { const: 'delete' } } }, then: { not: { anyOf: [{ required: ['child'] }, { required: ['carers'] }, { required: ['involvements'] }] } } },
      { if: { properties: { op: { const: 'involvement_ended' } } }, then: { required: ['involvements'], properties: { involvements: { minItems: 1, items: { required: ['involvement_id', 'ended_on'] } } } } },
    ],
  }
}
