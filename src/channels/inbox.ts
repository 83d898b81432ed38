// The update inbox's interface lives with the storage that implements it; the channels use it from here too.
export * from '../storage/update-inbox.js';
