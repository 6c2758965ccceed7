import type { FastifyInstance } from 'fastify';
import type { EngineContext } from '../engine-context.ts';
import { badRequest, notFound } from '../http/api-error.ts';
import { authOf } from '../http/request-context.ts';
import { findVisibleImage } from './image-access.ts';
import { filterImages, imageLimit, imagePage, listableImages, listLinks, parseImageSort, sortImages, type Query } from './image-list.ts';
import { IMAGE_SCHEMA, IMAGES_SCHEMA } from './image-schemas.ts';
import { imageView } from './image-view.ts';

export const imageNotFound = (id: string) => notFound(`No image found with ID ${id}`);

/** Glance v2 reads: list, show, and the published schemas. */
export function imageReadRoutes(ctx: EngineContext) {
  return async (app: FastifyInstance) => {
    app.get('/images', async (request) => {
      const auth = authOf(request);
      const query = request.query as Query;
      const visibility = Array.isArray(query.visibility) ? query.visibility.at(-1) : query.visibility;
      const limit = imageLimit(query);
      const specs = parseImageSort(query);
      const markerId = Array.isArray(query.marker) ? query.marker.at(-1) : query.marker;
      const marker = markerId === undefined ? undefined : findVisibleImage(ctx, auth, markerId);
      if (markerId !== undefined && !marker) throw badRequest(`No image found with ID ${markerId}`);
      const matching = sortImages(filterImages(listableImages(ctx.store.images.all(), auth, visibility), query), specs);
      const page = imagePage(matching, specs, limit, marker);
      return { images: page.map(imageView), ...listLinks(query, page, limit), schema: '/v2/schemas/images' };
    });

    app.get<{ Params: { id: string } }>('/images/:id', async (request) => {
      const image = findVisibleImage(ctx, authOf(request), request.params.id);
      if (!image) throw imageNotFound(request.params.id);
      return imageView(image);
    });

    app.get('/schemas/image', async () => IMAGE_SCHEMA);
    app.get('/schemas/images', async () => IMAGES_SCHEMA);
  };
}
