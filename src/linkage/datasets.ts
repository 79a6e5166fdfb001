// The public benchmark data sets with ground truth (in ../shared/datasets): how each maps onto
// the engine's record and which comparisons and blocking rules it uses. FEBRL and
// historical_50k describe adults whose errors replace given names wholesale, so the family
// guard (a child keeps their given name) is off for them; everything else is the engine as is.

import { fileURLToPath } from 'node:url'
import { readCsvFile } from './csv.ts'
import { makeSettings } from './settings.ts'
import type { ModelSettings } from './settings.ts'
import type { LinkRecord } from './types.ts'

export const DEFAULT_DATASETS_DIR = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url))

export type DatasetName = 'febrl3' | 'febrl3-no-ssn' | 'febrl4' | 'febrl4-no-ssn' | 'historical-50k' | 'fake-1000'

export const DATASETS: readonly DatasetName[] = ['febrl3', 'febrl3-no-ssn', 'febrl4', 'febrl4-no-ssn', 'historical-50k', 'fake-1000']

export interface Dataset {
  readonly name: DatasetName
  readonly description: string
  readonly records: LinkRecord[]
  /** true entity of each record */
  readonly entity: string[]
  readonly settings: ModelSettings
}

async function rows(path: string): Promise<Record<string, string>[]> {
  const out: Record<string, string>[] = []
  let header: string[] | null = null
  for await (const row of readCsvFile(path)) {
    const f = row.fields.map((x) => x.trim())
    if (!header) {
      header = f
      continue
    }
    if (f.length === 1 && f[0] === '') continue
    const o: Record<string, string> = {}
    header.forEach((h, i) => {
      o[h] = f[i] ?? ''
    })
    out.push(o)
  }
  return out
}

const blank = (v: string | undefined): string | undefined => (v === undefined || v === '' ? undefined : v)

export async function loadDataset(name: DatasetName, dir = DEFAULT_DATASETS_DIR): Promise<Dataset> {
  const records: LinkRecord[] = []
  const entity: string[] = []
  switch (name) {
    case 'febrl3':
    case 'febrl3-no-ssn':
    case 'febrl4':
    case 'febrl4-no-ssn': {
      const ssn = !name.endsWith('no-ssn')
      const dedupe = name.startsWith('febrl3')
      const files = dedupe ? ['dataset3.csv'] : ['dataset4a.csv', 'dataset4b.csv']
      for (const file of files) {
        for (const r of await rows(`${dir}/febrl/${file}`)) {
          const id = r.rec_id as string
          records.push({
            source: file.replace('.csv', ''),
            recordId: id,
            givenName: blank(r.given_name),
            familyName: blank(r.surname),
            dateOfBirth: blank(r.date_of_birth),
            address: blank([r.street_number, r.address_1, r.address_2].filter(Boolean).join(' ')),
            postcode: blank(r.postcode),
            extra: { suburb: blank(r.suburb), state: blank(r.state), soc_sec_id: ssn ? blank(r.soc_sec_id) : undefined },
          })
          entity.push((/^rec-(\d+)-/.exec(id) as RegExpExecArray)[1] as string)
        }
      }
      const settings = makeSettings({
        linkType: dedupe ? 'dedupe' : 'link-only',
        duplicateFreeSources: dedupe ? [] : ['dataset4a', 'dataset4b'],
        familyGuard: false,
        comparisons: [
          { kind: 'given-name' }, { kind: 'family-name' }, { kind: 'date-of-birth' }, { kind: 'postcode' }, { kind: 'address' },
          { kind: 'extra-text', field: 'suburb' }, { kind: 'extra-exact', field: 'state' },
          ...(ssn ? [{ kind: 'extra-id' as const, field: 'soc_sec_id' }] : []),
        ],
        blocking: [
          ...(ssn ? [{ keys: ['extra:soc_sec_id' as const] }] : []),
          { keys: ['given'] }, { keys: ['family'] }, { keys: ['dob'] }, { keys: ['postcode'] },
          { keys: ['given-metaphone', 'family-metaphone'] },
          { keys: ['dob-unordered', 'family-initial'] },
          { keys: ['extra:suburb'] },
          { keys: ['names-unordered'] },
          { keys: ['address'] },
        ],
        training: { emBlocking: [{ keys: ['dob'] }, { keys: ['postcode'] }], priorRules: [{ keys: ['given', 'family', 'dob'] }] },
      })
      const description = dedupe
        ? `FEBRL3: 5,000 records of 2,000 people, deduplicated${ssn ? '' : ' (soc_sec_id not used)'}`
        : `FEBRL4: 5,000 + 5,000 records, one-to-one link${ssn ? '' : ' (soc_sec_id not used)'}`
      return { name, description, records, entity, settings }
    }
    case 'historical-50k': {
      for (const r of await rows(`${dir}/splink_datasets/historical_figures_with_errors_50k.csv`)) {
        records.push({
          source: 'historical',
          recordId: r.unique_id as string,
          givenName: blank(r.first_name),
          familyName: blank(r.surname),
          dateOfBirth: blank(r.dob),
          gender: blank(r.gender),
          postcode: blank(r.postcode_fake),
          extra: { birth_place: blank(r.birth_place), occupation: blank(r.occupation), full_name: blank(r.full_name) },
        })
        entity.push(r.cluster as string)
      }
      const settings = makeSettings({
        familyGuard: false,
        comparisons: [
          { kind: 'given-name' }, { kind: 'family-name' }, { kind: 'date-of-birth' }, { kind: 'gender' }, { kind: 'postcode' },
          { kind: 'extra-text', field: 'birth_place' }, { kind: 'extra-exact', field: 'occupation' }, { kind: 'extra-tokens', field: 'full_name' },
        ],
        blocking: [
          { keys: ['given', 'family'] }, { keys: ['family', 'dob'] }, { keys: ['given', 'dob'] }, { keys: ['postcode'] },
          { keys: ['given-metaphone', 'family-metaphone'] },
          { keys: ['dob', 'extra:birth_place'] }, { keys: ['family', 'extra:birth_place'] }, { keys: ['given', 'extra:birth_place'] },
          { keys: ['family-metaphone', 'birth-year'] }, { keys: ['given-metaphone', 'birth-year'] },
          { keys: ['extra:birth_place', 'extra:occupation'] },
          // names that sound alike with the occupation, the exact date alone, a word of the full name
          // with the year, and a phonetic given name with the family initial and year: records whose
          // family name and date are both wrong still meet a record of the same person
          { keys: ['family-metaphone', 'extra:occupation'] }, { keys: ['given-metaphone', 'extra:occupation'] },
          { keys: ['dob'] }, { keys: ['extra-token:full_name', 'birth-year'] },
          { keys: ['given-metaphone', 'family-initial', 'birth-year'] },
        ],
        maxBlockSize: 1000,
        training: { emBlocking: [{ keys: ['given', 'family'] }, { keys: ['dob'] }], priorRules: [{ keys: ['given', 'family', 'dob'] }] },
      })
      return { name, description: 'historical_figures_with_errors_50k: 50,578 records of 5,156 people, deduplicated', records, entity, settings }
    }
    case 'fake-1000': {
      for (const r of await rows(`${dir}/splink_datasets/fake_1000.csv`)) {
        records.push({
          source: 'fake',
          recordId: r.unique_id as string,
          givenName: blank(r.first_name),
          familyName: blank(r.surname),
          dateOfBirth: blank(r.dob),
          extra: { city: blank(r.city), email: blank(r.email) },
        })
        entity.push(r.cluster as string)
      }
      const settings = makeSettings({
        familyGuard: false,
        comparisons: [{ kind: 'given-name' }, { kind: 'family-name' }, { kind: 'date-of-birth' }, { kind: 'extra-text', field: 'city' }, { kind: 'extra-text', field: 'email' }],
        blocking: [
          { keys: ['given'] }, { keys: ['family'] }, { keys: ['dob'] }, { keys: ['extra:email'] },
          { keys: ['given-metaphone', 'birth-year'] }, { keys: ['family-metaphone', 'birth-year'] },
        ],
        training: { emBlocking: [{ keys: ['given', 'family'] }, { keys: ['dob'] }], priorRules: [{ keys: ['given', 'family', 'dob'] }] },
      })
      return { name, description: 'fake_1000: 1,000 records of 251 people, deduplicated', records, entity, settings }
    }
  }
}

/** Entity labels as numbers (records in input order). */
export function entityNumbers(labels: readonly string[]): Int32Array {
  const ids = new Map<string, number>()
  return Int32Array.from(labels, (l) => {
    let v = ids.get(l)
    if (v === undefined) {
      v = ids.size
      ids.set(l, v)
    }
    return v
  })
}
