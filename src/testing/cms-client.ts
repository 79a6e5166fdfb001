// A test case management system: registers itself with an ES256 key and signs the client and user
// assertions a real CMS would. Synthetic keys, real cryptography.
import { randomUUID } from 'node:crypto'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose'
import type { Organisation } from '../db/schema.ts'
import type { ApiScope } from '../api/api-auth.service.ts'
import type { Services } from '../services.ts'
import type { Clock } from '../system/clock.ts'
import { buildStaff, TEST_CONTEXT } from './people.ts'

export interface TestCms {
  readonly clientId: string
  clientAssertion(): Promise<string>
  userAssertion(username: string): Promise<string>
  /** A fresh access token from the token endpoint (through `fetch`-like `post`). */
  tokenForm(): Promise<string>
}

export async function registerTestCms(services: Services, clock: Clock, options: { organisation: Organisation; authority: Organisation; publicUrl: string; scopes: readonly ApiScope[]; clientId?: string }): Promise<TestCms> {
  const clientId = options.clientId ?? `cms-${randomUUID().slice(0, 8)}`
  const admin = await buildStaff(services, options.authority, 'authority_user_admin', options.authority.id)
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
  await services.apiAuth.register(admin.user, { id: clientId, name: 'Test CMS', organisationCode: options.organisation.code, scopes: options.scopes, jwk: { ...await exportJWK(publicKey), kid: 'test-key' } }, TEST_CONTEXT)
  const now = () => Math.floor(clock.now().getTime() / 1000)
  const sign = (key: CryptoKey, subject: string, audience: string, jti: boolean) => {
    const jwt = new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: 'test-key' }).setIssuer(clientId).setSubject(subject)
      .setAudience(audience).setIssuedAt(now()).setExpirationTime(now() + 120)
    return (jti ? jwt.setJti(randomUUID()) : jwt).sign(key)
  }
  const clientAssertion = () => sign(privateKey, clientId, `${options.publicUrl}/api/oauth/token`, true)
  return {
    clientId,
    clientAssertion,
    userAssertion: (username) => sign(privateKey, username, `${options.publicUrl}/api`, false),
    tokenForm: async () => new URLSearchParams({
      grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await clientAssertion(),
    }).toString(),
  }
}
