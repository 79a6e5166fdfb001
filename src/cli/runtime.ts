// What every command needs: validated config, a logger, an open store — and a clean exit with a
// clear message when something is wrong (never a stack trace for an operator's mistake).
import { ConfigError, loadConfig, type Config } from '../config/config.ts'
import { openDatabase, type DatabaseHandle } from '../db/client.ts'
import { AppError } from '../errors.ts'
import { createLogger, type Logger } from '../observability/logger.ts'

export interface Runtime {
  readonly config: Config
  readonly logger: Logger
  readonly database: DatabaseHandle
}

export function readConfigOrExit(): Config {
  try {
    return loadConfig()
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message)
    throw error
  }
}

/** Opens the store, runs the command, and always closes the store (releasing the embedded lock). */
export async function withRuntime<T>(run: (runtime: Runtime) => Promise<T>, options: { logLevel?: Config['log']['level'] } = {}): Promise<T> {
  const config = readConfigOrExit()
  // Commands log to stderr so that their own output on stdout stays clean for pipes.
  const logger = createLogger(options.logLevel ?? config.log.level, process.stderr)
  let database: DatabaseHandle
  try {
    database = await openDatabase(config.database)
  } catch (error) {
    fail(error instanceof AppError ? error.message : `Could not open the store: ${(error as Error).message}`)
  }
  try {
    return await run({ config, logger, database })
  } catch (error) {
    if (error instanceof AppError) fail(error.message)
    throw error
  } finally {
    await database.close()
  }
}

export function fail(message: string): never {
  process.stderr.write(`contactpoint: ${message}\n`)
  process.exit(1)
}
