// A small public data set with truth (Splink's fake_1000) as an accuracy floor. The full
// benchmark (FEBRL, historical_50k, synthetic children) is `npm run bench:linkage`.

import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { describe, it } from 'node:test'
import { DEFAULT_DATASETS_DIR, entityNumbers, loadDataset } from './datasets.ts'
import { linkRecords } from './engine.ts'
import { evaluateLinkage } from './evaluate.ts'

const available = existsSync(`${DEFAULT_DATASETS_DIR}/splink_datasets/fake_1000.csv`)

describe('fake_1000 (1,000 records of 251 people)', { skip: available ? false : `no data set at ${DEFAULT_DATASETS_DIR}` }, () => {
  it('links with pairwise F1 above 0.75 and cluster F1 above 0.85, precision above 0.99', async () => {
    const d = await loadDataset('fake-1000')
    const r = await linkRecords(d.records, { settings: d.settings, workers: 0 })
    const e = evaluateLinkage({
      entityOf: entityNumbers(d.entity), clusterOf: r.clusters.clusterOf, pairs: r.pairs, thresholds: d.settings.thresholds, linkOnly: false, source: r.prepared.columns.source,
    })
    assert.equal(e.pairwise.actual, 2031)
    assert.ok(e.pairwise.f1 > 0.75, `pairwise F1 ${e.pairwise.f1}`)
    assert.ok(e.cluster.f1 > 0.85, `cluster F1 ${e.cluster.f1}`)
    assert.ok(e.cluster.precision > 0.99, `cluster precision ${e.cluster.precision}`)
  })
})
