import type { AppServer } from '../server.ts';

/** The Hightouch REST destination API and Embedded Destination JSON-RPC endpoint under /hightouch/v1. */
export async function registerHightouchRoutes(_server: AppServer): Promise<void> {}
