// The data manager's data-quality pages over HTTP, on the real app and a real store holding a small
// synthetic authority loaded through the feeds: the queue, a proposal side by side with the
// engine's explanation, decisions (same / different, four-eyes merges, split), and disagreements
// between sources — each audited, each refused to anyone but the authority's data managers.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../app.ts'
import { loadConfig } from '../config/config.ts'
import type { Organisation } from '../db/schema.ts'
import { DemoLoader } from '../demo/demo-loader.ts'
import { createLogger } from '../observability/logger.ts'
import type { Services } from '../services.ts'
import { FakeClock } from '../system/clock.ts'
import { createTestDatabase, type TestDatabase } from '../testing/database.ts'
import { buildStaff, signInAs, type Staff } from '../testing/people.ts'

let handle: TestDatabase
let app: FastifyInstance
let services: Services
let authority: Organisation
let first: Staff
let second: Staff
let managerA: string
let managerB: string
let practitioner: string
const clock = new FakeClock('2026-11-24T10:00:00Z')

before(async () => {
  handle = await createTestDatabase()
  const config = loadConfig({ NODE_ENV: 'test' })
  await new DemoLoader(handle, config.dataEncryptionKey).load({ children: 300, seed: 5 })
  ;({ app, services } = await buildApp({ config, database: handle, logger: createLogger('silent'), clock }))
  await app.ready()
  authority = await handle.db.selectFrom('organisation').selectAll().where('kind', '=', 'local_authority').executeTakeFirstOrThrow()
  first = await buildStaff(services, authority, 'authority_data_manager', authority.id)
  second = await buildStaff(services, authority, 'authority_data_manager', authority.id)
  managerA = `cp-session=${await signInAs(services, clock, first)}`
  managerB = `cp-session=${await signInAs(services, clock, second)}`
  practitioner = `cp-session=${await signInAs(services, clock, await buildStaff(services, authority, 'practitioner', authority.id))}`
})
after(async () => {
  await app.close()
  await handle.close()
})

const get = (session: string, url: string) => app.inject({ url, headers: { cookie: session } })

/** GETs a page with a form and POSTs it back with its CSRF token and the given fields. */
async function submit(session: string, page: string, action: string, fields: Record<string, string>) {
  const form = await get(session, page)
  assert.equal(form.statusCode, 200, `${page}: ${form.statusCode}`)
  const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] as string
  const csrf = ([] as string[]).concat(form.headers['set-cookie'] as string | string[]).find((c) => c.startsWith('cp-csrf='))?.split(';')[0]
  return app.inject({
    method: 'POST', url: action, headers: { cookie: [session, csrf].filter(Boolean).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, ...fields }).toString(),
  })
}

async function auditActions(userId: string): Promise<string[]> {
  return (await handle.db.selectFrom('audit_event').select('action').where('actor_user_id', '=', userId).orderBy('seq').execute()).map((e) => e.action)
}

/** Two new children of the authority, and a proposal that they may be one. */
async function twoChildrenProposal(tag: string): Promise<{ reviewId: string; a: { id: string; contactpoint_id: string }; b: { id: string; contactpoint_id: string } }> {
  const make = (givenName: string) => handle.db.transaction().execute((trx) => services.repositories.children.create({
    givenName, familyName: `Quality-${tag}`, gender: 'female', dateOfBirth: '2014-05-06', responsibleAuthorityId: authority.id, archiveDueOn: '2032-05-06', addressStatus: 'no_known_address',
  }, trx))
  const a = await make('Rowan')
  clock.advance(1000)
  const b = await make('Rowena')
  const reviewId = await handle.db.transaction().execute(async (trx) => {
    await services.repositories.feeds.insertReviews([{ kind: 'children', authorityId: authority.id, sourceRecordId: null, childId: a.id, otherChildId: b.id, probability: 0.8, reason: `test ${tag}` }], trx)
    return (await trx.selectFrom('match_review').select('id').where('child_id', '=', a.id).executeTakeFirstOrThrow()).id
  })
  return { reviewId, a, b }
}

describe('the data-quality pages', () => {
  test('are for the authority\'s data managers only, and linked from their account page', async () => {
    assert.equal((await get(practitioner, '/data-quality')).statusCode, 403)
    assert.equal((await get(practitioner, '/data-quality/conflicts')).statusCode, 403)
    assert.equal((await app.inject({ url: '/data-quality' })).statusCode, 303)
    assert.match((await get(managerA, '/home')).body, /href="\/data-quality"/)
    assert.doesNotMatch((await get(practitioner, '/home')).body, /href="\/data-quality"/)
  })

  test('the queue lists the bulk load\'s open proposals; one opens side by side with the engine\'s explanation, and the view is audited', async () => {
    const open = await handle.db.selectFrom('match_review').select(['id', 'kind']).where('authority_id', '=', authority.id).where('status', '=', 'open').orderBy('created_at').orderBy('id').execute()
    assert.ok(open.length > 0, 'the 300-child demo leaves proposals for a person')
    const queue = await get(managerA, '/data-quality')
    assert.equal(queue.statusCode, 200)
    for (const r of open.slice(0, 5)) assert.match(queue.body, new RegExp(`/data-quality/reviews/${r.id}`))
    const children = open.find((r) => r.kind === 'children')
    assert.ok(children)
    const page = await get(managerA, `/data-quality/reviews/${children.id}`)
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /Are these two records one child\?/)
    assert.match(page.body, /How the matching weighed the evidence/)
    assert.match(page.body, /Starting point: two records picked at random/)
    assert.match(page.body, /Date of birth/)
    const actions = await auditActions(first.user.id)
    assert.equal(actions.at(-1), 'review.view')
  })

  test('"same" on two children proposes a merge; the proposer cannot approve it, a second manager can; the merge can be split', async () => {
    const { reviewId, a, b } = await twoChildrenProposal('M')
    const none = await submit(managerA, `/data-quality/reviews/${reviewId}`, `/data-quality/reviews/${reviewId}`, {})
    assert.equal(none.statusCode, 400)
    assert.match(none.body, /There is a problem/)
    assert.match(none.body, /Choose whether they are the same child or different children/)

    const proposed = await submit(managerA, `/data-quality/reviews/${reviewId}`, `/data-quality/reviews/${reviewId}`, { verdict: 'same' })
    assert.equal(proposed.statusCode, 303)
    assert.equal(proposed.headers.location, '/data-quality?done=proposed')
    const own = await get(managerA, `/data-quality/reviews/${reviewId}`)
    assert.match(own.body, /You proposed this merge/)
    assert.doesNotMatch(own.body, /Approve the merge/)

    const approved = await submit(managerB, `/data-quality/reviews/${reviewId}`, `/data-quality/reviews/${reviewId}/approve`, {})
    assert.equal(approved.statusCode, 303)
    const merged = await handle.db.selectFrom('child').select(['id', 'status', 'replaced_by_id']).where('id', 'in', [a.id, b.id]).orderBy('created_at').execute()
    assert.deepEqual(merged.map((c) => c.status), ['active', 'merged'], 'the older record survives')
    assert.equal(merged[1]?.replaced_by_id, a.id)

    const merges = await get(managerA, '/data-quality/merges')
    assert.equal(merges.statusCode, 200)
    assert.match(merges.body, new RegExp(`/data-quality/merges/${b.contactpoint_id}/split`))
    const split = await submit(managerA, '/data-quality/merges', `/data-quality/merges/${b.contactpoint_id}/split`, {})
    assert.equal(split.statusCode, 303)
    const after = await handle.db.selectFrom('child').select('status').where('id', '=', b.id).executeTakeFirstOrThrow()
    assert.equal(after.status, 'active')
    assert.ok((await auditActions(second.user.id)).includes('child.merge'), 'the approver made the merge')
    assert.deepEqual((await auditActions(first.user.id)).filter((x) => x.startsWith('child.') || x === 'review.decide').slice(-2), ['review.decide', 'child.split'])
  })

  test('"different" keeps two children apart and takes the proposal off the queue', async () => {
    const { reviewId, a, b } = await twoChildrenProposal('D')
    const response = await submit(managerB, `/data-quality/reviews/${reviewId}`, `/data-quality/reviews/${reviewId}`, { verdict: 'different' })
    assert.equal(response.headers.location, '/data-quality?done=different')
    const queue = await get(managerB, '/data-quality?done=different')
    assert.match(queue.body, /will not be proposed again/)
    assert.doesNotMatch(queue.body, new RegExp(reviewId))
    const statuses = await handle.db.selectFrom('child').select('status').where('id', 'in', [a.id, b.id]).execute()
    assert.deepEqual(statuses.map((s) => s.status), ['active', 'active'])
    const decided = await get(managerA, `/data-quality/reviews/${reviewId}`)
    assert.match(decided.body, /already been decided/)
    assert.doesNotMatch(decided.body, /Save decision|Approve the merge/)
  })

  test('sources that disagree: listed with their values, marked dealt with, and not reopened while the sources say the same', async () => {
    const open = await handle.db.selectFrom('record_conflict as k').innerJoin('child as c', 'c.id', 'k.child_id').select(['k.id', 'k.child_id', 'c.contactpoint_id'])
      .where('k.status', '=', 'open').where('c.responsible_authority_id', '=', authority.id).where('c.status', '=', 'active').orderBy('k.created_at').orderBy('k.id').executeTakeFirst()
    assert.ok(open, 'the demo\'s sources disagree about some child')
    const page = await get(managerA, '/data-quality/conflicts')
    assert.equal(page.statusCode, 200)
    assert.match(page.body, new RegExp(`/data-quality/conflicts/${open.id}/resolve`))
    const resolved = await submit(managerA, '/data-quality/conflicts', `/data-quality/conflicts/${open.id}/resolve`, {})
    assert.equal(resolved.statusCode, 303)
    assert.doesNotMatch((await get(managerA, '/data-quality/conflicts')).body, new RegExp(open.id))
    assert.equal((await auditActions(first.user.id)).at(-1), 'conflict.resolve')

    // survivorship runs again for the child (as any later feed does): the same disagreement stays resolved
    await handle.db.transaction().execute((trx) => services.feedLoader.resurvive([open.child_id], trx))
    const sameField = await handle.db.selectFrom('record_conflict').select(['field', 'status']).where('id', '=', open.id).executeTakeFirstOrThrow()
    assert.equal(sameField.status, 'resolved')
    const sameFieldOpen = await handle.db.selectFrom('record_conflict').select('id').where('child_id', '=', open.child_id).where('field', '=', sameField.field).where('status', '=', 'open').execute()
    assert.deepEqual(sameFieldOpen, [], 'not reopened')

    const again = await submit(managerA, '/data-quality/conflicts', `/data-quality/conflicts/${open.id}/resolve`, {})
    assert.equal(again.statusCode, 409, 'resolving twice is refused')
  })

  test('a manager of another authority cannot open this authority\'s proposals', async () => {
    const { buildAuthority } = await import('../testing/factories.ts')
    const other = await buildAuthority(handle.db, { name: 'Elsewhere Council' })
    const stranger = `cp-session=${await signInAs(services, clock, await buildStaff(services, other, 'authority_data_manager', other.id))}`
    const { reviewId } = await twoChildrenProposal('X')
    assert.equal((await get(stranger, `/data-quality/reviews/${reviewId}`)).statusCode, 403)
    assert.doesNotMatch((await get(stranger, '/data-quality')).body, new RegExp(reviewId))
  })
})

describe('shadow re-match', () => {
  test('the model and thresholds in use change nothing; lower thresholds are reported, not applied; a new model applied queues its new links for people', async () => {
    const { parseModel } = await import('../linkage/index.ts')
    const same = await services.rematch.run({})
    assert.ok(same.report.records > 1000, `every linked record is compared (${same.report.records})`)
    assert.deepEqual([same.report.newLinks.length, same.report.brokenLinks.length, same.report.newReviews.length, same.report.resolvedReviews.length], [0, 0, 0, 0])
    assert.equal(same.applied, null)

    const reviewsBefore = await handle.db.selectFrom('match_review').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
    // a stricter link threshold: links the engine made within children would fall to review
    const stricter = await services.rematch.run({ thresholds: { link: 0.999999, review: 0.9 } })
    assert.ok(stricter.report.brokenLinks.length > 0, 'some links fall below the stricter threshold')
    assert.ok(stricter.report.brokenLinks.every((c) => c.sameChildNow && c.before.outcome === 'link' && c.after.outcome !== 'link'))
    assert.ok(stricter.report.childrenSplit > 0)
    // a looser one: some pairs left for people would be decided by the engine
    const looser = await services.rematch.run({ thresholds: { link: 0.6, review: 0.2 } })
    assert.ok(looser.report.resolvedReviews.length > 0)
    assert.ok(looser.report.resolvedReviews.every((c) => c.before.outcome === 'review' && c.after.outcome !== 'review'))
    await assert.rejects(services.rematch.run({ thresholds: { link: 0.6, review: 0.2 }, apply: true }), /thresholds are configuration/)
    const reviewsAfter = await handle.db.selectFrom('match_review').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
    assert.equal(reviewsAfter.n, reviewsBefore.n, 'a shadow run writes nothing')

    // applying a new model switches the model in use; the engine merges and splits no child
    const active = await services.repositories.feeds.activeModel()
    assert.ok(active)
    const current = parseModel(active.model, 'active')
    const proposed = { ...current, settings: { ...current.settings, thresholds: { link: 0.6, review: 0.2 } } }
    const childrenBefore = await handle.db.selectFrom('child').select('id').where('status', '=', 'active').execute()
    const applied = await services.rematch.run({ model: proposed, thresholds: { link: 0.6, review: 0.2 }, apply: true })
    assert.ok(applied.applied)
    assert.equal((await services.repositories.feeds.activeModel())?.version, applied.applied.version, 'the new model is in use')
    assert.notEqual(applied.applied.version, active.version)
    const childrenAfter = await handle.db.selectFrom('child').select('id').where('status', '=', 'active').execute()
    assert.equal(childrenAfter.length, childrenBefore.length, 'no child was merged by the engine')
    const queued = await handle.db.selectFrom('match_review').select('reason').where('reason', 'like', 'the new linkage model%').execute()
    assert.equal(queued.length, applied.applied.reviewsQueued)
    assert.ok(applied.applied.reviewsQueued <= applied.report.newLinks.length, 'at most one proposal per new link (a pair of children is proposed once)')
    const audit = await handle.db.selectFrom('audit_event').select('action').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow()
    assert.equal(audit.action, 'linkage.model_applied')
  })
})
