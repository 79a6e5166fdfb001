// The canonical feed record: one JSON object per line of a JSON Lines feed file.
// Suppliers' systems and the synthetic generator both produce this shape; the feed loader
// validates it. Dates are ISO `YYYY-MM-DD`. Codes below are the closed vocabularies of the
// data model (see src/db/migrations) so that a feed can never carry a value the index cannot hold.

export const GENDERS = ['female', 'male', 'not_specified'] as const
export type Gender = (typeof GENDERS)[number]

export const ADDRESS_STATUSES = ['current', 'last_known', 'no_known_address', 'left_england'] as const
export type AddressStatus = (typeof ADDRESS_STATUSES)[number]

/** Only meaningful when the address status is `left_england` (intent to return within 3 years). */
export const RETURN_INTENTS = ['intends_to_return', 'does_not_intend_to_return', 'unknown'] as const
export type ReturnIntent = (typeof RETURN_INTENTS)[number]

export const CARER_RELATIONSHIPS = [
  'mother', 'father', 'step_parent', 'grandparent', 'other_relative', 'foster_carer',
  'special_guardian', 'local_authority', 'other',
] as const
export type CarerRelationship = (typeof CARER_RELATIONSHIPS)[number]

/** Services a practitioner or setting can be involved through. The last three are sensitive. */
export const SERVICE_TYPES = [
  'early_years', 'school', 'further_education', 'gp_practice', 'health_visitor', 'school_nurse',
  'community_paediatrics', 'childrens_social_care', 'early_help', 'youth_offending', 'youth_service',
  'connexions', 'education_welfare', 'send_support', 'camhs_universal', 'voluntary_sector', 'housing',
  'police_liaison', 'other',
  'sexual_health', 'mental_health', 'substance_misuse',
] as const
export type ServiceType = (typeof SERVICE_TYPES)[number]
export const SENSITIVE_SERVICE_TYPES: readonly ServiceType[] = ['sexual_health', 'mental_health', 'substance_misuse']

/** Why a sensitive service may be recorded at all. */
export const CONSENT_BASES = ['consent', 'significant_harm'] as const
export type ConsentBasis = (typeof CONSENT_BASES)[number]

export const FEED_OPERATIONS = ['upsert', 'delete', 'involvement_ended'] as const
export type FeedOperation = (typeof FEED_OPERATIONS)[number]

export interface FeedAddress {
  lines: string[]
  town?: string | null
  postcode?: string | null
  status: AddressStatus
  return_intent?: ReturnIntent | null
}

export interface FeedChild {
  given_name: string
  middle_names?: string | null
  family_name: string
  former_family_names?: string[]
  date_of_birth: string
  date_of_death?: string | null
  gender?: Gender | null
  address?: FeedAddress | null
  nhs_number?: string | null
  upn?: string | null
}

export interface FeedCarer {
  given_name: string
  family_name: string
  relationship: CarerRelationship
  parental_responsibility: boolean
  phone?: string | null
  email?: string | null
  address?: FeedAddress | null
}

export interface FeedInvolvement {
  /** The supplier's own identifier for this involvement, stable across extracts. */
  involvement_id: string
  service_type: ServiceType
  /** The organisation's code in the registry (LA code, school URN, GP ODS code, …). */
  organisation_code: string
  practitioner_name?: string | null
  phone?: string | null
  email?: string | null
  started_on: string
  ended_on?: string | null
  lead_professional?: boolean
  holds_caf?: boolean
  consent_basis?: ConsentBasis | null
}

export interface FeedRecord {
  op: FeedOperation
  /** The supplier's identifier for the child, unique within the source. */
  record_id: string
  child?: FeedChild
  carers?: FeedCarer[]
  involvements?: FeedInvolvement[]
}

/** Columns of identity-only CSV feeds, shared with `contactpoint link`. */
export const IDENTITY_CSV_COLUMNS = [
  'source', 'record_id', 'given_name', 'middle_names', 'family_name', 'former_family_names',
  'date_of_birth', 'gender', 'address', 'postcode', 'nhs_number', 'upn', 'carers',
] as const
