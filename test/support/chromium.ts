import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Where Debian and Ubuntu install Chromium. */
const SYSTEM_CHROMIUMS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/**
 * Headless without a sandbox (tests run as root in containers) and without the background
 * traffic a closed network refuses. Not the packaged build's own flag set: that one turns off
 * web security and site isolation, which the hosted pages' tests must keep.
 */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--no-zygote',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * The Chromium the browser tests drive: `CHROMIUM_PATH` when set, else the system's, else the
 * build that `npm install` brings with `@sparticuz/chromium` (unpacked to the temp directory on
 * first use), so a fresh clone needs nothing installed by hand.
 */
export async function chromiumExecutable(candidates = SYSTEM_CHROMIUMS): Promise<string> {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  const system = candidates.find((path) => existsSync(path));
  if (system) return system;
  const { default: packaged } = await import('@sparticuz/chromium');
  return packaged.executablePath();
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: await chromiumExecutable(), args: ARGS });
}
