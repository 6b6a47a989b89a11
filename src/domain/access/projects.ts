import { z } from 'zod';
import type { PrismaClient } from '../../db/index.js';
import { withAdvisoryLock } from '../../db/locks.js';
import { generateApiKey, OPERATOR_KEY_DISPLAY_PREFIX_LENGTH, storeApiKey } from './api-keys.js';
import { hashSecret } from '../crypto/secrets.js';
import type { CoreDeps } from '../deps.js';
import { parseInput } from '../validation.js';
import { requireApiKey, type Caller } from './caller.js';

export interface BootstrapResult {
  projectId: string;
  /** A key created by this start, to be shown once; undefined when one already existed. */
  createdApiKey: string | undefined;
}

/**
 * Makes sure the default project exists and can be reached: with `adminApiKey` that key is
 * registered (hashed); without it, a key is created on the first start only. Serialized across
 * instances, so simultaneous starts create one project and at most one key.
 */
export function bootstrapDefaultProject(
  prisma: PrismaClient,
  adminApiKey: string | undefined,
): Promise<BootstrapResult> {
  return withAdvisoryLock(prisma, 'bootstrap-default-project', async (tx) => {
    const project =
      (await tx.project.findFirst({ where: { isDefault: true }, select: { id: true } })) ??
      (await tx.project.create({
        data: { name: 'Default project', isDefault: true },
        select: { id: true },
      }));

    if (adminApiKey) {
      const existing = await tx.apiKey.findUnique({ where: { hash: hashSecret(adminApiKey) } });
      if (!existing) await storeApiKey(tx, project.id, adminApiKey, 'ADMIN_API_KEY', { operatorSupplied: true });
      else if (existing.prefix.length > OPERATOR_KEY_DISPLAY_PREFIX_LENGTH) {
        // Stored by an earlier version, which showed more of it.
        const prefix = adminApiKey.slice(0, OPERATOR_KEY_DISPLAY_PREFIX_LENGTH);
        await tx.apiKey.update({ where: { id: existing.id }, data: { prefix } });
      }
      return { projectId: project.id, createdApiKey: undefined };
    }

    const keys = await tx.apiKey.count({ where: { projectId: project.id } });
    if (keys > 0) return { projectId: project.id, createdApiKey: undefined };
    const key = generateApiKey();
    await storeApiKey(tx, project.id, key, 'Generated at first start');
    return { projectId: project.id, createdApiKey: key };
  });
}

const originSchema = z
  .url({ error: 'must be an origin such as https://chat.example.com' })
  // zod runs refinements after a failed check too: only parsable URLs reach `new URL`.
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), { error: 'must be http(s)' })
  .transform((value) => new URL(value).origin);

const updateProjectInputSchema = z.object({
  name: z.string().trim().min(1).max(100).nullish(),
  logoUrl: z.url().refine((v) => v.startsWith('https://'), { error: 'must be an https URL' }).nullish(),
  accentColor: z.string().regex(/^#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/, { error: 'must be a hex colour like #4f46e5' }).nullish(),
  allowedCallbackOrigins: z.array(originSchema).max(50).nullish(),
  connectLinkTtlSeconds: z.number().int().min(60).max(7 * 24 * 3600).nullish(),
});

/** A project by id, cached: updateProject announces every change. */
export function findProject({ prisma, readCache }: Pick<CoreDeps, 'prisma' | 'readCache'>, id: string) {
  return readCache.get(`project:${id}`, () => prisma.project.findUnique({ where: { id } }));
}

/** Changes the project's branding, callback allow-list or link lifetime; omitted fields stay. */
export async function updateProject(deps: CoreDeps, caller: Caller, raw: unknown) {
  requireApiKey(caller, 'updateProject');
  const input = parseInput(updateProjectInputSchema, raw, 'project');
  const project = await deps.prisma.project.update({
    where: { id: caller.projectId },
    data: {
      ...(input.name ? { name: input.name } : {}),
      ...(input.logoUrl !== undefined ? { logoUrl: input.logoUrl } : {}),
      ...(input.accentColor !== undefined ? { accentColor: input.accentColor } : {}),
      ...(input.allowedCallbackOrigins ? { allowedCallbackOrigins: [...new Set(input.allowedCallbackOrigins)] } : {}),
      ...(input.connectLinkTtlSeconds ? { connectLinkTtlSeconds: input.connectLinkTtlSeconds } : {}),
    },
  });
  await deps.readCache.changed();
  return project;
}
