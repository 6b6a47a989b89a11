// Offline schema engine: speaks the protocol of Prisma's native `schema-engine` binary on top of
// @prisma/schema-engine-wasm and @prisma/adapter-pg, so that the Prisma CLI works without
// downloading the native engine. The CLI invokes it as (see SchemaEngineCLI in prisma's cli.js):
//
//   schema-engine --version                                   print `schema-engine-cli <hash>`
//   schema-engine --datasource '<json>' cli <subcommand>      one-shot, exit status + stderr logs
//   schema-engine [--datamodels <path>]… [--datasource '<json>'] [--enabled-preview-features …]
//                 [--extension-types '<json>']                JSON-RPC on stdin/stdout
//
// `--version` is answered by the launcher (./schema-engine) without loading this module.
import { readFileSync } from 'node:fs';

import { parseDatasourceArg } from './datasource.js';
import { EngineHost, MethodNotFoundError } from './engine-host.js';
import { EngineError } from './errors.js';
import { log, logEngineError, routeConsoleToLog } from './log.js';
import { canConnect, createDatabase, dropDatabase } from './pg-admin.js';
import { serveJsonRpc } from './rpc.js';

interface Args {
  datamodelPaths: string[];
  datasource?: string;
  /** `cli <subcommand>` */
  cliCommand?: string;
  ignored: string[];
}

export async function main(argv: string[]): Promise<void> {
  routeConsoleToLog();
  // The native engine's first log line. The CLI skips the first stderr line of a `cli` run
  // before parsing the rest as JSON, so it must not be the error.
  log('INFO', 'Starting schema engine CLI (offline, @prisma/schema-engine-wasm)');

  process.on('uncaughtException', (error) => fail(error));
  process.on('unhandledRejection', (error) => fail(error));

  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    // See serve() for why a JSON-RPC session reports this per request rather than by exiting.
    if (argv.includes('cli')) return fail(error);
    return serve(() => {
      throw error;
    });
  }
  if (args.ignored.length > 0) log('WARN', `Ignored by the offline schema engine: ${args.ignored.join(' ')}`);

  if (args.cliCommand !== undefined) {
    try {
      await runCliCommand(args.cliCommand, args.datasource);
      process.exit(0);
    } catch (error) {
      fail(error);
    }
  }
  serve(() => {
    const datasource = args.datasource === undefined ? undefined : parseDatasourceArg(args.datasource);
    return new EngineHost({ datasource, datamodels: readDatamodels(args.datamodelPaths) });
  });
}

/** One-shot commands used by `migrate dev`, `db push` & co. to check and create the database. */
async function runCliCommand(command: string, datasourceArg: string | undefined): Promise<void> {
  const url = datasourceArg === undefined ? undefined : parseDatasourceArg(datasourceArg).url;
  if (!url) throw new EngineError(`\`cli ${command}\` needs --datasource with a url.`);
  switch (command) {
    case 'can-connect-to-database':
      await canConnect(url);
      return;
    case 'create-database':
      log('INFO', `Database ${await createDatabase(url)} created.`);
      return;
    case 'drop-database':
      await dropDatabase(url);
      return;
    default:
      throw new EngineError(`Unknown cli subcommand: ${command}`);
  }
}

function serve(createHost: () => EngineHost): void {
  // Problems with the arguments are reported as the answer to each request rather than by
  // exiting: if the engine exits before the CLI's first request, the CLI waits for an answer that
  // never comes and ends without printing anything.
  let host: EngineHost | undefined;
  let startupError: unknown;
  try {
    host = createHost();
  } catch (error) {
    startupError = error;
  }

  serveJsonRpc({
    handle: (method, params, print) => {
      if (!host) throw startupError;
      return host.handle(method, params, print);
    },
    protocolError: (error) =>
      error instanceof MethodNotFoundError ? { code: -32601, message: error.message } : undefined,
    onClose: async () => {
      await host?.close().catch((error: unknown) => log('WARN', `Shutdown: ${String(error)}`));
      process.exit(0);
    },
  });
}

function readDatamodels(paths: string[]): [string, string][] | undefined {
  // `undefined`, not `[]`, when there are none: the WASM engine panics on an empty list.
  if (paths.length === 0) return undefined;
  return paths.map((path) => {
    try {
      return [path, readFileSync(path, 'utf8')];
    } catch (error) {
      throw new EngineError(`Could not read the schema file ${path}: ${(error as Error).message}`);
    }
  });
}

function parseArgs(argv: string[]): Args {
  const args: Args = { datamodelPaths: [], ignored: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inlineValue] = arg.startsWith('--') && arg.includes('=') ? splitOnce(arg, '=') : [arg, undefined];
    const value = () => {
      if (inlineValue !== undefined) return inlineValue;
      const next = argv[++i];
      if (next === undefined) throw new EngineError(`Missing value for ${flag}`);
      return next;
    };
    switch (flag) {
      case '--datamodels':
        args.datamodelPaths.push(value());
        break;
      case '--datasource':
        args.datasource = value();
        break;
      // The WASM engine takes neither; preview features do not change PostgreSQL migrations, and
      // extension types (prisma.config.ts `extensions`) are not supported here.
      case '--enabled-preview-features':
      case '--extension-types':
        args.ignored.push(`${flag} ${value()}`);
        break;
      case 'cli': {
        const command = argv[++i];
        if (command === undefined) throw new EngineError('Missing subcommand after `cli`');
        args.cliCommand = command;
        break;
      }
      default:
        throw new EngineError(`Unexpected argument: ${arg}`);
    }
  }
  return args;
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return [text.slice(0, at), text.slice(at + 1)];
}

/** Reports an error outside any request the way the CLI notices it: an ERROR line, exit 1. */
function fail(error: unknown): never {
  if (error instanceof EngineError) logEngineError(error);
  else log('ERROR', error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
}
