export type { ChannelStateStore } from '../storage/channel-state.js';
