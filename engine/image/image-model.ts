/** Glance images as the engine stores them (no image data, only metadata). */
export interface Image {
  id: string;
  name: string;
  status: 'active' | 'queued' | 'deactivated';
  visibility: 'public' | 'private' | 'shared' | 'community';
  owner: string | null;
  minRam: number;
  minDisk: number;
  diskFormat: string;
  containerFormat: string;
  size: number;
  checksum: string;
  protected: boolean;
  tags: string[];
  /** Extra properties (hw_*, os_distro, ...), all strings as in Glance. */
  properties: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  /** sha512 of the uploaded data; absent for seeded images (the view derives one from the name, like `checksum`). */
  osHashValue?: string;
  /** Glance's `os_hidden`: left out of listings unless asked for. Absent means false. */
  hidden?: boolean;
}
