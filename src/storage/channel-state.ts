/** Small persisted values a channel needs across restarts (e.g. Zalo OA access and refresh tokens). */
export interface ChannelStateStore {
  get(channel: string, key: string): Promise<string | undefined>;
  set(channel: string, key: string, value: string): Promise<void>;
}
