import assert from 'node:assert/strict'
import { test } from 'node:test'
import { hashPassword, verifyPassword } from './passwords.ts'

test('argon2id hashes verify the right password only, and are salted', async () => {
  const first = await hashPassword('correct horse battery staple')
  const second = await hashPassword('correct horse battery staple')
  assert.match(first, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/)
  assert.notEqual(first, second)
  assert.equal(await verifyPassword('correct horse battery staple', first), true)
  assert.equal(await verifyPassword('correct horse battery stapler', first), false)
  assert.equal(await verifyPassword('', first), false)
  assert.equal(await verifyPassword('anything', 'not-a-phc-string'), false)
  assert.equal(await verifyPassword('Zoë’s pässwörd', await hashPassword('Zoë’s pässwörd')), true)
})
