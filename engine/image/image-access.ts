import type { EngineContext } from '../engine-context.ts';
import type { AuthContext } from '../http/request-context.ts';
import type { Image } from './image-model.ts';

/**
 * Who sees an image, as Glance's default policy decides: admins see
 * everything; others see public and community images and their own
 * project's (the engine keeps no image members, so `shared` images are
 * visible to their owner only).
 */
export function imageVisibleTo(image: Image, auth: AuthContext): boolean {
  if (auth.isAdmin) return true;
  if (image.visibility === 'public' || image.visibility === 'community') return true;
  return image.owner === auth.projectId;
}

/** The image with this id if the caller may see it. */
export function findVisibleImage(ctx: EngineContext, auth: AuthContext, id: string): Image | undefined {
  const image = ctx.store.images.get(id);
  return image && imageVisibleTo(image, auth) ? image : undefined;
}

/** Owners and admins may change or delete an image. */
export function mayModifyImage(image: Image, auth: AuthContext): boolean {
  return auth.isAdmin || (image.owner !== null && image.owner === auth.projectId);
}

/**
 * Resolves an `imageRef` the way Cinder's `_image_uuid_from_ref` does: a
 * URL is cut to its last segment, then tried as an id, then as a unique
 * name. `ambiguous` is set when several visible images have that name.
 */
export function resolveImageRef(ctx: EngineContext, auth: AuthContext, ref: string): { image?: Image; ambiguous?: boolean } {
  const id = ref.split('/').pop() ?? ref;
  const byId = findVisibleImage(ctx, auth, id);
  if (byId) return { image: byId };
  const named = ctx.store.images.filter((i) => i.name === ref && imageVisibleTo(i, auth));
  if (named.length > 1) return { ambiguous: true };
  return named.length === 1 ? { image: named[0] } : {};
}
