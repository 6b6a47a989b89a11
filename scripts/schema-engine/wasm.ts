// Loading @prisma/schema-engine-wasm by hand: its package entry imports the .wasm file as an ES
// module, which Node 20 cannot do without --experimental-wasm-modules. The bindings module
// (`schema_engine_bg.js`) is instantiated against the .wasm bytes instead, the way its generated
// entry would.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import * as bindings from '@prisma/schema-engine-wasm/schema_engine_bg';

export type SchemaEngine = bindings.SchemaEngine;
export type ConstructorOptions = bindings.ConstructorOptions;

declare global {
  // The WASM bindings report a Rust panic's message through this global, then trap.
  var PRISMA_WASM_PANIC_REGISTRY: { set_message(message: string): void };
}

let lastPanicMessage: string | undefined;
let loaded: typeof bindings | undefined;

export function loadWasmEngine(): typeof bindings {
  if (loaded) return loaded;
  globalThis.PRISMA_WASM_PANIC_REGISTRY = {
    set_message(message: string) {
      lastPanicMessage = message;
    },
  };
  const bindingsPath = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const module = new WebAssembly.Module(readFileSync(bindingsPath.replace(/\.js$/, '.wasm')));
  const instance = new WebAssembly.Instance(module, {
    './schema_engine_bg.js': bindings as unknown as WebAssembly.ModuleImports,
  });
  bindings.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  loaded = bindings;
  return bindings;
}

/** The message of the last panic, if `error` is the trap a panic ends with. */
export function panicMessageOf(error: unknown): string | undefined {
  if (!(error instanceof WebAssembly.RuntimeError)) return undefined;
  const message = lastPanicMessage ?? error.message;
  lastPanicMessage = undefined;
  return message;
}
