import type { FastifyInstance } from 'fastify';

/**
 * Every answer says how long the server spent on it (`Server-Timing: app;dur=<ms>`), so a browser's
 * resource timing separates server time from the network, as the web benchmark does.
 */
export function installServerTiming(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('server-timing', `app;dur=${reply.elapsedTime.toFixed(2)}`);
    return payload;
  });
}
