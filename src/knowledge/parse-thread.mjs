// Worker entry: registers tsx in this thread, then runs the TypeScript parse thread.
import { register } from 'tsx/esm/api';

register();
await import('./parse-thread.ts');
