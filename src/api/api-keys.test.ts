// Client keys and webhook signatures: pure rules, no database.
import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { test } from 'node:test'
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose'
import { backoff } from '../notifications/notification.service.ts'
import { signWebhook, verifyWebhook } from '../notifications/webhook-signature.ts'
import { checkScopes, publicKeyOf } from './api-auth.service.ts'

test('only a public key of a verified kind is registered; without a kid it gets its RFC 7638 thumbprint', async () => {
  const ec = await generateKeyPair('ES256', { extractable: true })
  const publicJwk = await exportJWK(ec.publicKey)
  const { kid, jwk } = await publicKeyOf(publicJwk)
  assert.equal(kid, await calculateJwkThumbprint(publicJwk))
  assert.deepEqual(Object.keys(jwk).sort(), ['crv', 'kid', 'kty', 'x', 'y'])
  await assert.rejects(publicKeyOf(await exportJWK(ec.privateKey)), /public key only/)
  await assert.rejects(publicKeyOf({ kty: 'oct', k: 'c2VjcmV0' }), /public key only/)
  const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' })
  await assert.rejects(publicKeyOf(small), /2048 bits/)
  await assert.rejects(publicKeyOf('not a key'), /JWK/)
  assert.equal((await publicKeyOf({ ...publicJwk, kid: 'cms-2026' })).kid, 'cms-2026')
})

test('scopes must be known ones', () => {
  assert.deepEqual(checkScopes(['children.read', 'children.read', 'notifications']), ['children.read', 'notifications'])
  assert.throws(() => checkScopes(['children.delete']), /Scopes must be/)
  assert.throws(() => checkScopes([]), /Scopes must be/)
})

test('a webhook signature covers the body and the time, within the replay window', () => {
  const at = new Date('2026-11-24T09:00:00Z')
  const body = '{"id":"e1","type":"child.merged"}'
  const header = signWebhook('secret', body, at)
  assert.match(header, /^t=\d+,v1=[0-9a-f]{64}$/)
  assert.ok(verifyWebhook('secret', body, header, new Date(at.getTime() + 299_000)))
  assert.ok(!verifyWebhook('secret', body, header, new Date(at.getTime() + 301_000)))
  assert.ok(!verifyWebhook('secret', body.replace('merged', 'split'), header, at))
  assert.ok(!verifyWebhook('secret', body, header.replace(/t=\d+/, `t=${at.getTime() / 1000 + 1}`), at))
  assert.ok(!verifyWebhook('secret', body, undefined, at))
})

test('retries back off from 30 seconds, doubling, to at most 6 hours, with at most 20% jitter', () => {
  assert.equal(backoff(1, () => 0), 30_000)
  assert.equal(backoff(2, () => 0), 60_000)
  assert.equal(backoff(5, () => 0), 480_000)
  assert.equal(backoff(20, () => 0), 6 * 3_600_000)
  assert.equal(backoff(1, () => 1), 36_000)
})
