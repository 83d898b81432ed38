import { randomBytes } from 'node:crypto';
import type { OutboundPort, SendResult } from '../escalation/outbound-port.js';
import type { OutboundDocument, OutboundMessage } from '../escalation/types.js';
import { FormLinkSigner, type LinkProof } from './download-link.js';
import type { FormStore } from './form-store.js';
import type { FormFile } from './types.js';

const FORM_ATTACHMENT = /^form:(\d{1,3})$/;

export interface FormDeliveryOptions {
  /** How long a download link works (FORM_LINK_TTL_HOURS). */
  linkTtlMs: number;
  /** The server's public origin; without it links are paths (fine for the web chat only). */
  publicUrl?: string;
  now?: () => Date;
}

/**
 * Turns a `document` message's attachment ("form:12") into the file a channel sends, with a signed download
 * link, and keeps what a platform gave back for it; checks and serves download links.
 */
export class FormDelivery {
  private signer: Promise<FormLinkSigner> | undefined;
  private readonly now: () => Date;

  constructor(
    private readonly store: FormStore,
    private readonly options: FormDeliveryOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** The file of an attachment for `channel`, or undefined when the attachment names no file (removed since). */
  async document(attachment: string, channel: string): Promise<OutboundDocument | undefined> {
    const number = FORM_ATTACHMENT.exec(attachment)?.[1];
    const file = number === undefined ? undefined : await this.store.file(number);
    if (number === undefined || !file) return undefined;
    const expiresAt = new Date(this.now().getTime() + this.options.linkTtlMs);
    const path = (await this.links()).path(number, file, expiresAt);
    const platformRef = await this.store.platformRef(number, channel, file.sha256);
    return {
      fileName: file.fileName,
      mimeType: file.type,
      bytes: file.bytes,
      sha256: file.sha256,
      downloadUrl: this.options.publicUrl ? `${this.options.publicUrl}${path}` : path,
      linkExpiresAt: expiresAt.toISOString(),
      ...(platformRef !== undefined && { platformRef }),
    };
  }

  /** Whether links sent in messengers can be opened from outside (a public address is configured). */
  get hasPublicLinks(): boolean {
    return this.options.publicUrl !== undefined;
  }

  async rememberPlatformRef(attachment: string, channel: string, sha256: string, ref: string): Promise<void> {
    const number = FORM_ATTACHMENT.exec(attachment)?.[1];
    if (number !== undefined) await this.store.savePlatformRef(number, channel, sha256, ref);
  }

  /** The file a download link names, when the link is genuine, for the file still in place, and not expired. */
  async download(number: string, proof: Partial<LinkProof>): Promise<FormFile | undefined> {
    if (!/^\d{1,3}$/.test(number)) return undefined;
    const file = await this.store.file(number);
    if (!file) return undefined;
    return (await this.links()).verify(number, file.sha256, proof, this.now()) ? file : undefined;
  }

  private links(): Promise<FormLinkSigner> {
    this.signer ??= this.store.linkSecret(randomBytes(32).toString('hex')).then(
      (secret) => new FormLinkSigner(secret),
      (error: unknown) => {
        this.signer = undefined; // a database hiccup: the next call asks again
        throw error;
      },
    );
    return this.signer;
  }
}

/**
 * The outbox's port with `document` messages resolved before a channel sees them: the channel gets the
 * file's bytes and link on `message.document` and answers with what the platform gave back (kept for the
 * next time). A document whose file was removed meanwhile fails for good.
 */
export function withDocuments(port: OutboundPort, delivery: FormDelivery): OutboundPort {
  return {
    async send(message: OutboundMessage): Promise<SendResult> {
      if (message.kind !== 'document' || message.attachment === undefined) return port.send(message);
      const document = await delivery.document(message.attachment, message.channel);
      if (!document) return { ok: false, retryable: false, error: `no file for ${message.attachment}` };
      const result = await port.send({ ...message, document });
      if (result.ok && result.platformRef !== undefined && result.platformRef !== document.platformRef) {
        await delivery.rememberPlatformRef(message.attachment, message.channel, document.sha256, result.platformRef);
      }
      return result;
    },
  };
}
