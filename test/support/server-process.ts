import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  /** Everything the server printed on stdout so far (logs at LOG_LEVEL=info, the admin key). */
  lines: string[];
}

export interface ServerProcessOptions {
  /** Node options after tsx's loader, before the entry point: `--expose-gc`, `--import` of a .ts file. */
  nodeArgs?: string[];
  /** Opens an IPC channel to the child (`child.send`). */
  ipc?: boolean;
}

/**
 * Starts the server as `npm start` does (`src/main.ts`), on an ephemeral port, and resolves
 * once it logs that it listens.
 */
export function startServerProcess(env: NodeJS.ProcessEnv, options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...(options.nodeArgs ?? []), 'src/main.ts'], {
    env: { ...env, PORT: '0', LOG_LEVEL: 'info' },
    stdio: options.ipc ? ['ignore', 'pipe', 'inherit', 'ipc'] : ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${lines.join('\n')}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      if (line.includes('connect server listening')) resolve({ child, port: JSON.parse(line).port, lines });
    });
  });
}
