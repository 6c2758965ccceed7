import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  imageFitsFlavor, resizeRebuildOrder, type ActionOrder, type ActionOrderFacts, type FlavorSize, type ImageNeeds,
} from '../../../../provider/resources/server/server-action-order.ts';

const flavor = (ram: number, disk: number): FlavorSize => ({ ram, disk });
const image = (minRam: number, minDisk: number): ImageNeeds => ({ minRam, minDisk });
const CIRROS = image(0, 0);
const BIG = image(512, 2);

describe('imageFitsFlavor (Nova _validate_flavor_image_nostatus, local root disk)', () => {
  const rows: Array<[string, ImageNeeds, FlavorSize, boolean]> = [
    ['no requirements', CIRROS, flavor(64, 1), true],
    ['exactly enough', BIG, flavor(512, 2), true],
    ['too little memory', BIG, flavor(256, 2), false],
    ['too little disk', BIG, flavor(512, 1), false],
    ['a zero-disk flavor is not checked for disk', BIG, flavor(512, 0), true],
    ['a zero-disk flavor is still checked for memory', BIG, flavor(256, 0), false],
  ];
  for (const [name, img, fl, expected] of rows) {
    it(name, () => assert.equal(imageFitsFlavor(img, fl), expected));
  }
});

describe('resizeRebuildOrder', () => {
  const rows: Array<[string, ActionOrderFacts, ActionOrder]> = [
    [
      'bigger flavor for an image that needs it: resize first (the rebuild needs the new flavor)',
      { currentFlavor: flavor(256, 1), newFlavor: flavor(512, 2), currentImage: CIRROS, newImage: BIG },
      'resize-first',
    ],
    [
      'leaner flavor that only the new image fits: rebuild first (the resize needs the new image)',
      { currentFlavor: flavor(512, 2), newFlavor: flavor(256, 2), currentImage: BIG, newImage: CIRROS },
      'rebuild-first',
    ],
    [
      'both orders fit: resize first',
      { currentFlavor: flavor(256, 1), newFlavor: flavor(512, 2), currentImage: CIRROS, newImage: CIRROS },
      'resize-first',
    ],
    [
      'neither order fits (new image too big for both flavors): resize first, Nova reports',
      { currentFlavor: flavor(512, 2), newFlavor: flavor(256, 2), currentImage: BIG, newImage: image(1024, 2) },
      'resize-first',
    ],
    [
      'the new flavor is too small for the current image, but the new image does not fit the current flavor either: resize first',
      { currentFlavor: flavor(512, 1), newFlavor: flavor(256, 4), currentImage: image(512, 0), newImage: image(0, 4) },
      'resize-first',
    ],
    [
      'the new flavor lacks disk for the current image: rebuild first',
      { currentFlavor: flavor(512, 4), newFlavor: flavor(512, 2), currentImage: image(0, 4), newImage: image(0, 1) },
      'rebuild-first',
    ],
    ['current image unknown (deleted): resize first', { currentFlavor: flavor(512, 2), newFlavor: flavor(256, 2), newImage: CIRROS }, 'resize-first'],
    ['new flavor unknown: resize first', { currentFlavor: flavor(512, 2), currentImage: BIG, newImage: CIRROS }, 'resize-first'],
    ['current flavor unknown: resize first', { newFlavor: flavor(256, 2), currentImage: BIG, newImage: CIRROS }, 'resize-first'],
    ['new image unknown: resize first', { currentFlavor: flavor(512, 2), newFlavor: flavor(256, 2), currentImage: BIG }, 'resize-first'],
    ['nothing known: resize first', {}, 'resize-first'],
  ];
  for (const [name, facts, expected] of rows) {
    it(name, () => assert.equal(resizeRebuildOrder(facts), expected));
  }
});
