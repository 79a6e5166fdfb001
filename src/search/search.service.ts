// Finding a child: check the criteria, ask the policy whom the user may find, look up candidates
// through the search indexes, decide given-name relations with the linkage engine's own name
// knowledge (familiar forms, Double Metaphone, edit distance), keep at most 50 results, and record
// the search in the audit trail — the kinds of criteria and the count, never what was typed.
import type { ChildStatus } from '../db/schema.ts'
import { AppError, validationFailed } from '../errors.ts'
import { decide, type Actor, type ChildFacts } from '../governance/policy.ts'
import { originOf, type AuditRepository } from '../governance/audit.repository.ts'
import { selfSearchFlags } from '../governance/monitoring-rules.ts'
import { doubleMetaphone } from '../linkage/metaphone.ts'
import { areVariants } from '../linkage/name-variants.ts'
import { jaroWinkler, oneEditApart } from '../linkage/strings.ts'
import type { ActionContext as RequestContext } from '../practice/practice.service.ts'
import type { UserWithRoles } from '../people/user.repository.ts'
import type { Clock } from '../system/clock.ts'
import { addressPatterns, criteriaKinds, parseSearchForm, type SearchCriteria, type SearchForm } from './search-criteria.ts'
import type { GivenKeys, SearchRepository, SearchRow } from './search.repository.ts'

/** Never more results than this on one page: more means the search needs another detail. */
export const MAX_RESULTS = 50

export type FoundChild = Omit<SearchRow, 'family_how' | 'given_how' | 'dob_how' | 'gender_how' | 'postcode_how' | 'address_how' | 'matched_family_name'>
  & Partial<Pick<SearchRow, 'family_how' | 'given_how' | 'dob_how' | 'gender_how' | 'postcode_how' | 'address_how' | 'matched_family_name'>>
  & { readonly by_id?: boolean }

export interface SearchOutcome {
  readonly criteria: SearchCriteria
  /**
   * results: every match is listed; strict_only: more than 50 matches, of which the strict ones
   * (at most 50) are listed; too_many: more than 50 strict matches, nothing listed; none.
   */
  readonly outcome: 'results' | 'strict_only' | 'too_many' | 'none'
  readonly results: readonly FoundChild[]
}

/** An authority no user has a role in: where the policy says yes for it, the user may search every authority. */
const ANOTHER_AUTHORITY = '(any other authority)'
const SEARCHABLE: readonly ChildStatus[] = ['active', 'archived']

export class SearchService {
  readonly #search: SearchRepository
  readonly #audit: AuditRepository
  readonly #clock: Clock

  constructor(d: { search: SearchRepository; audit: AuditRepository; clock: Clock }) {
    this.#search = d.search
    this.#audit = d.audit
    this.#clock = d.clock
  }

  /** True when the policy lets the user search at all (the page is offered only then). */
  maySearch(actor: Actor): boolean {
    return searchScope(actor) !== null
  }

  async search(actor: UserWithRoles, form: SearchForm, context: RequestContext): Promise<SearchOutcome> {
    const now = this.#clock.now()
    const parsed = parseSearchForm(form, now.toISOString().slice(0, 10))
    if ('problems' in parsed) throw validationFailed(parsed.problems)
    const { criteria } = parsed
    const audit = (outcome: 'success' | 'denied', details: Record<string, unknown>) => this.#audit.append({
      ...originOf(context), onBehalfOf: context.onBehalfOf ?? null, action: 'child.search', outcome, actorUserId: actor.id, actorOrganisationId: actor.organisation_id,
      details: { criteria: criteriaKinds(criteria), ...details }, occurredAt: now,
    })
    const scope = searchScope(actor)
    if (!scope) {
      await audit('denied', { reason: 'no role of the user allows searching' })
      throw new AppError('forbidden', 'Your account cannot search ContactPoint. Contact your local authority ContactPoint team.')
    }

    const outcome = criteria.kind === 'id' ? await this.#byId(actor, criteria) : await this.#byDetails(actor, criteria, scope)
    // Misuse monitoring needs to know a search was for the user's own surname or street; only the flag is kept, never the words.
    const self = criteria.kind === 'details' ? selfSearchFlags(actor, criteria) : { ownSurname: false, ownStreet: false }
    await audit('success', {
      ...(self.ownSurname ? { ownSurname: true } : {}), ...(self.ownStreet ? { ownStreet: true } : {}),
      outcome: outcome.outcome, results: outcome.results.length, shielded: outcome.results.filter((r) => r.shielded).length,
      tolerant: outcome.results.filter((r) => !r.strict).length,
    })
    return outcome
  }

  async #byId(actor: Actor, criteria: Extract<SearchCriteria, { kind: 'id' }>): Promise<SearchOutcome> {
    const row = await this.#search.byContactPointId(criteria.contactPointId)
    const found = row && decide(actor, 'child.search', { child: factsOf(row) }).allowed ? [{ ...row, by_id: true }] : []
    return { criteria, outcome: found.length ? 'results' : 'none', results: found }
  }

  async #byDetails(actor: Actor, criteria: Extract<SearchCriteria, { kind: 'details' }>, scope: Scope): Promise<SearchOutcome> {
    const keys = await this.#search.keysFor(criteria.familyName, criteria.givenName)
    let given: GivenKeys | null = null
    if (criteria.givenName) {
      const typed = keys.given ?? ''
      given = relateGivenNames(typed, await this.#search.candidateGivenNames(keys.family, criteria.dateOfBirth))
    }
    const rows = await this.#search.candidates({
      family: keys.family, given, dateOfBirth: criteria.dateOfBirth, gender: criteria.gender, postcode: criteria.postcode,
      addressPatterns: criteria.address ? addressPatterns(criteria.address) : null,
      statuses: scope.statuses, authorityIds: scope.authorityIds, limit: MAX_RESULTS + 1,
    })
    // The query already keeps to the user's scope; the policy has the last word on every row.
    const allowed = rows.filter((row) => decide(actor, 'child.search', { child: factsOf(row) }).allowed)
    if (allowed.length === 0) return { criteria, outcome: 'none', results: [] }
    if (allowed.length <= MAX_RESULTS) return { criteria, outcome: 'results', results: allowed }
    const strict = allowed.filter((r) => r.strict)
    if (strict.length > 0 && strict.length <= MAX_RESULTS) return { criteria, outcome: 'strict_only', results: strict }
    return { criteria, outcome: 'too_many', results: [] }
  }
}

interface Scope {
  readonly statuses: readonly ChildStatus[]
  readonly authorityIds: readonly string[] | null
}

/** Whom the policy lets this user find: which record states, and every authority or only some. */
export function searchScope(actor: Actor): Scope | null {
  const allowed = (authorityId: string, status: ChildStatus) =>
    decide(actor, 'child.search', { child: { responsibleAuthorityId: authorityId, shielded: false, status } }).allowed
  const own = [...new Set(actor.roles.map((r) => r.authorityId).filter((id): id is string => id !== null))]
  const statuses = SEARCHABLE.filter((s) => allowed(ANOTHER_AUTHORITY, s) || own.some((a) => allowed(a, s)))
  if (statuses.length === 0) return null
  if (statuses.some((s) => allowed(ANOTHER_AUTHORITY, s))) return { statuses, authorityIds: null }
  return { statuses, authorityIds: own.filter((a) => statuses.some((s) => allowed(a, s))) }
}

function factsOf(row: Pick<SearchRow, 'responsible_authority_id' | 'shielded' | 'status'>): ChildFacts {
  return { responsibleAuthorityId: row.responsible_authority_id, shielded: row.shielded, status: row.status }
}

/**
 * How each given name among the candidates relates to the one typed: the same, an initial, a
 * familiar form or other spelling (the linkage engine's name lists), the same sound (Double
 * Metaphone), or one slip of the keyboard away.
 */
export function relateGivenNames(typed: string, names: readonly string[]): GivenKeys {
  const keys = { exact: [typed], initial: [] as string[], variant: [] as string[], sound: [] as string[], spelling: [] as string[] }
  if (!typed) return keys
  const [p, a] = doubleMetaphone(typed)
  const typedCodes = new Set([p, a].filter(Boolean))
  for (const name of names) {
    if (name === typed) continue
    if (typed.length === 1) {
      if (name.startsWith(typed)) keys.initial.push(name)
      continue
    }
    if (areVariants(typed, name)) keys.variant.push(name)
    else if (doubleMetaphone(name).some((code) => code && typedCodes.has(code))) keys.sound.push(name)
    else if (typed.length >= 4 && (oneEditApart(typed, name) || jaroWinkler(typed, name) >= 0.93)) keys.spelling.push(name)
  }
  return keys
}
