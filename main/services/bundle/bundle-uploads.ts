/**
 * Bundle files larger than one call (the host's WebSocket frame cap, about 4 MB) arrive in parts from the 同步 screen
 * and are put together here, in the runtime's memory, until `take` hands the whole file to the importer. Parts may
 * come again (a retried call) or out of order; a few uploads at most are kept, the oldest dropped first, so an
 * abandoned upload cannot hold memory for long.
 */
import { MAX_UI_BUNDLE_PARTS } from '../../../shared/api/sync';
import { AppError } from '../../../shared/api/errors';
import { validationFailed } from '../residents/residents-service';

const MAX_OPEN_UPLOADS = 2;

interface Upload {
  total: number;
  parts: Map<number, string>;
}

export class BundleUploads {
  private readonly open = new Map<string, Upload>();

  add(uploadId: string, index: number, total: number, base64: string): { received: number; total: number } {
    let upload = this.open.get(uploadId);
    if (upload && upload.total !== total) throw validationFailed([{ path: 'total', message: 'validation.uploadTotalChanged' }]);
    if (index >= total || total > MAX_UI_BUNDLE_PARTS) throw validationFailed([{ path: 'index', message: 'validation.uploadPartOutOfRange' }]);
    if (!upload) {
      upload = { total, parts: new Map() };
      this.open.set(uploadId, upload);
      for (const id of [...this.open.keys()].slice(0, Math.max(0, this.open.size - MAX_OPEN_UPLOADS))) this.open.delete(id);
    }
    upload.parts.set(index, base64);
    return { received: upload.parts.size, total };
  }

  /** The whole file of a complete upload, which is then forgotten. */
  take(uploadId: string): Buffer {
    const upload = this.open.get(uploadId);
    if (!upload) throw new AppError('NOT_FOUND', { id: uploadId });
    if (upload.parts.size !== upload.total) throw validationFailed([{ path: 'uploadId', message: 'validation.uploadIncomplete' }]);
    this.open.delete(uploadId);
    const text = Array.from({ length: upload.total }, (_, i) => upload.parts.get(i) as string).join('');
    return Buffer.from(text, 'base64');
  }
}
