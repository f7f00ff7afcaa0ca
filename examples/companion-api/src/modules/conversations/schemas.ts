export const idParams = (...names: string[]) => ({
  type: 'object',
  required: names,
  additionalProperties: false,
  properties: Object.fromEntries(names.map((n) => [n, { type: 'string', format: 'uuid' }])),
});

export const conversationSchema = {
  $id: 'Conversation',
  type: 'object',
  required: ['id', 'title', 'createdAt', 'messageCount'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', format: 'uuid' },
    title: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    messageCount: { type: 'integer', minimum: 0 },
    lastMessageAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

export const messageSchema = {
  $id: 'Message',
  type: 'object',
  required: ['id', 'role', 'content', 'createdAt', 'degraded'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', format: 'uuid' },
    role: { type: 'string', enum: ['user', 'assistant'] },
    content: { type: 'string' },
    riskScore: { type: ['number', 'null'] },
    degraded: { type: 'boolean' },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

export const exchangeSchema = {
  $id: 'Exchange',
  type: 'object',
  required: ['message', 'reply', 'risk'],
  additionalProperties: false,
  properties: {
    message: { $ref: 'Message#' },
    reply: { $ref: 'Message#' },
    risk: {
      type: 'object',
      required: ['score', 'level'],
      additionalProperties: false,
      properties: { score: { type: 'number', minimum: 0, maximum: 1 }, level: { type: 'string', enum: ['none', 'low', 'medium', 'high'] } },
    },
    escalationId: { type: 'string', format: 'uuid' },
    crisisResources: { type: 'array', items: { type: 'object', required: ['name', 'contact'], additionalProperties: false, properties: { name: { type: 'string' }, contact: { type: 'string' } } } },
    transcript: { type: 'string' },
  },
} as const;

export const messageBody = {
  type: 'object',
  required: ['content'],
  additionalProperties: false,
  properties: { content: { type: 'string', minLength: 1, maxLength: 4000 } },
  examples: [{ content: 'I had a rough day at work and could use some perspective.' }],
} as const;
