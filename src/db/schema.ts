// Kysely's view of the tables made by the migrations. Keep in step with src/db/migrations; the
// repository suites write and read every column on both stores, so a drift fails there.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'
import type {
  AddressStatus, CarerRelationship, ConsentBasis, Gender, ReturnIntent, ServiceType,
} from '../feeds/feed-record.ts'

/** A timestamp column read as Date and written as Date or ISO string; defaulted by the database. */
type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>
type Timestamp = ColumnType<Date, Date | string, Date | string>
/** Dates are kept as ISO `YYYY-MM-DD` strings end to end so that no time zone can shift them. */
type DateOnly = string

export const ROLES = [
  'practitioner', 'practitioner_shield_override', 'authority_data_manager', 'authority_user_admin',
  'authority_privacy_officer', 'national_admin', 'data_supplier', 'cms_client',
] as const
export type Role = (typeof ROLES)[number]

export const ORGANISATION_KINDS = [
  'local_authority', 'national_body', 'school', 'early_years', 'further_education', 'gp_practice',
  'health_service', 'social_care', 'youth_offending', 'youth_service', 'voluntary', 'police', 'housing', 'other',
] as const
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number]
export type AccreditationStatus = 'pending' | 'accredited' | 'suspended' | 'withdrawn'
export type UserStatus = 'invited' | 'active' | 'suspended' | 'removed'
export type AccessChannel = 'web' | 'cms' | 'both' | 'none'
export type ChildStatus = 'active' | 'archived' | 'merged'
export type LinkState = 'linked' | 'review' | 'rejected'
export type LinkDecider = 'engine' | 'person' | 'practitioner_created' | 'demo_truth'
export type ShieldReason = 'domestic_violence' | 'witness_protection' | 'adoption' | 'other_risk'
export type AuditChannel = 'web' | 'api' | 'phone' | 'cli' | 'system' | 'feed'
export type AuditOutcome = 'success' | 'denied' | 'failure'
export const PROVENANCE_FIELDS = [
  'given_name', 'middle_names', 'family_name', 'gender', 'date_of_birth', 'date_of_death', 'address', 'address_status',
] as const
export type ProvenanceField = (typeof PROVENANCE_FIELDS)[number]

export interface OrganisationTable {
  id: Generated<string>
  code: string
  name: string
  kind: OrganisationKind
  authority_id: string | null
  la_number: string | null
  ons_code: string | null
  accreditation_status: Generated<AccreditationStatus>
  accredited_at: Timestamp | null
  phone: string | null
  email: string | null
  address: string | null
  postcode: string | null
  /** The workforce analysis' estimate of staff who will need access (0007); null when not estimated. */
  potential_users: ColumnType<number | null, number | null | undefined, number | null>
  created_at: CreatedAt
  updated_at: CreatedAt
}

export interface AppUserTable {
  id: Generated<string>
  username: string
  display_name: string
  email: string | null
  phone: string | null
  job_title: string | null
  organisation_id: string
  kind: Generated<'person' | 'system'>
  status: Generated<UserStatus>
  status_reason: string | null
  password_hash: string | null
  dbs_checked_on: DateOnly | null
  training_completed_on: DateOnly | null
  agreement_signed_on: DateOnly | null
  access_channel: Generated<AccessChannel>
  failed_sign_ins: Generated<number>
  locked_until: Timestamp | null
  last_sign_in_at: Timestamp | null
  /** Declared at registration (0007) so that monitoring notices a search of the user's own street. */
  home_street: ColumnType<string | null, string | null | undefined, string | null>
  home_postcode: ColumnType<string | null, string | null | undefined, string | null>
  created_by: string | null
  created_at: CreatedAt
  updated_at: CreatedAt
}

export interface UserRoleTable {
  user_id: string
  role: Role
  authority_id: string | null
  granted_by: string | null
  granted_at: CreatedAt
}

export interface ChildTable {
  id: Generated<string>
  contactpoint_id: string
  given_name: string
  middle_names: string | null
  family_name: string
  gender: Gender
  date_of_birth: DateOnly
  date_of_death: DateOnly | null
  address_status: Generated<AddressStatus>
  return_intent: ReturnIntent | null
  responsible_authority_id: string
  shielded: Generated<boolean>
  status: Generated<ChildStatus>
  replaced_by_id: string | null
  archive_due_on: DateOnly
  retention_extended_to: DateOnly | null
  retention_extension_basis: 'care_leaver' | 'learning_difficulty_or_disability' | null
  archived_at: Timestamp | null
  delete_due_on: DateOnly | null
  /** The day the child was first known to have left England (set by the lifecycle job); null otherwise. */
  left_england_on: ColumnType<DateOnly | null, DateOnly | null | undefined, DateOnly | null>
  version: Generated<number>
  created_at: CreatedAt
  updated_at: CreatedAt
}

export interface ChildNameTable {
  id: Generated<string>
  child_id: string
  kind: 'former' | 'alias'
  given_name: string | null
  middle_names: string | null
  family_name: string
  used_until: DateOnly | null
  created_at: CreatedAt
}

export interface ChildAddressTable {
  id: Generated<string>
  child_id: string
  lines: string[]
  town: string | null
  postcode: string | null
  is_current: boolean
  valid_from: DateOnly | null
  valid_to: DateOnly | null
  created_at: CreatedAt
}

export interface DataSourceTable {
  id: Generated<string>
  code: string
  name: string
  scope: 'national' | 'local'
  organisation_id: string
  authority_id: string | null
  supplies: ColumnType<string[], string[] | undefined, string[]>
  precedence: Generated<number>
  /** per-field overrides of `precedence` ({ "address": 95 }) */
  field_precedence: ColumnType<Record<string, number>, string | undefined, string>
  active: Generated<boolean>
  created_at: CreatedAt
}

export interface SourceRecordTable {
  id: Generated<string>
  source_id: string
  record_id: string
  given_name: string | null
  middle_names: string | null
  family_name: string | null
  former_family_names: ColumnType<string[], string[] | undefined, string[]>
  date_of_birth: DateOnly | null
  date_of_death: DateOnly | null
  gender: Gender | null
  address_lines: string[] | null
  town: string | null
  postcode: string | null
  address_status: AddressStatus | null
  return_intent: ReturnIntent | null
  nhs_number: string | null
  upn: string | null
  payload: ColumnType<unknown, string, string>
  content_hash: string
  status: Generated<'active' | 'deleted'>
  received_at: CreatedAt
  updated_at: CreatedAt
  deleted_at: Timestamp | null
  block_keys: ColumnType<string[], string[] | undefined, string[]>
  carer_names: string | null
  held: Generated<boolean>
  last_load_id: string | null
}

export type FeedLoadStatus = 'loading' | 'applied' | 'refused'
export type FeedLoadPhase = 'records' | 'ending' | 'done'
export interface FeedLoadTable {
  id: Generated<string>
  source_id: string
  file_name: string
  file_sha256: string
  format: 'jsonl' | 'csv'
  kind: 'full' | 'incremental'
  method: 'bulk' | 'incremental'
  group_id: string | null
  status: FeedLoadStatus
  phase: Generated<FeedLoadPhase>
  next_line: Generated<number>
  rows_read: Generated<number>
  rows_rejected: Generated<number>
  counts: ColumnType<Record<string, number>, string | undefined, string>
  refusal: string | null
  channel: 'cli' | 'api' | 'system'
  loaded_by_user_id: string | null
  started_at: CreatedAt
  finished_at: Timestamp | null
}

export interface FeedRejectionTable {
  load_id: string
  line: number
  record_id: string | null
  reason: string
}

export interface LinkageModelTable {
  version: string
  model: string
  trained_on: number
  active: Generated<boolean>
  created_at: CreatedAt
}

export type ReviewKind = 'record' | 'children'
export type ReviewStatus = 'open' | 'awaiting_approval' | 'same' | 'different' | 'withdrawn'
export interface MatchReviewTable {
  id: Generated<string>
  kind: ReviewKind
  authority_id: string
  source_record_id: string | null
  child_id: string
  other_child_id: string | null
  match_probability: number
  reason: string
  explanation: ColumnType<unknown, string | null | undefined, string | null>
  status: Generated<ReviewStatus>
  decided_by_user_id: string | null
  decided_at: Timestamp | null
  approved_by_user_id: string | null
  approved_at: Timestamp | null
  created_at: CreatedAt
}

export interface ChildMergeTable {
  id: Generated<string>
  merged_child_id: string
  into_child_id: string
  review_id: string | null
  moved_record_ids: string[]
  decided_by_user_id: string
  approved_by_user_id: string
  merged_at: CreatedAt
  split_by_user_id: string | null
  split_at: Timestamp | null
}

export type ConflictField = 'date_of_birth' | 'gender' | 'address_status'
export interface RecordConflictTable {
  id: Generated<string>
  child_id: string
  field: ConflictField
  values: ColumnType<unknown, string, string>
  status: Generated<'open' | 'resolved'>
  created_at: CreatedAt
  resolved_by_user_id: string | null
  resolved_at: Timestamp | null
}

export interface RecordLinkTable {
  source_record_id: string
  child_id: string
  state: LinkState
  match_weight: number | null
  match_probability: number | null
  decided_by: LinkDecider
  decided_by_user_id: string | null
  decided_at: CreatedAt
  model_version: string | null
  explanation: ColumnType<unknown, string | null, string | null> | null
}

export interface ChildIdentifierTable {
  child_id: string
  scheme: 'nhs_number' | 'upn'
  value: string
  issuer_organisation_id: string
  source_record_id: string | null
}

export interface FieldProvenanceTable {
  child_id: string
  field: ProvenanceField
  source_record_id: string | null
  source_id: string | null
  recorded_by_user_id: string | null
  recorded_at: CreatedAt
}

export interface CarerTable {
  id: Generated<string>
  child_id: string
  given_name: string
  family_name: string
  relationship: CarerRelationship
  parental_responsibility: boolean
  phone: string | null
  email: string | null
  address_lines: string[] | null
  town: string | null
  postcode: string | null
  source_record_id: string | null
  created_at: CreatedAt
  updated_at: CreatedAt
}

export interface InvolvementTable {
  id: Generated<string>
  child_id: string
  service_type: ServiceType
  organisation_id: string
  practitioner_user_id: string | null
  practitioner_name: string | null
  phone: string | null
  email: string | null
  started_on: DateOnly
  ended_on: DateOnly | null
  is_lead_professional: Generated<boolean>
  holds_caf: Generated<boolean>
  is_sensitive: Generated<boolean>
  consent_basis: ConsentBasis | null
  source_record_id: string | null
  supplier_involvement_id: string | null
  created_by_user_id: string | null
  created_at: CreatedAt
  updated_at: CreatedAt
}

export interface ConcernMarkerTable {
  id: Generated<string>
  child_id: string
  organisation_id: string
  set_by_user_id: string
  contact_name: string
  contact_phone: string | null
  contact_email: string | null
  set_at: CreatedAt
  removed_at: Timestamp | null
  removed_by_user_id: string | null
}

export interface ShieldDecisionTable {
  id: Generated<string>
  child_id: string
  reason: ShieldReason
  note: string | null
  decided_by_user_id: string | null
  decided_at: CreatedAt
  review_due_on: DateOnly
  lifted_at: Timestamp | null
  lifted_by_user_id: string | null
}

export interface AuditEventTable {
  seq: ColumnType<string, never, never>
  id: Generated<string>
  occurred_at: Timestamp
  actor_user_id: string | null
  actor_organisation_id: string | null
  on_behalf_of: string | null
  channel: AuditChannel
  action: string
  outcome: AuditOutcome
  subject_type: string | null
  subject_id: string | null
  reason_code: string | null
  reason_text: string | null
  details: ColumnType<unknown, string, never>
  client_ip: string | null
  request_id: string | null
  prev_hash: string | null
  hash: string
}

export interface PostcodeDistrictTable {
  district: string
  authority_id: string
  updated_at: CreatedAt
}

export interface SystemStateTable {
  key: string
  value: ColumnType<unknown, string, string>
  updated_at: CreatedAt
}

export type SessionPurpose = 'sign_in' | 'enrolment'
export type SecondFactor = 'webauthn' | 'totp'
export type SessionEndReason =
  | 'signed_out' | 'signed_out_everywhere' | 'idle_timeout' | 'absolute_timeout' | 'account_not_active' | 'factor_reset'

export interface UserSessionTable {
  id: string
  user_id: string
  created_at: Timestamp
  last_seen_at: Timestamp
  expires_at: Timestamp
  purpose: SessionPurpose
  second_factor: SecondFactor | null
  second_factor_at: Timestamp | null
  challenge: string | null
  client_ip: string | null
  ended_at: Timestamp | null
  end_reason: SessionEndReason | null
}

export interface TotpCredentialTable {
  user_id: string
  secret_ciphertext: string
  confirmed_at: Timestamp | null
  last_used_step: string | null
  created_at: CreatedAt
}

export interface WebauthnCredentialTable {
  id: string
  user_id: string
  public_key: Uint8Array
  sign_count: ColumnType<string, number | undefined, number>
  transports: ColumnType<string[], string[] | undefined, string[]>
  label: string | null
  created_at: CreatedAt
  last_used_at: Timestamp | null
}

export interface EnrolmentInvitationTable {
  token_hash: string
  user_id: string
  created_by: string | null
  created_at: CreatedAt
  expires_at: Timestamp
  used_at: Timestamp | null
}

/** Search keys of one name of a child; written only by the 0004 triggers, read by src/search. */
export interface ChildSearchNameTable {
  name_ref: string
  child_id: string
  kind: 'current' | 'former' | 'alias'
  given_key: string | null
  other_given_keys: string[]
  family_key: string
  family_sound: string
  family_sound_alt: string
  family_parts: string[]
  date_of_birth: DateOnly
}

export type ShieldOverrideStatus = 'open' | 'closed'

/** A shielded record opened with the override right: the authority's alert, investigated until closed. */
export interface ShieldOverrideTable {
  id: Generated<string>
  child_id: string
  authority_id: string
  user_id: string
  session_id: string
  reason_code: string
  reason_text: string
  created_at: Timestamp
  status: Generated<ShieldOverrideStatus>
  closed_at: Timestamp | null
  closed_by_user_id: string | null
  outcome: string | null
  /** How the investigation ended (0007). */
  outcome_code: ColumnType<OverrideOutcome | null, OverrideOutcome | null | undefined, OverrideOutcome | null>
}

export type OverrideOutcome = 'justified' | 'not_justified' | 'referred'
export const MONITORING_RULES = ['volume', 'own_surname', 'own_street', 'views_without_involvement', 'out_of_area', 'shielded_access', 'unusual_hours'] as const
export type MonitoringRule = (typeof MONITORING_RULES)[number]
export type AlertOutcome = 'legitimate' | 'misuse_confirmed' | 'training_needed' | 'referred'

/** An alert a misuse rule raised about a user, for the privacy officer of the user's authority (0007). */
export interface MonitoringAlertTable {
  id: Generated<string>
  authority_id: string | null
  user_id: string
  rule: MonitoringRule
  window_start: Timestamp
  window_end: Timestamp
  summary: string
  evidence: ColumnType<unknown, string, string>
  dedupe_key: string
  raised_at: Timestamp
  status: Generated<'open' | 'closed'>
  user_suspended_at: Timestamp | null
  closed_at: Timestamp | null
  closed_by_user_id: string | null
  outcome_code: AlertOutcome | null
  outcome: string | null
}

export const ERROR_REPORT_PARTS = ['name', 'date_of_birth', 'gender', 'address', 'carers', 'involvements', 'other'] as const
export type ErrorReportPart = (typeof ERROR_REPORT_PARTS)[number]

/** A practitioner's report of a data error, in the child's authority's data-quality queue (0006). */
export interface DataErrorReportTable {
  id: Generated<string>
  child_id: string
  authority_id: string
  reported_by_user_id: string
  reporter_organisation_id: string
  part: ErrorReportPart
  description: string
  status: Generated<'open' | 'resolved'>
  created_at: CreatedAt
  resolved_at: Timestamp | null
  resolved_by_user_id: string | null
  resolution_note: string | null
}

export const IDENTITY_CHECKS = ['called_back_known_number', 'verified_with_organisation', 'known_colleague', 'other'] as const
export type IdentityCheck = (typeof IDENTITY_CHECKS)[number]

/** An authorised user searching on behalf of a caller, for the rest of a session or until ended (0006). */
export interface PhoneEnquiryTable {
  id: Generated<string>
  user_id: string
  session_id: string
  caller_name: string
  caller_organisation: string
  caller_phone: string
  identity_check: IdentityCheck
  identity_check_detail: string | null
  started_at: Timestamp
  ended_at: Timestamp | null
}

export type ApiClientStatus = 'active' | 'suspended' | 'revoked'
export interface ApiClientTable {
  id: string
  name: string
  organisation_id: string
  system_user_id: string
  scopes: string[]
  status: Generated<ApiClientStatus>
  created_by: string | null
  created_at: CreatedAt
  updated_at: CreatedAt
}

export interface ApiClientKeyTable {
  client_id: string
  kid: string
  jwk: ColumnType<Record<string, unknown>, string, string>
  status: Generated<'active' | 'retired'>
  created_at: CreatedAt
  retired_at: Timestamp | null
}

export interface ApiAssertionTable {
  client_id: string
  jti: string
  expires_at: Timestamp
}

export interface ApiTokenTable {
  token_hash: string
  client_id: string
  scopes: string[]
  issued_at: Timestamp
  expires_at: Timestamp
}

export interface ApiIdempotencyTable {
  client_id: string
  key: string
  request_hash: string
  status: number | null
  response: ColumnType<unknown, string | null, string | null>
  created_at: Timestamp
}

export interface WebhookSubscriptionTable {
  id: Generated<string>
  client_id: string
  url: string
  secret_ciphertext: string
  status: Generated<'active' | 'ended'>
  created_at: CreatedAt
  ended_at: Timestamp | null
}

/** The outbox of changes that case management systems are told about (src/notifications). */
export interface ChangeEventTable {
  seq: ColumnType<string, never, never>
  id: Generated<string>
  type: string
  child_id: string
  contactpoint_id: string
  replaced_by: string | null
  occurred_at: Timestamp
  fanned_out: Generated<boolean>
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'dead'
export interface WebhookDeliveryTable {
  id: Generated<string>
  subscription_id: string
  event_id: string
  status: Generated<WebhookDeliveryStatus>
  attempts: Generated<number>
  next_attempt_at: Timestamp
  last_error: string | null
  delivered_at: Timestamp | null
  created_at: CreatedAt
}

export interface Database {
  organisation: OrganisationTable
  app_user: AppUserTable
  user_role: UserRoleTable
  child: ChildTable
  child_name: ChildNameTable
  child_address: ChildAddressTable
  data_source: DataSourceTable
  source_record: SourceRecordTable
  record_link: RecordLinkTable
  child_identifier: ChildIdentifierTable
  field_provenance: FieldProvenanceTable
  carer: CarerTable
  involvement: InvolvementTable
  concern_marker: ConcernMarkerTable
  shield_decision: ShieldDecisionTable
  audit_event: AuditEventTable
  system_state: SystemStateTable
  postcode_district: PostcodeDistrictTable
  user_session: UserSessionTable
  totp_credential: TotpCredentialTable
  webauthn_credential: WebauthnCredentialTable
  enrolment_invitation: EnrolmentInvitationTable
  feed_load: FeedLoadTable
  feed_rejection: FeedRejectionTable
  linkage_model: LinkageModelTable
  match_review: MatchReviewTable
  child_merge: ChildMergeTable
  record_conflict: RecordConflictTable
  child_search_name: ChildSearchNameTable
  shield_override: ShieldOverrideTable
  data_error_report: DataErrorReportTable
  phone_enquiry: PhoneEnquiryTable
  monitoring_alert: MonitoringAlertTable
  api_client: ApiClientTable
  api_client_key: ApiClientKeyTable
  api_assertion: ApiAssertionTable
  api_token: ApiTokenTable
  api_idempotency: ApiIdempotencyTable
  webhook_subscription: WebhookSubscriptionTable
  change_event: ChangeEventTable
  webhook_delivery: WebhookDeliveryTable
}

export type Organisation = Selectable<OrganisationTable>
export type NewOrganisation = Insertable<OrganisationTable>
export type AppUser = Selectable<AppUserTable>
export type NewAppUser = Insertable<AppUserTable>
export type AppUserUpdate = Updateable<AppUserTable>
export type Child = Selectable<ChildTable>
export type NewChild = Insertable<ChildTable>
export type ChildUpdate = Updateable<ChildTable>
export type ChildAddress = Selectable<ChildAddressTable>
export type ChildName = Selectable<ChildNameTable>
export type Carer = Selectable<CarerTable>
export type NewCarer = Insertable<CarerTable>
export type Involvement = Selectable<InvolvementTable>
export type NewInvolvement = Insertable<InvolvementTable>
export type ConcernMarker = Selectable<ConcernMarkerTable>
export type DataSource = Selectable<DataSourceTable>
export type SourceRecord = Selectable<SourceRecordTable>
export type NewSourceRecord = Insertable<SourceRecordTable>
export type RecordLink = Selectable<RecordLinkTable>
export type FeedLoad = Selectable<FeedLoadTable>
export type MatchReview = Selectable<MatchReviewTable>
export type AuditEvent = Selectable<AuditEventTable>
export type UserSession = Selectable<UserSessionTable>
export type ShieldOverride = Selectable<ShieldOverrideTable>
export type DataErrorReport = Selectable<DataErrorReportTable>
export type PhoneEnquiry = Selectable<PhoneEnquiryTable>
export type MonitoringAlert = Selectable<MonitoringAlertTable>
export type ApiClient = Selectable<ApiClientTable>
export type WebhookSubscription = Selectable<WebhookSubscriptionTable>
export type ChangeEvent = Selectable<ChangeEventTable>
export type WebhookDelivery = Selectable<WebhookDeliveryTable>
