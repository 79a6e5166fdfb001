// The family backgrounds the generator draws from, with their share of England's children.
// Shares follow the 2021 Census ethnic and national-identity mix of under-18s in England, folded
// into naming traditions (Black Caribbean and most mixed-heritage families name children from the
// English pool). `englishGiven` is the chance that a child's given name comes from the English
// pool instead; `migrant` is the chance that the family arrived from abroad (children born before
// arrival are born outside England); `feminineSurnames` turns Polish -ski/-cki surnames into -ska/-cka
// for girls and women, so brother and sister legitimately hold different surnames.

export const ORIGIN_CODES = [
  'english', 'irish', 'scottish', 'welsh', 'polish', 'romanian', 'portuguese', 'pakistani', 'bangladeshi',
  'indian', 'chinese', 'vietnamese', 'west_african', 'somali', 'arab', 'turkish',
] as const
export type OriginCode = (typeof ORIGIN_CODES)[number]

export interface Origin {
  readonly code: OriginCode
  readonly share: number
  readonly englishGiven: number
  readonly migrant: number
  readonly feminineSurnames?: boolean
}

export const ORIGINS: readonly Origin[] = [
  { code: 'english', share: 72.5, englishGiven: 1, migrant: 0.01 },
  { code: 'irish', share: 1.2, englishGiven: 0.5, migrant: 0.1 },
  { code: 'scottish', share: 1.2, englishGiven: 0.7, migrant: 0.05 },
  { code: 'welsh', share: 1.0, englishGiven: 0.7, migrant: 0.02 },
  { code: 'polish', share: 2.0, englishGiven: 0.2, migrant: 0.45, feminineSurnames: true },
  { code: 'romanian', share: 1.6, englishGiven: 0.15, migrant: 0.6 },
  { code: 'portuguese', share: 0.7, englishGiven: 0.15, migrant: 0.5 },
  { code: 'pakistani', share: 4.5, englishGiven: 0.1, migrant: 0.12 },
  { code: 'bangladeshi', share: 1.8, englishGiven: 0.1, migrant: 0.1 },
  { code: 'indian', share: 3.3, englishGiven: 0.2, migrant: 0.25 },
  { code: 'chinese', share: 0.7, englishGiven: 0.6, migrant: 0.35 },
  { code: 'vietnamese', share: 0.3, englishGiven: 0.3, migrant: 0.35 },
  { code: 'west_african', share: 3.6, englishGiven: 0.35, migrant: 0.3 },
  { code: 'somali', share: 0.6, englishGiven: 0.05, migrant: 0.25 },
  { code: 'arab', share: 0.8, englishGiven: 0.1, migrant: 0.45 },
  { code: 'turkish', share: 0.6, englishGiven: 0.1, migrant: 0.3 },
]
