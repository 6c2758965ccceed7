/**
 * Which goes first when one update both resizes a server and rebuilds it
 * with a new image. Pure.
 *
 * Nova checks each action against the server as it is at that moment
 * (Zed, nova/compute/api.py): a rebuild checks the NEW image's min_ram and
 * min_disk against the CURRENT flavor; a resize checks the NEW flavor
 * against the CURRENT image. So "bigger flavor for a bigger image" works
 * only as resize then rebuild, and "leaner flavor that only the new image
 * fits" only as rebuild then resize.
 *
 * Rule: rebuild first only when the new flavor is known not to fit the
 * current image AND the new image is known to fit the current flavor;
 * otherwise (the usual case, or sizes unknown) resize first. When neither
 * order fits, resize first and Nova's answer is the error. A disk shrink is
 * refused in either order on a real cloud (Nova records an image's min_disk
 * as at least the flavor's disk it was booted or rebuilt on), so it does
 * not change the choice.
 */

/** What Nova compares of a flavor: RAM in MiB, root disk in GiB (0 = not checked). */
export interface FlavorSize {
  readonly ram: number;
  readonly disk: number;
}

/** What an image asks of a flavor (Glance `min_ram` MiB, `min_disk` GiB). */
export interface ImageNeeds {
  readonly minRam: number;
  readonly minDisk: number;
}

/** The sizes known before the update; any may be missing (a lookup failed, an image was deleted). */
export interface ActionOrderFacts {
  readonly currentFlavor?: FlavorSize;
  readonly newFlavor?: FlavorSize;
  readonly currentImage?: ImageNeeds;
  readonly newImage?: ImageNeeds;
}

export type ActionOrder = 'resize-first' | 'rebuild-first';

/**
 * Nova's `_validate_flavor_image_nostatus` for a local root disk: memory
 * always, min_disk unless the flavor's disk is 0.
 *
 * @example
 * imageFitsFlavor({ minRam: 512, minDisk: 2 }, { ram: 256, disk: 1 }) // false
 */
export function imageFitsFlavor(image: ImageNeeds, flavor: FlavorSize): boolean {
  return image.minRam <= flavor.ram && (flavor.disk === 0 || image.minDisk <= flavor.disk);
}

/**
 * The order Nova accepts for a resize plus an image-changing rebuild.
 *
 * @example
 * resizeRebuildOrder({ currentFlavor: { ram: 256, disk: 1 }, newFlavor: { ram: 512, disk: 2 },
 *   currentImage: { minRam: 0, minDisk: 0 }, newImage: { minRam: 512, minDisk: 2 } }) // 'resize-first'
 */
export function resizeRebuildOrder(facts: ActionOrderFacts): ActionOrder {
  const { currentFlavor, newFlavor, currentImage, newImage } = facts;
  if (!currentFlavor || !newFlavor || !currentImage || !newImage) return 'resize-first';
  if (imageFitsFlavor(currentImage, newFlavor)) return 'resize-first';
  return imageFitsFlavor(newImage, currentFlavor) ? 'rebuild-first' : 'resize-first';
}
