// The composition root: builds the whole web application from config, a database handle and a
// logger. `contactpoint serve` listens on what this returns; tests inject requests into it.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { registerApi } from './api/api.plugin.ts'
import type { Config } from './config/config.ts'
import { registerFhir } from './fhir/fhir.plugin.ts'
import type { DatabaseHandle } from './db/client.ts'
import type { Logger } from './observability/logger.ts'
import { registerGovernanceRoutes } from './governance/governance.routes.ts'
import { registerHarvestingLimits } from './governance/harvesting.ts'
import { registerEnrolmentRoutes } from './people/enrolment.routes.ts'
import { registerSecurityKeyRoutes } from './people/security-key.routes.ts'
import { registerSessionHooks } from './people/session.hooks.ts'
import { registerSignInRoutes } from './people/sign-in.routes.ts'
import { registerUserAdminRoutes } from './people/user-admin.routes.ts'
import { registerQualityRoutes } from './feeds/quality.routes.ts'
import { registerPracticeRoutes } from './practice/practice.routes.ts'
import { registerRecordRoutes } from './record/record.routes.ts'
import { registerSearchRoutes } from './search/search.routes.ts'
import type { Clock } from './system/clock.ts'
import { createServices, type Services } from './services.ts'
import { registerHealthRoutes } from './system/health.routes.ts'
import { registerHomeRoutes } from './web/home.routes.ts'
import { registerHttpPipeline, requestIdFor } from './web/http.ts'

export interface AppDependencies {
  readonly config: Config
  readonly database: DatabaseHandle
  readonly logger: Logger
  /** Tests pass a fake clock to check timeouts. */
  readonly clock?: Clock
}

export async function buildApp({ config, database, logger, clock }: AppDependencies): Promise<{ app: FastifyInstance; services: Services }> {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Our own one-line request log (src/web/http.ts) replaces Fastify's, which would log query strings.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: (request) => requestIdFor(request.headers['x-request-id']),
    trustProxy: config.http.trustProxy,
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
  })
  const services = createServices(database, { encryptionKey: config.dataEncryptionKey, publicUrl: config.http.publicUrl, feeds: config.feeds, linkage: config.linkage, ...(clock ? { clock } : {}) })
  await registerHttpPipeline(app, config)
  registerHealthRoutes(app, services)
  registerHomeRoutes(app)
  registerSessionHooks(app, services, config)
  registerHarvestingLimits(app, services)
  registerSignInRoutes(app, services, config.env === 'production')
  registerEnrolmentRoutes(app, services, config.env === 'production')
  registerSecurityKeyRoutes(app, services)
  registerUserAdminRoutes(app, services, config.http.publicUrl)
  registerPracticeRoutes(app, services)
  registerSearchRoutes(app, services)
  registerRecordRoutes(app, services)
  registerQualityRoutes(app, services)
  registerGovernanceRoutes(app, services)
  await registerApi(app, services, { publicUrl: config.http.publicUrl })
  await registerFhir(app, services, { publicUrl: config.http.publicUrl })
  return { app, services }
}
