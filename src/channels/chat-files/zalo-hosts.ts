import type { FileHostPolicy } from './download.js';

/** The domains Zalo serves users' photos and files from (its CDN and its own sites), fetched over HTTPS only. */
export const ZALO_FILE_HOST_SUFFIXES = ['zdn.vn', 'zadn.vn', 'zalo.me', 'zaloapp.com', 'zaloplatforms.com', 'zapps.me'] as const;

/** Where a Zalo channel may download a user's file from: Zalo's domains and the configured API root. */
export function zaloFilePolicy(apiRoot: string): FileHostPolicy {
  return { origins: [apiRoot], httpsHostSuffixes: ZALO_FILE_HOST_SUFFIXES };
}
