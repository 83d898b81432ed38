// Worker entry: registers tsx in this thread, then runs the TypeScript search thread.
import { register } from 'tsx/esm/api';

register();
await import('./search-thread.ts');
