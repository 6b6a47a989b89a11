import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const ALGORITHM = 'aes-256-gcm';
const FORMAT = 'v1';
const IV_BYTES = 12;
const KEY_BYTES = 32;
const KID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

export class KeyRingError extends Error {
  override name = 'KeyRingError';
}

/**
 * Encrypts secrets at rest with AES-256-GCM. Ciphertexts read `v1.<kid>.<iv>.<data>.<tag>`
 * (base64url), so any key of the ring can decrypt what it wrote while the first key encrypts
 * everything new. The caller's `associatedData` (the owning row's id) is authenticated but not
 * stored: a ciphertext copied to another row does not decrypt.
 */
export class KeyRing {
  readonly activeKeyId: string;
  readonly #keys: ReadonlyMap<string, Buffer>;

  constructor(keys: readonly (readonly [kid: string, key: Buffer])[]) {
    if (keys.length === 0) throw new KeyRingError('The key ring needs at least one key.');
    const map = new Map<string, Buffer>();
    for (const [kid, key] of keys) {
      if (!KID_PATTERN.test(kid)) throw new KeyRingError(`Key id "${kid}" must be 1-32 characters of A-Z a-z 0-9 _ -.`);
      if (key.length !== KEY_BYTES) throw new KeyRingError(`Key "${kid}" must be ${KEY_BYTES} bytes (base64), not ${key.length}.`);
      if (map.has(kid)) throw new KeyRingError(`Key id "${kid}" appears twice.`);
      map.set(kid, key);
    }
    this.#keys = map;
    this.activeKeyId = keys[0]![0];
  }

  /** Parses `kid:base64key,kid:base64key` (first is active); whitespace and newlines allowed. */
  static parse(spec: string): KeyRing {
    const entries = spec
      .split(/[,\s]+/)
      .filter(Boolean)
      .map((pair) => {
        const separator = pair.indexOf(':');
        if (separator <= 0) throw new KeyRingError('Each key must read <kid>:<base64 key>.');
        return [pair.slice(0, separator), Buffer.from(pair.slice(separator + 1), 'base64')] as const;
      });
    return new KeyRing(entries);
  }

  static generateSpec(kid = `k${Date.now().toString(36)}`): string {
    return `${kid}:${randomBytes(KEY_BYTES).toString('base64')}`;
  }

  encrypt(plaintext: string, associatedData: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.#keys.get(this.activeKeyId)!, iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [FORMAT, this.activeKeyId, iv, data, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  decrypt(ciphertext: string, associatedData: string): string {
    const [format, kid, iv, data, tag, extra] = ciphertext.split('.');
    if (format !== FORMAT || !kid || iv === undefined || data === undefined || !tag || extra !== undefined) {
      throw new KeyRingError('Not a ciphertext of this server.');
    }
    const key = this.#keys.get(kid);
    if (!key) throw new KeyRingError(`No key "${kid}" in ENCRYPTION_KEYS to decrypt with.`);
    try {
      const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      // Never echo ciphertext or key material: only say that authentication failed.
      throw new KeyRingError(`Decryption with key "${kid}" failed: wrong key or data not of this row.`);
    }
  }

  /**
   * A secret for one purpose (cookie signing, CSRF tokens), derived from the active key so that
   * operators manage a single key ring. Rotating the key invalidates only in-flight browser flows.
   */
  deriveSecret(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.#keys.get(this.activeKeyId)!, Buffer.alloc(0), purpose, KEY_BYTES));
  }

  /** The key id a ciphertext was written with (to find rows needing re-encryption). */
  static keyIdOf(ciphertext: string): string | undefined {
    return ciphertext.split('.')[1];
  }

  encryptJson(value: unknown, associatedData: string): string {
    return this.encrypt(JSON.stringify(value), associatedData);
  }

  decryptJson<T = unknown>(ciphertext: string, associatedData: string): T {
    return JSON.parse(this.decrypt(ciphertext, associatedData)) as T;
  }
}

const KEY_FILE = 'encryption-keys';

/** Where a missing key ring comes from: nowhere (refuse), a file in DATA_DIR, or memory (tests). */
export type KeyRingFallback = { kind: 'refuse' } | { kind: 'data-dir'; dataDir: string } | { kind: 'memory' };

/**
 * The key ring to use: ENCRYPTION_KEYS when set. Without it, PostgreSQL mode refuses to start
 * (instances must share keys, and a generated key would be lost with the machine), while the
 * embedded mode keeps a generated key in DATA_DIR and says so.
 */
export async function loadKeyRing(
  spec: string | undefined,
  fallback: KeyRingFallback,
  warn: (message: string) => void,
): Promise<KeyRing> {
  if (spec) return KeyRing.parse(spec);
  if (fallback.kind === 'memory') return KeyRing.parse(KeyRing.generateSpec());
  if (fallback.kind === 'refuse') {
    throw new KeyRingError(
      'ENCRYPTION_KEYS is required with DATABASE_URL, e.g. ' +
        `ENCRYPTION_KEYS=k1:$(node -e "console.log(require('crypto').randomBytes(32).toString('base64'))")`,
    );
  }
  const file = join(fallback.dataDir, KEY_FILE);
  try {
    return KeyRing.parse(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(fallback.dataDir, { recursive: true });
  await writeFile(file, `${KeyRing.generateSpec()}\n`, { mode: 0o600, flag: 'wx' });
  warn(`ENCRYPTION_KEYS is not set: generated a key into ${file}. Back it up together with the data.`);
  return KeyRing.parse(await readFile(file, 'utf8'));
}
