import { createHash } from 'node:crypto';
import type { DbSession } from '../../db/session.js';
import { HttpError, notFound, unprocessable } from '../../core/http/errors.js';

export type DocumentType =
  | 'pan_card'
  | 'gst_certificate'
  | 'cancelled_cheque'
  | 'trade_licence'
  | 'incorporation_certificate'
  | 'other';

export type DocumentContentType = 'application/pdf' | 'image/png' | 'image/jpeg';

export interface DocumentUpload {
  documentType: DocumentType;
  fileName: string;
  contentType: DocumentContentType;
  contentBase64: string;
}

export interface PartnerDocument {
  id: string;
  partnerId: string;
  documentType: DocumentType;
  fileName: string;
  contentType: DocumentContentType;
  sizeBytes: number;
  sha256: string;
  uploadedBy: string | null;
  uploadedAt: Date;
}

/** A decoded upload that passed inspection, ready to store. */
export interface InspectedDocument extends DocumentUpload {
  content: Buffer;
  sha256: string;
}

export const MAX_DOCUMENT_BYTES = 128 * 1024;

/** The first bytes of each accepted file type: the declared content type has to match the file. */
const SIGNATURES: Record<DocumentContentType, number[]> = {
  'application/pdf': [0x25, 0x50, 0x44, 0x46], // %PDF
  'image/png': [0x89, 0x50, 0x4e, 0x47],
  'image/jpeg': [0xff, 0xd8, 0xff],
};

/**
 * Decodes and checks an upload without touching the database. Callers that store several documents after other
 * work check them all first, so a bad file is refused before anything is committed.
 */
export function inspectDocument(upload: DocumentUpload): InspectedDocument {
  const content = Buffer.from(upload.contentBase64, 'base64');
  if (content.length === 0) throw unprocessable(`contentBase64 of ${upload.fileName} is empty`);
  if (content.length > MAX_DOCUMENT_BYTES) {
    throw new HttpError(413, `contentBase64 of ${upload.fileName} is ${content.length} bytes; the limit is ${MAX_DOCUMENT_BYTES}`);
  }
  const signature = SIGNATURES[upload.contentType];
  if (!signature.every((byte, i) => content[i] === byte)) {
    throw unprocessable(`contentBase64 of ${upload.fileName} is not a ${upload.contentType} file`);
  }
  return { ...upload, content, sha256: createHash('sha256').update(content).digest('hex') };
}

/** KYC documents of partners (PAN card, GST certificate, cancelled cheque, …), stored in the database. */
export class PartnerDocumentService {
  constructor(private readonly db: DbSession) {}

  async uploadDocument(partnerId: string, upload: DocumentUpload, uploadedBy: string | null = null): Promise<PartnerDocument> {
    const document = inspectDocument(upload);
    // Re-encoded from the decoded bytes: PostgreSQL's decode() is stricter than Node's about padding.
    // Inserting from partners turns an unknown partner into "no row" (a 404) rather than a foreign-key error.
    const { rows } = await this.db.execute<PartnerDocument>(
      `INSERT INTO partner_documents (partner_id, document_type, file_name, content_type, size_bytes, sha256, content,
                                      uploaded_by)
       SELECT p.id, $2, $3, $4, $5, $6, decode($7, 'base64'), $8 FROM partners p WHERE p.id = $1
       RETURNING id, partner_id AS "partnerId", document_type AS "documentType", file_name AS "fileName",
                 content_type AS "contentType", size_bytes AS "sizeBytes", sha256, uploaded_by AS "uploadedBy",
                 uploaded_at AS "uploadedAt"`,
      [partnerId, document.documentType, document.fileName, document.contentType, document.content.length,
        document.sha256, document.content.toString('base64'), uploadedBy],
    );
    if (!rows[0]) throw notFound('partner', partnerId);
    return rows[0];
  }
}
