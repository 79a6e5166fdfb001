// Structured logs with pino. Logs are operational, never a copy of the data: request logs carry the
// method, route pattern, status and request id, never query strings, bodies or names. The redaction
// list is a second line of defence for anything that slips into a log call.
import { pino, type Logger } from 'pino'
import type { LogLevel } from '../config/config.ts'

export type { Logger }

export const REDACTED_PATHS = [
  'password', '*.password', 'token', '*.token', 'secret', '*.secret', 'totp', '*.totp',
  'req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]',
  'headers.authorization', 'headers.cookie',
  'name', '*.name', 'givenName', '*.givenName', 'familyName', '*.familyName',
  'dateOfBirth', '*.dateOfBirth', 'postcode', '*.postcode', 'address', '*.address',
  'query', '*.query', 'body', '*.body',
]

export function createLogger(level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'contactpoint' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination as pino.DestinationStream | undefined,
  )
}
