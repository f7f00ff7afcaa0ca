import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import { HttpProblem } from '../../lib/problem.ts';
import { authenticate, bearerSecurity } from '../../plugins/auth.ts';
import { enforce, type Limits } from '../../plugins/rate-limits.ts';
import { UpstreamError } from '../../upstream/llm-client.ts';
import { prepareExchange, reply } from './exchange.ts';
import { ConversationRepository, toMessage } from './repository.ts';
import { idParams, messageBody } from './schemas.ts';

const json = (schema: object, description: string) => ({ description, content: { 'application/json': { schema } } });
const notFound = { description: 'No such conversation of yours', content: { 'application/problem+json': { schema: { $ref: 'Problem#' } } } };
export const MAX_AUDIO_BYTES = 5 * 1024 * 1024;

export async function conversationRoutes(app: FastifyInstance, deps: Deps, limits: Limits): Promise<void> {
  const repo = new ConversationRepository(deps.pool, deps.seams);
  const auth = authenticate(deps);
  const mine = async (userId: string, id: string) => {
    const c = await repo.owned(userId, id);
    if (!c) throw new HttpProblem(404, 'Not Found', 'conversation not found');
    return c;
  };
  await app.register(multipart, { limits: { fileSize: MAX_AUDIO_BYTES, files: 1, fields: 2 } });

  const conversationBody = { type: 'object', required: ['title'], additionalProperties: false, properties: { title: { type: 'string', minLength: 1, maxLength: 200 } }, examples: [{ title: 'Evening check-in' }] };
  if (deps.seams.formConversations) {
    // The flaw form-body-unvalidated: a parser for a web form, and the schema keyed to JSON alone.
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))));
  }
  app.post<{ Body: { title: string } }>(
    '/conversations',
    {
      preHandler: auth,
      schema: {
        summary: 'Start a conversation',
        tags: ['conversations'],
        security: bearerSecurity,
        body: deps.seams.formConversations ? { content: { 'application/json': { schema: conversationBody } } } : conversationBody,
        response: { 201: json({ $ref: 'Conversation#' }, 'Created') },
      },
    },
    async (request, r) => r.status(201).send(await repo.create(request.user.id, request.body.title)),
  );

  app.get<{ Querystring: { q?: string } }>(
    '/conversations',
    {
      preHandler: auth,
      schema: {
        summary: 'My conversations, optionally filtered by a title search',
        tags: ['conversations'],
        security: bearerSecurity,
        querystring: { type: 'object', additionalProperties: false, properties: { q: { type: 'string', minLength: 1, maxLength: 100, description: 'Case-insensitive title search' } } },
        response: { 200: json({ type: 'array', items: { $ref: 'Conversation#' } }, 'Conversations, newest first') },
      },
    },
    async (request) => repo.list(request.user.id, request.query.q),
  );

  app.get<{ Params: { id: string } }>(
    '/conversations/:id',
    {
      preHandler: auth,
      schema: {
        summary: 'A conversation with its messages',
        tags: ['conversations'],
        security: bearerSecurity,
        params: deps.seams.validateConversationId ? idParams('id') : { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string' } } },
        response: {
          200: json({ type: 'object', required: ['id', 'title', 'createdAt', 'messages'], additionalProperties: false, properties: { id: { type: 'string', format: 'uuid' }, title: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' }, messages: { type: 'array', items: { $ref: 'Message#' } } } }, 'The conversation'),
          404: notFound,
        },
      },
    },
    async (request) => {
      const c = await mine(request.user.id, request.params.id);
      return { id: c.id, title: c.title, createdAt: c.created_at.toISOString(), messages: (await repo.messages(c.id)).map(toMessage) };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/conversations/:id',
    { preHandler: auth, schema: { summary: 'Delete a conversation', tags: ['conversations'], security: bearerSecurity, params: idParams('id'), response: { 204: { description: 'Deleted', type: 'null' }, 404: notFound } } },
    async (request, r) => {
      if (!(await repo.remove(request.user.id, request.params.id)) && deps.seams.deleteOfOthersStatus === 404) throw new HttpProblem(404, 'Not Found', 'conversation not found');
      return r.status(204).send();
    },
  );

  app.post<{ Params: { id: string }; Body: { content: string } }>(
    '/conversations/:id/messages',
    {
      preHandler: auth,
      schema: {
        summary: 'Send a message; the assistant replies (degraded fallback when the upstream fails)',
        tags: ['conversations'],
        security: bearerSecurity,
        params: idParams('id'),
        body: messageBody,
        response: { 201: json({ $ref: 'Exchange#' }, 'The stored message and the reply'), 404: notFound },
      },
    },
    async (request, r) => {
      await enforce(deps, r, limits.chat, request.user.id);
      const c = await mine(request.user.id, request.params.id);
      const prepared = await prepareExchange(deps, repo, request.user.id, c.id, request.body.content);
      return r.status(201).send(await reply(deps, repo, c.id, prepared, () => deps.llm.complete(prepared.history)));
    },
  );

  app.post<{ Params: { id: string }; Body: { content: string } }>(
    '/conversations/:id/messages/stream',
    {
      preHandler: auth,
      schema: {
        summary: 'Send a message and stream the reply as server-sent events (token, then done)',
        tags: ['conversations'],
        security: bearerSecurity,
        params: idParams('id'),
        body: messageBody,
        response: { 200: { description: 'SSE: `event: token` with {"delta"}, then `event: done` with the Exchange', content: { 'text/event-stream': { schema: { type: 'string' } } } }, 404: notFound, 503: { description: 'Upstream unavailable; see Retry-After', content: { 'application/problem+json': { schema: { $ref: 'Problem#' } } } } },
      },
    },
    async (request, r) => {
      await enforce(deps, r, limits.chat, request.user.id);
      const c = await mine(request.user.id, request.params.id);
      const prepared = await prepareExchange(deps, repo, request.user.id, c.id, request.body.content);
      const tokens = deps.llm.stream(prepared.history);
      let first: IteratorResult<string>;
      try {
        first = await tokens.next(); // fail before the 200 is sent, so the status can still say 503
      } catch (error) {
        if (!(error instanceof UpstreamError)) throw error;
        deps.metrics.llmRequests.inc({ outcome: 'failure' });
        throw new HttpProblem(503, 'Service Unavailable', 'the assistant is unavailable; try again shortly', { 'retry-after': String(error.retryAfterSeconds ?? 5) });
      }
      r.hijack();
      r.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...(r.getHeaders() as Record<string, string>) });
      const send = (event: string, data: unknown) => r.raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      try {
        // A stream that breaks off midway ends with a degraded `done` (reply() falls back); anything
        // else still ends the stream, with an `error` event, so the client is never left hanging.
        const exchange = await reply(deps, repo, c.id, prepared, async () => {
          let text = '';
          for (let step = first; !step.done; step = await tokens.next()) {
            text += step.value;
            send('token', { delta: step.value });
          }
          return text;
        });
        send('done', exchange);
      } catch (error) {
        request.log.error({ err: error }, 'stream failed after it started');
        send('error', { status: 503, detail: 'the reply could not be completed; try again shortly' });
      } finally {
        r.raw.end();
      }
    },
  );

  app.post<{ Params: { id: string } }>(
    '/conversations/:id/voice',
    {
      preHandler: auth,
      schema: {
        summary: 'Upload audio (multipart field "audio", at most 5 MB); it is transcribed and enters the conversation',
        tags: ['conversations'],
        security: bearerSecurity,
        params: idParams('id'),
        multipartBody: {
          type: 'object',
          required: ['audio'],
          properties: { audio: { type: 'string', format: 'binary', description: 'The recording (webm, ogg, mp3, wav), at most 5 MB' } },
        },
        response: {
          201: json({ $ref: 'Exchange#' }, 'The transcript as a message, and the reply'),
          404: notFound,
          413: { description: 'Audio larger than 5 MB', content: { 'application/problem+json': { schema: { $ref: 'Problem#' } } } },
          503: { description: 'Speech-to-text unavailable; see Retry-After', content: { 'application/problem+json': { schema: { $ref: 'Problem#' } } } },
        },
      },
    },
    async (request, r) => {
      await enforce(deps, r, limits.chat, request.user.id);
      const c = await mine(request.user.id, request.params.id);
      if (!request.isMultipart()) throw new HttpProblem(415, 'Unsupported Media Type', 'send multipart/form-data with an "audio" file field');
      const file = await request.file();
      if (!file || file.fieldname !== 'audio') throw new HttpProblem(400, 'Bad Request', 'multipart field "audio" is required');
      const audio = await file.toBuffer().catch((error: { code?: string }) => {
        if (error.code === 'FST_REQ_FILE_TOO_LARGE') throw new HttpProblem(413, 'Payload Too Large', 'audio must be at most 5 MB');
        throw error;
      });
      // busboy may flag the cut-off only after the last chunk was read (seen under load: a 201 for 5 MB + 1 byte).
      if (file.file.truncated) throw new HttpProblem(413, 'Payload Too Large', 'audio must be at most 5 MB');
      if (audio.length === 0) throw new HttpProblem(400, 'Bad Request', 'the audio file is empty');
      let transcript: string;
      try {
        transcript = await deps.llm.transcribe(audio, file.filename || 'audio.webm', file.mimetype);
      } catch (error) {
        if (!(error instanceof UpstreamError)) throw error;
        throw new HttpProblem(503, 'Service Unavailable', 'speech-to-text is unavailable; try again shortly', { 'retry-after': String(error.retryAfterSeconds ?? 5) });
      }
      const prepared = await prepareExchange(deps, repo, request.user.id, c.id, transcript);
      return r.status(201).send({ ...(await reply(deps, repo, c.id, prepared, () => deps.llm.complete(prepared.history))), transcript });
    },
  );
}
