import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ConfigError, describeStore, loadConfig } from './config.ts'

test('defaults give the embedded store in ./data on port 3000 with the demo on', () => {
  const config = loadConfig({}, '/srv/cp')
  assert.deepEqual(config.database, { kind: 'pglite', dataDir: '/srv/cp/data' })
  assert.equal(config.http.port, 3000)
  assert.equal(config.http.publicUrl, 'http://localhost:3000')
  assert.equal(config.demo.load, true)
  assert.equal(config.demo.children, 20000)
  assert.ok(Object.isFrozen(config.http))
})

test('DATABASE_URL switches to PostgreSQL and is never echoed', () => {
  const config = loadConfig({ DATABASE_URL: 'postgres://cp:s3cret@db.internal:6543/contactpoint', DATABASE_POOL_SIZE: '20' })
  assert.deepEqual(config.database, { kind: 'postgres', url: 'postgres://cp:s3cret@db.internal:6543/contactpoint', poolSize: 20 })
  assert.equal(describeStore(config), 'PostgreSQL at db.internal:6543/contactpoint')
  assert.doesNotMatch(describeStore(config), /s3cret/)
})

test('production turns the demo off unless asked', () => {
  const key = Buffer.alloc(32, 1).toString('base64')
  assert.equal(loadConfig({ NODE_ENV: 'production', DATA_ENCRYPTION_KEY: key }).demo.load, false)
  assert.equal(loadConfig({ NODE_ENV: 'production', DATA_ENCRYPTION_KEY: key, DEMO_DATA: 'true' }).demo.load, true)
})

test('every bad variable is named in one error', () => {
  const error = (() => {
    try {
      loadConfig({ PORT: 'eighty', NODE_ENV: 'staging', DATABASE_URL: 'mysql://x@y/z', DEMO_DATA: 'maybe', LOG_LEVEL: 'loud', DEMO_CHILDREN: '5' })
    } catch (e) {
      return e
    }
    return undefined
  })()
  assert.ok(error instanceof ConfigError)
  const text = error.problems.join('\n')
  for (const name of ['PORT', 'NODE_ENV', 'DATABASE_URL', 'DEMO_DATA', 'LOG_LEVEL', 'DEMO_CHILDREN']) assert.match(text, new RegExp(`^${name} `, 'm'))
  assert.equal(error.problems.length, 6)
})

test('a malformed DATABASE_URL is reported without its content', () => {
  assert.throws(() => loadConfig({ DATABASE_URL: 'postgres://user:pa ss@' }), (e: unknown) =>
    e instanceof ConfigError && /DATABASE_URL/.test(e.message) && !e.message.includes('pa ss'))
})

test('the README configuration table documents every variable the service reads', async () => {
  const { readFile } = await import('node:fs/promises')
  const { CONFIG_VARIABLES } = await import('./config.ts')
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8')
  for (const variable of CONFIG_VARIABLES) assert.match(readme, new RegExp(`^\\| \`${variable.name}\` \\|`, 'm'), variable.name)
})

test('production needs its own data encryption key; a malformed key is refused without echoing it', () => {
  assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /DATA_ENCRYPTION_KEY is required in production/)
  const key = Buffer.alloc(32, 7).toString('base64')
  assert.deepEqual(loadConfig({ NODE_ENV: 'production', DATA_ENCRYPTION_KEY: key }).dataEncryptionKey, Buffer.alloc(32, 7))
  assert.throws(() => loadConfig({ DATA_ENCRYPTION_KEY: 'c2hvcnQ=' }), (e: unknown) => e instanceof Error && /DATA_ENCRYPTION_KEY must be 32 bytes/.test(e.message) && !e.message.includes('c2hvcnQ='))
  assert.equal(loadConfig({}).dataEncryptionKey.length, 32)
})
