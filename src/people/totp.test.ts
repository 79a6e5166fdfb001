import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import fc from 'fast-check'
import { open, seal } from './secret-box.ts'
import { base32Decode, base32Encode, hotp, matchTotp, otpauthUri, stepAt, totpAt } from './totp.ts'

const RFC_SECRET = Buffer.from('12345678901234567890')

test('HOTP matches the RFC 4226 appendix D test values', () => {
  const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489']
  expected.forEach((code, counter) => assert.equal(hotp(RFC_SECRET, counter), code))
})

test('TOTP matches the RFC 6238 appendix B test values (SHA-1, 8 digits)', () => {
  const vectors: [number, string][] = [[59, '94287082'], [1111111109, '07081804'], [1111111111, '14050471'],
    [1234567890, '89005924'], [2000000000, '69279037'], [20000000000, '65353130']]
  for (const [seconds, code] of vectors) assert.equal(hotp(RFC_SECRET, Math.floor(seconds / 30), 8), code)
})

test('a code is accepted in its own step and one step either side, and nowhere else', () => {
  const secret = randomBytes(20)
  const now = new Date('2026-11-24T10:00:15Z')
  const code = totpAt(secret, now)
  assert.equal(matchTotp(secret, code, now), stepAt(now))
  assert.equal(matchTotp(secret, code, new Date(now.getTime() + 30_000)), stepAt(now))
  assert.equal(matchTotp(secret, code, new Date(now.getTime() - 30_000)), stepAt(now))
  assert.equal(matchTotp(secret, code, new Date(now.getTime() + 61_000)), null)
  assert.equal(matchTotp(secret, '12345', now), null)
  assert.equal(matchTotp(secret, 'abcdef', now), null)
})

test('base32 round-trips any bytes and decodes what authenticator apps show', () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 40 }), (bytes) => base32Decode(base32Encode(Buffer.from(bytes))).equals(Buffer.from(bytes))))
  assert.equal(base32Encode(Buffer.from('foobar')), 'MZXW6YTBOI')
  assert.deepEqual(base32Decode('mzxw 6ytb oi'), Buffer.from('foobar'))
  assert.match(otpauthUri(RFC_SECRET, 'demo.teacher'), /^otpauth:\/\/totp\/ContactPoint%3Ademo.teacher\?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ContactPoint/)
})

test('sealed secrets open only with the same key and detect any change', () => {
  const key = randomBytes(32)
  const secret = randomBytes(20)
  const sealed = seal(secret, key)
  assert.deepEqual(open(sealed, key), secret)
  assert.notEqual(seal(secret, key), sealed, 'a fresh nonce every time')
  assert.throws(() => open(sealed, randomBytes(32)))
  const parts = sealed.split('.')
  const body = Buffer.from(parts[3] as string, 'base64url')
  body[0] = (body[0] as number) ^ 1
  assert.throws(() => open([parts[0], parts[1], parts[2], body.toString('base64url')].join('.'), key))
})
