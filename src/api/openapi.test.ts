// The published OpenAPI document: made from the same schemas that validate requests, and clean
// under a standard linter (Redocly's recommended-strict rules: every warning is an error).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createConfig, lintFromString } from '@redocly/openapi-core'
import type { Services } from '../services.ts'
import { apiDocument, apiRoutes } from './api.plugin.ts'

const document = apiDocument(apiRoutes({} as Services), 'https://contactpoint.service.gov.uk')

test('the OpenAPI 3.1 document passes the Redocly linter with recommended-strict rules', async () => {
  const config = await createConfig({ extends: ['recommended-strict'] })
  const problems = await lintFromString({ source: JSON.stringify(document), absoluteRef: 'openapi.json', config })
  assert.deepEqual(problems.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? ''}`), [])
})

test('every operation has an operationId, a scope, problem responses and closed request schemas', () => {
  const paths = document.paths as Record<string, Record<string, { operationId: string; security: unknown[]; responses: Record<string, unknown>; requestBody?: { content: Record<string, { schema: { additionalProperties?: boolean } }> } }>>
  const operations = Object.values(paths).flatMap((methods) => Object.values(methods))
  assert.ok(operations.length >= 8)
  for (const op of operations) {
    assert.ok(op.operationId)
    assert.ok(op.responses['400'] && op.responses['401'] && op.responses['429'], op.operationId)
    if (op.operationId !== 'getAccessToken') assert.equal(op.security.length, 1, op.operationId)
    for (const media of Object.values(op.requestBody?.content ?? {})) assert.equal(media.schema.additionalProperties, false, op.operationId)
  }
  assert.equal(document.openapi, '3.1.0')
})
