/**
 * The JSON schemas Glance publishes at `/v2/schemas/image(s)`, trimmed to
 * the core attributes (glance/api/v2/images.py `get_base_properties`).
 * Clients such as glanceclient read them to know which keys are core and
 * which are extra properties (strings).
 */

export const DISK_FORMATS = ['ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop'];
export const CONTAINER_FORMATS = ['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker', 'compressed'];

const nullableString = (description: string, maxLength = 255) => ({ type: ['null', 'string'], maxLength, description });
const readOnlyString = (description: string) => ({ type: ['null', 'string'], readOnly: true, description });

export const IMAGE_SCHEMA = {
  name: 'image',
  properties: {
    id: { type: 'string', pattern: '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$', description: 'An identifier for the image' },
    name: nullableString('Descriptive name for the image'),
    status: { type: 'string', readOnly: true, enum: ['queued', 'saving', 'active', 'killed', 'deleted', 'uploading', 'importing', 'pending_delete', 'deactivated'], description: 'Status of the image' },
    visibility: { type: 'string', enum: ['community', 'public', 'private', 'shared'], description: 'Scope of image accessibility' },
    protected: { type: 'boolean', description: 'If true, image will not be deletable.' },
    os_hidden: { type: 'boolean', description: 'If true, image will not appear in default image list response.' },
    checksum: { type: ['null', 'string'], readOnly: true, maxLength: 32, description: 'md5 hash of image contents.' },
    os_hash_algo: readOnlyString('Algorithm to calculate the os_hash_value'),
    os_hash_value: readOnlyString('Hexdigest of the image contents using the algorithm specified by the os_hash_algo'),
    owner: nullableString('Owner of the image'),
    size: { type: ['null', 'integer'], readOnly: true, description: 'Size of image file in bytes' },
    virtual_size: { type: ['null', 'integer'], readOnly: true, description: 'Virtual size of image in bytes' },
    container_format: { type: ['null', 'string'], enum: [null, ...CONTAINER_FORMATS], description: 'Format of the container' },
    disk_format: { type: ['null', 'string'], enum: [null, ...DISK_FORMATS], description: 'Format of the disk' },
    created_at: { type: 'string', readOnly: true, description: 'Date and time of image registration' },
    updated_at: { type: 'string', readOnly: true, description: 'Date and time of the last image modification' },
    tags: { type: 'array', items: { type: 'string', maxLength: 255 }, description: 'List of strings related to the image' },
    direct_url: { type: 'string', readOnly: true, description: 'URL to access the image file kept in external store' },
    min_ram: { type: 'integer', description: 'Amount of ram (in MB) required to boot image.' },
    min_disk: { type: 'integer', description: 'Amount of disk space (in GB) required to boot image.' },
    self: { type: 'string', readOnly: true, description: 'An image self url' },
    file: { type: 'string', readOnly: true, description: 'An image file url' },
    schema: { type: 'string', readOnly: true, description: 'An image schema url' },
  },
  additionalProperties: { type: 'string' },
  links: [
    { rel: 'self', href: '{self}' },
    { rel: 'enclosure', href: '{file}' },
    { rel: 'describedby', href: '{schema}' },
  ],
};

export const IMAGES_SCHEMA = {
  name: 'images',
  properties: {
    images: { type: 'array', items: IMAGE_SCHEMA },
    schema: { type: 'string' },
    first: { type: 'string' },
    next: { type: 'string' },
  },
  links: [
    { rel: 'first', href: '{first}' },
    { rel: 'next', href: '{next}' },
    { rel: 'describedby', href: '{schema}' },
  ],
};
