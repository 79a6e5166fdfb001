// Password hashing with argon2id from Node's own crypto (no native add-on), stored in the PHC
// string format so parameters can be raised later without invalidating existing hashes.
// Parameters follow OWASP's argon2id baseline: 19 MiB memory, 2 passes, 1 lane.
import { argon2, randomBytes, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'

const argon2Async = promisify(argon2)
const PARAMS = { memory: 19_456, passes: 2, parallelism: 1, tagLength: 32 } as const

export async function hashPassword(password: string): Promise<string> {
  const nonce = randomBytes(16)
  const tag = await argon2Async('argon2id', { message: password, nonce, ...PARAMS })
  return `$argon2id$v=19$m=${PARAMS.memory},t=${PARAMS.passes},p=${PARAMS.parallelism}$${b64(nonce)}$${b64(tag)}`
}

export async function verifyPassword(password: string, phc: string): Promise<boolean> {
  const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(phc)
  if (!match) return false
  const [, memory, passes, parallelism, salt, hash] = match as unknown as [string, string, string, string, string, string]
  const expected = Buffer.from(hash, 'base64')
  const actual = await argon2Async('argon2id', {
    message: password, nonce: Buffer.from(salt, 'base64'), memory: Number(memory), passes: Number(passes),
    parallelism: Number(parallelism), tagLength: expected.length,
  })
  return actual.length === expected.length && timingSafeEqual(actual, expected)
}

/** A hash of a random password: verifying against it costs the same as a real check, for unknown users. */
export const hashForTiming = (): Promise<string> => hashPassword(randomBytes(18).toString('base64'))

const b64 = (bytes: Buffer): string => bytes.toString('base64').replace(/=+$/, '')
