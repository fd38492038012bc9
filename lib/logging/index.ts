export { getRootLogger } from './logger';
export type { Logger } from './logger';
