// The data sources that see the population, each with its coverage and its own error profile.
// This table is the single statement of the model: the generator reads it, the manifest counts
// against it and docs/synthetic.md prints it.

import type { ServiceType } from '../feeds/feed-record.ts'
import type { Authority } from './world.ts'

/**
 * Ways a source's record departs from the truth. Each rate is the chance that the error is made
 * on a record where it can apply: a nickname needs a name that has one, a day/month swap needs a
 * day of 12 or less that differs from the month, an old address needs a child who moved, and so on.
 */
export const ERROR_KINDS = [
  'baby_placeholder', // a newborn still registered as "Baby" with the mother's surname
  'former_family_name', // the source still holds the surname the child had before a change
  'double_barrel_variant', // Okonkwo-Mensah held as Okonkwo, Mensah, "Okonkwo Mensah" or OkonkwoMensah
  'nickname', // a short or familiar form: Alex for Alexander, Ollie for Oliver
  'name_variant', // another spelling in common use: Mohammed for Muhammad, Aiden for Aidan
  'given_middle_swap', // the middle name held as the given name and vice versa
  'given_family_swap', // given and family names exchanged
  'diacritics_stripped', // Zoë → Zoe, Wiśniewski → Wisniewski, by ASCII-only systems
  'given_name_typo', // one keying or OCR error: insertion, deletion, substitution, transposition
  'family_name_typo',
  'name_case', // upper or lower case, stray spaces
  'missing_middle_names',
  'dob_day_month_swap', // 2014-03-07 held as 2014-07-03
  'dob_digit', // one digit of the date of birth wrong (still a real date)
  'old_address', // a child who moved, held at the previous address
  'missing_postcode',
  'missing_gender',
  'missing_nhs_number',
  'nhs_number_typo', // one digit wrong or two adjacent digits exchanged
  'missing_upn',
  'duplicate', // the same child held twice under two record IDs
] as const
export type ErrorKind = (typeof ERROR_KINDS)[number]
export type ErrorRates = Readonly<Partial<Record<ErrorKind, number>>>

/** Which children a source can hold, before its coverage rate is applied. */
export type Eligibility =
  | 'child_benefit' // under 16, or 16–17 in education
  | 'nhs_registered' // has an NHS number
  | 'state_pupil' // in Reception to Year 11 at a state-funded school
  | 'born_in_england'
  | 'recent_arrival' // born abroad, arrived in the last three years
  | 'service' // has an involvement of one of the source's services

export type CarerPolicy = 'claimant' | 'parents' | 'all' | 'none'

export interface SourceProfile {
  /** National: the source code. Local: the suffix after the authority's slug ("education"). */
  readonly key: string
  readonly scope: 'national' | 'local'
  readonly name: string
  /** National: the supplying body's code. Local: which of the authority's organisations supplies it. */
  readonly organisation: string
  /** Record ID prefix; local sources put the authority's postcode area in front. */
  readonly idPrefix: string
  readonly eligibility: Eligibility
  readonly coverage: number
  /** Household: one draw decides for all the children of a household (one Child Benefit claim). */
  readonly unit: 'child' | 'household'
  readonly services: readonly ServiceType[]
  readonly carers: CarerPolicy
  readonly nhsNumber: boolean
  readonly upn: boolean
  /** Keeps the surnames a child had before, when it knows the current one. */
  readonly formerNames: boolean
  readonly dateOfDeath: boolean
  readonly errors: ErrorRates
}

export const SOURCE_PROFILES: readonly SourceProfile[] = [
  {
    key: 'dwp-child-benefit', scope: 'national', name: 'DWP Child Benefit', organisation: 'DWP', idPrefix: 'CHB-',
    eligibility: 'child_benefit', coverage: 0.92, unit: 'household', services: [], carers: 'claimant',
    nhsNumber: false, upn: false, formerNames: false, dateOfDeath: true,
    errors: {
      former_family_name: 0.3, double_barrel_variant: 0.2, nickname: 0.01, name_variant: 0.01, given_middle_swap: 0.005,
      given_family_swap: 0.001, diacritics_stripped: 0.95, given_name_typo: 0.01, family_name_typo: 0.012, name_case: 0.05,
      missing_middle_names: 0.1, dob_day_month_swap: 0.004, dob_digit: 0.004, old_address: 0.3, missing_postcode: 0.003,
      missing_gender: 0.002, duplicate: 0.005,
    },
  },
  {
    key: 'nhs-pds', scope: 'national', name: 'NHS Personal Demographics Service', organisation: 'NHSE', idPrefix: 'PDS-',
    eligibility: 'nhs_registered', coverage: 0.995, unit: 'child', services: ['gp_practice'], carers: 'none',
    nhsNumber: true, upn: false, formerNames: true, dateOfDeath: true,
    errors: {
      baby_placeholder: 0.5, former_family_name: 0.15, double_barrel_variant: 0.05, nickname: 0.003, name_variant: 0.005,
      given_middle_swap: 0.002, given_family_swap: 0.0005, diacritics_stripped: 0.6, given_name_typo: 0.004,
      family_name_typo: 0.004, name_case: 0.01, missing_middle_names: 0.05, dob_day_month_swap: 0.001, dob_digit: 0.001,
      old_address: 0.35, missing_postcode: 0.005, missing_gender: 0.001, duplicate: 0.003,
    },
  },
  {
    key: 'dfe-school-census', scope: 'national', name: 'DfE school census', organisation: 'DFE', idPrefix: 'NPD-',
    eligibility: 'state_pupil', coverage: 0.995, unit: 'child', services: ['school'], carers: 'none',
    nhsNumber: false, upn: true, formerNames: true, dateOfDeath: false,
    errors: {
      former_family_name: 0.35, double_barrel_variant: 0.15, nickname: 0.03, name_variant: 0.01, given_middle_swap: 0.01,
      given_family_swap: 0.001, diacritics_stripped: 0.4, given_name_typo: 0.006, family_name_typo: 0.006, name_case: 0.02,
      missing_middle_names: 0.2, dob_day_month_swap: 0.002, dob_digit: 0.002, old_address: 0.15, missing_postcode: 0.01,
      missing_upn: 0.002, duplicate: 0.004,
    },
  },
  {
    key: 'gro-births', scope: 'national', name: 'GRO birth registrations', organisation: 'GRO', idPrefix: 'GRO-',
    eligibility: 'born_in_england', coverage: 0.998, unit: 'child', services: [], carers: 'parents',
    nhsNumber: false, upn: false, formerNames: false, dateOfDeath: false,
    // Registered at birth: the birth surname and the address at birth are the record, not mistakes.
    errors: {
      former_family_name: 1, old_address: 1, name_variant: 0.002, diacritics_stripped: 0.1, given_name_typo: 0.002,
      family_name_typo: 0.002, name_case: 0.01, dob_digit: 0.001, missing_postcode: 0.002, duplicate: 0.001,
    },
  },
  {
    key: 'home-office', scope: 'national', name: 'Home Office', organisation: 'HO', idPrefix: 'HO-',
    eligibility: 'recent_arrival', coverage: 0.5, unit: 'household', services: [], carers: 'all',
    nhsNumber: true, upn: false, formerNames: false, dateOfDeath: false,
    errors: {
      nickname: 0.02, name_variant: 0.04, given_middle_swap: 0.02, given_family_swap: 0.01, diacritics_stripped: 0.3,
      given_name_typo: 0.02, family_name_typo: 0.025, name_case: 0.05, missing_middle_names: 0.3, dob_day_month_swap: 0.02,
      dob_digit: 0.01, old_address: 0.1, missing_postcode: 0.05, missing_gender: 0.01, missing_nhs_number: 0.4,
      nhs_number_typo: 0.01, duplicate: 0.01,
    },
  },
  {
    key: 'education', scope: 'local', name: 'education (early years and schools)', organisation: 'council', idPrefix: 'ED-',
    eligibility: 'service', coverage: 0.97, unit: 'child', services: ['early_years', 'school', 'further_education'], carers: 'all',
    nhsNumber: false, upn: true, formerNames: true, dateOfDeath: false,
    errors: {
      former_family_name: 0.3, double_barrel_variant: 0.15, nickname: 0.04, name_variant: 0.01, given_middle_swap: 0.01,
      given_family_swap: 0.001, diacritics_stripped: 0.4, given_name_typo: 0.008, family_name_typo: 0.008, name_case: 0.02,
      missing_middle_names: 0.3, dob_day_month_swap: 0.003, dob_digit: 0.003, old_address: 0.2, missing_postcode: 0.01,
      missing_gender: 0.005, missing_upn: 0.03, duplicate: 0.006,
    },
  },
  {
    key: 'social-care', scope: 'local', name: "children's social care", organisation: 'socialCare', idPrefix: 'SC-',
    eligibility: 'service', coverage: 1, unit: 'child', services: ['childrens_social_care', 'early_help'], carers: 'all',
    nhsNumber: true, upn: true, formerNames: true, dateOfDeath: true,
    errors: {
      former_family_name: 0.1, double_barrel_variant: 0.15, nickname: 0.05, name_variant: 0.02, given_middle_swap: 0.01,
      given_family_swap: 0.002, diacritics_stripped: 0.5, given_name_typo: 0.015, family_name_typo: 0.015, name_case: 0.03,
      missing_middle_names: 0.4, dob_day_month_swap: 0.005, dob_digit: 0.005, old_address: 0.1, missing_postcode: 0.02,
      missing_gender: 0.01, missing_nhs_number: 0.3, nhs_number_typo: 0.005, missing_upn: 0.5, duplicate: 0.01,
    },
  },
  {
    key: 'yot', scope: 'local', name: 'youth offending team', organisation: 'youthOffending', idPrefix: 'YO-',
    eligibility: 'service', coverage: 1, unit: 'child', services: ['youth_offending'], carers: 'all',
    nhsNumber: true, upn: false, formerNames: true, dateOfDeath: false,
    errors: {
      former_family_name: 0.2, double_barrel_variant: 0.2, nickname: 0.08, name_variant: 0.03, given_middle_swap: 0.01,
      given_family_swap: 0.002, diacritics_stripped: 0.6, given_name_typo: 0.015, family_name_typo: 0.015, name_case: 0.05,
      missing_middle_names: 0.4, dob_day_month_swap: 0.005, dob_digit: 0.006, old_address: 0.15, missing_postcode: 0.02,
      missing_gender: 0.005, missing_nhs_number: 0.4, nhs_number_typo: 0.005, duplicate: 0.008,
    },
  },
  {
    key: 'youth-service', scope: 'local', name: 'youth service and Connexions', organisation: 'youthService', idPrefix: 'YS-',
    eligibility: 'service', coverage: 1, unit: 'child', services: ['youth_service', 'connexions'], carers: 'all',
    nhsNumber: false, upn: false, formerNames: false, dateOfDeath: false,
    errors: {
      former_family_name: 0.4, double_barrel_variant: 0.35, nickname: 0.15, name_variant: 0.04, given_middle_swap: 0.02,
      given_family_swap: 0.004, diacritics_stripped: 0.7, given_name_typo: 0.03, family_name_typo: 0.03, name_case: 0.05,
      missing_middle_names: 0.7, dob_day_month_swap: 0.01, dob_digit: 0.012, old_address: 0.3, missing_postcode: 0.08,
      missing_gender: 0.05, duplicate: 0.01,
    },
  },
  {
    key: 'health', scope: 'local', name: 'health visiting and school nursing', organisation: 'health', idPrefix: 'HV-',
    eligibility: 'service', coverage: 0.98, unit: 'child', services: ['health_visitor', 'school_nurse'], carers: 'all',
    nhsNumber: true, upn: false, formerNames: true, dateOfDeath: true,
    errors: {
      baby_placeholder: 0.3, former_family_name: 0.25, double_barrel_variant: 0.15, nickname: 0.02, name_variant: 0.02,
      given_middle_swap: 0.01, given_family_swap: 0.001, diacritics_stripped: 0.5, given_name_typo: 0.01,
      family_name_typo: 0.01, name_case: 0.02, missing_middle_names: 0.3, dob_day_month_swap: 0.003, dob_digit: 0.004,
      old_address: 0.25, missing_postcode: 0.01, missing_gender: 0.01, missing_nhs_number: 0.05, nhs_number_typo: 0.002,
      duplicate: 0.005,
    },
  },
  {
    key: 'voluntary', scope: 'local', name: 'voluntary sector', organisation: 'voluntary', idPrefix: 'VS-',
    eligibility: 'service', coverage: 1, unit: 'child', services: ['voluntary_sector'], carers: 'all',
    nhsNumber: false, upn: false, formerNames: false, dateOfDeath: false,
    errors: {
      former_family_name: 0.4, double_barrel_variant: 0.35, nickname: 0.12, name_variant: 0.04, given_middle_swap: 0.02,
      given_family_swap: 0.005, diacritics_stripped: 0.7, given_name_typo: 0.03, family_name_typo: 0.03, name_case: 0.08,
      missing_middle_names: 0.7, dob_day_month_swap: 0.012, dob_digit: 0.015, old_address: 0.3, missing_postcode: 0.1,
      missing_gender: 0.08, duplicate: 0.01,
    },
  },
  {
    key: 'sensitive', scope: 'local', name: 'sensitive services', organisation: 'council', idPrefix: 'SS-',
    eligibility: 'service', coverage: 1, unit: 'child', services: ['sexual_health', 'mental_health', 'substance_misuse'], carers: 'none',
    nhsNumber: true, upn: false, formerNames: false, dateOfDeath: false,
    errors: {
      former_family_name: 0.2, double_barrel_variant: 0.2, nickname: 0.1, name_variant: 0.03, given_middle_swap: 0.02,
      given_family_swap: 0.003, diacritics_stripped: 0.5, given_name_typo: 0.02, family_name_typo: 0.02, name_case: 0.03,
      missing_middle_names: 0.5, dob_day_month_swap: 0.008, dob_digit: 0.01, old_address: 0.2, missing_postcode: 0.05,
      missing_gender: 0.05, missing_nhs_number: 0.2, nhs_number_typo: 0.005, duplicate: 0.005,
    },
  },
]

export function sourceCode(profile: SourceProfile, authority: Pick<Authority, 'slug'>): string {
  return profile.scope === 'national' ? profile.key : `${authority.slug}-${profile.key}`
}
