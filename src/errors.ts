// One error vocabulary for the whole service. Every failure a user or client can see is an
// AppError with a stable machine code (documented in docs/errors.md) and a message safe to show.
// Anything else is an internal error: logged with its stack, shown as a generic 500.

export const ERROR_CODES = {
  validation_failed: 400,
  invalid_contactpoint_id: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
} as const

export type ErrorCode = keyof typeof ERROR_CODES

/** A problem with one input field, addressed by its name (a form field or a JSON pointer). */
export interface FieldProblem {
  readonly field: string
  readonly message: string
}

export class AppError extends Error {
  readonly code: ErrorCode
  readonly status: number
  readonly fields: readonly FieldProblem[]

  constructor(code: ErrorCode, message: string, options: { fields?: readonly FieldProblem[]; cause?: unknown } = {}) {
    super(message, { cause: options.cause })
    this.name = 'AppError'
    this.code = code
    this.status = ERROR_CODES[code]
    this.fields = options.fields ?? []
  }
}

export const notFound = (what: string): AppError => new AppError('not_found', `${what} was not found`)

export const validationFailed = (fields: readonly FieldProblem[]): AppError =>
  new AppError('validation_failed', fields.length === 1 && fields[0] ? fields[0].message : 'Some of the information given is not valid', { fields })
