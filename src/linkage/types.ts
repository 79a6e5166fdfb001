// The records the engine links and the shapes of its settings and results.

/** One source record about a child, as the source sent it (every field but the two keys optional). */
export interface LinkRecord {
  /** The data source (feed) the record came from, e.g. `dwp-child-benefit`. */
  readonly source: string
  /** The record's identifier within its source. (source, recordId) is unique. */
  readonly recordId: string
  readonly givenName?: string | undefined
  /** Space-separated. */
  readonly middleNames?: string | undefined
  readonly familyName?: string | undefined
  /** Earlier family names, separated by `;` or `|`. */
  readonly formerFamilyNames?: string | undefined
  /** ISO `YYYY-MM-DD`; `YYYYMMDD`, `DD/MM/YYYY`, `DD-MM-YYYY`, `DD.MM.YYYY` and `12 March 2015` are also understood. */
  readonly dateOfBirth?: string | undefined
  /** Free text: M/F/male/female/boy/girl/1/2; anything else means not recorded. */
  readonly gender?: string | undefined
  readonly address?: string | undefined
  readonly postcode?: string | undefined
  readonly nhsNumber?: string | undefined
  readonly upn?: string | undefined
  /**
   * The child's parents and carers by name ("given family"): a list, or one text with the names
   * separated by `;` or `|` ("Sarah Okafor; David Okafor"). Optional: records without carers are
   * compared as before (the carers comparison counts as missing).
   */
  readonly carers?: string | readonly string[] | undefined
  /** Further attributes a model may compare (named in its settings), e.g. a GP practice code. */
  readonly extra?: Readonly<Record<string, string | undefined>> | undefined
}

export type Outcome = 'link' | 'review' | 'no-link'

/**
 * Which pairs are candidates: `dedupe` compares every pair (duplicates within a source as well as
 * across sources — ContactPoint's case); `link-only` compares only records from different sources.
 */
export type LinkType = 'dedupe' | 'link-only'
