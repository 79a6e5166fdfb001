// Nunjucks configured for GOV.UK Frontend: autoescaping on, the package's macros on the search
// path, and each capability's own views folder. Templates are cached outside development.
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import nunjucks from 'nunjucks'

const require = createRequire(import.meta.url)
export const GOVUK_FRONTEND_DIST = path.join(path.dirname(require.resolve('govuk-frontend/package.json')), 'dist')

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
/** Every capability that renders pages keeps its templates in `src/<capability>/views`. */
export const VIEW_FOLDERS = ['web', 'people', 'system', 'search', 'record', 'feeds', 'practice', 'governance', 'api'].map((capability) => path.join(SRC, capability, 'views'))

export function createViewEnvironment(options: { cache: boolean }): nunjucks.Environment {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader([...VIEW_FOLDERS, GOVUK_FRONTEND_DIST], { noCache: !options.cache }),
    { autoescape: true, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true },
  )
  env.addGlobal('serviceName', 'ContactPoint')
  return env
}
