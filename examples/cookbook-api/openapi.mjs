// cookbook-api's OpenAPI document, built here and served at /api/openapi.json. Resources are
// addressed by natural keys (a recipe's slug, a cook's username), reviews have numeric ids under
// their recipe, bodies are wrapped in one key, and there are no `links`.
const ref = (name) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema, description = 'ok') => ({ description, content: { 'application/json': { schema } } });
const problem = (description) => json(ref('Problem'), description);
const body = (name) => ({ required: true, content: { 'application/json': { schema: ref(name) } } });
const TOKEN = [{ token: [] }];
const OPTIONAL = [{}, { token: [] }];
const errors = (...statuses) => Object.fromEntries(statuses.map((s) => [String(s), problem({ 400: 'invalid input', 401: 'no valid token', 403: 'not yours', 404: 'not found', 409: 'taken', 413: 'body too large', 415: 'not JSON', 422: 'not allowed' }[s])]));
const slug = { name: 'slug', in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: 200 } };
const username = { name: 'username', in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: 64 } };
const reviewId = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1, maximum: 2147483647 } };
const text = (min, max) => ({ type: 'string', minLength: min, maxLength: max });
const wrapped = (key, schema) => ({ type: 'object', additionalProperties: false, required: [key], properties: { [key]: schema } });

export const openapi = {
  openapi: '3.0.3',
  info: { title: 'cookbook-api', version: '1.0.0', description: 'Recipes, reviews, likes and cooks to follow.' },
  servers: [{ url: '/api' }],
  paths: {
    '/health': { get: { summary: 'liveness and dependencies', responses: { 200: json({ type: 'object', required: ['status'], properties: { status: { type: 'string' } } }), 503: json({ type: 'object', required: ['status'], properties: { status: { type: 'string' } } }, 'a dependency is down') } } },
    '/users': { post: { summary: 'register', requestBody: body('NewUser'), responses: { 201: json(ref('UserEnvelope'), 'registered'), ...errors(400, 409, 413, 415) } } },
    '/users/login': { post: { summary: 'log in', requestBody: body('Login'), responses: { 200: json(ref('UserEnvelope')), ...errors(400, 401, 413, 415) } } },
    '/users/logout': { post: { summary: 'log out: the token is revoked', security: TOKEN, responses: { 204: { description: 'logged out' }, ...errors(401) } } },
    '/user': {
      get: { summary: 'the current user', security: TOKEN, responses: { 200: json(ref('UserEnvelope')), ...errors(401) } },
      put: { summary: 'update the current user', security: TOKEN, requestBody: body('UpdateUser'), responses: { 200: json(ref('UserEnvelope')), ...errors(400, 401, 409, 413, 415) } },
    },
    '/cooks/{username}': { get: { summary: "a cook's profile", security: OPTIONAL, parameters: [username], responses: { 200: json(ref('CookEnvelope')), ...errors(400, 404) } } },
    '/cooks/{username}/follow': {
      post: { summary: 'follow a cook', security: TOKEN, parameters: [username], responses: { 200: json(ref('CookEnvelope')), ...errors(400, 401, 404, 422) } },
      delete: { summary: 'stop following a cook', security: TOKEN, parameters: [username], responses: { 200: json(ref('CookEnvelope')), ...errors(400, 401, 404) } },
    },
    '/recipes': {
      get: {
        summary: 'recipes, newest first',
        security: OPTIONAL,
        parameters: [
          { name: 'q', in: 'query', schema: text(1, 100) },
          { name: 'cook', in: 'query', schema: text(1, 64) },
          { name: 'tag', in: 'query', schema: text(1, 30) },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
          { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, maximum: 10000, default: 0 } },
        ],
        responses: { 200: json(ref('RecipeList')), ...errors(400) },
      },
      post: { summary: 'publish a recipe', security: TOKEN, requestBody: body('NewRecipe'), responses: { 201: json(ref('RecipeEnvelope'), 'published'), ...errors(400, 401, 413, 415) } },
    },
    '/feed': {
      get: {
        summary: 'recipes of the cooks the current user follows',
        security: TOKEN,
        parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } }],
        responses: { 200: json(ref('RecipeList')), ...errors(400, 401) },
      },
    },
    '/recipes/{slug}': {
      get: { summary: 'a recipe', security: OPTIONAL, parameters: [slug], responses: { 200: json(ref('RecipeEnvelope')), ...errors(400, 404) } },
      put: { summary: 'edit your recipe (a new title gives a new slug)', security: TOKEN, parameters: [slug], requestBody: body('UpdateRecipe'), responses: { 200: json(ref('RecipeEnvelope')), ...errors(400, 401, 403, 404, 413, 415) } },
      delete: { summary: 'delete your recipe', security: TOKEN, parameters: [slug], responses: { 204: { description: 'deleted' }, ...errors(400, 401, 403, 404) } },
    },
    '/recipes/{slug}/like': {
      post: { summary: 'like a recipe', security: TOKEN, parameters: [slug], responses: { 200: json(ref('RecipeEnvelope')), ...errors(400, 401, 404) } },
      delete: { summary: 'take a like back', security: TOKEN, parameters: [slug], responses: { 200: json(ref('RecipeEnvelope')), ...errors(400, 401, 404) } },
    },
    '/recipes/{slug}/reviews': {
      get: { summary: "a recipe's reviews, oldest first", security: OPTIONAL, parameters: [slug], responses: { 200: json(ref('ReviewList')), ...errors(400, 404) } },
      post: { summary: 'review a recipe', security: TOKEN, parameters: [slug], requestBody: body('NewReview'), responses: { 201: json(ref('ReviewEnvelope'), 'reviewed'), ...errors(400, 401, 404, 413, 415) } },
    },
    '/recipes/{slug}/reviews/{id}': {
      delete: { summary: 'delete your review', security: TOKEN, parameters: [slug, reviewId], responses: { 204: { description: 'deleted' }, ...errors(400, 401, 403, 404) } },
    },
  },
  components: {
    securitySchemes: { token: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Token <the token from register or login>' } },
    schemas: {
      Problem: { type: 'object', required: ['detail'], properties: { detail: { type: 'string' } } },
      NewUser: wrapped('user', { type: 'object', additionalProperties: false, required: ['username', 'email', 'password'], properties: { username: text(1, 64), email: { type: 'string', format: 'email', maxLength: 254 }, password: text(8, 72), phone: { type: 'string', pattern: '^\\+[1-9][0-9]{6,14}$', description: 'Private: shown to the cook alone' } } }),
      Login: wrapped('user', { type: 'object', additionalProperties: false, required: ['email', 'password'], properties: { email: { type: 'string', format: 'email', maxLength: 254 }, password: text(1, 72) } }),
      UpdateUser: wrapped('user', { type: 'object', additionalProperties: false, properties: { email: { type: 'string', format: 'email', maxLength: 254 }, bio: text(0, 500) } }),
      User: { type: 'object', required: ['username', 'email', 'bio'], properties: { username: { type: 'string' }, email: { type: 'string' }, bio: { type: 'string' }, phone: { type: 'string', nullable: true }, token: { type: 'string' } } },
      UserEnvelope: { type: 'object', required: ['user'], properties: { user: ref('User') } },
      Cook: { type: 'object', required: ['username', 'bio', 'following', 'recipes'], properties: { username: { type: 'string' }, bio: { type: 'string' }, following: { type: 'boolean' }, recipes: { type: 'integer' } } },
      CookEnvelope: { type: 'object', required: ['cook'], properties: { cook: ref('Cook') } },
      NewRecipe: wrapped('recipe', {
        type: 'object',
        additionalProperties: false,
        required: ['title', 'steps', 'minutes'],
        properties: { title: text(1, 120), summary: text(0, 500), steps: text(1, 10000), minutes: { type: 'integer', minimum: 1, maximum: 1440 }, tags: { type: 'array', maxItems: 10, items: text(1, 30) } },
      }),
      UpdateRecipe: wrapped('recipe', { type: 'object', additionalProperties: false, properties: { title: text(1, 120), summary: text(0, 500), steps: text(1, 10000), minutes: { type: 'integer', minimum: 1, maximum: 1440 } } }),
      Author: { type: 'object', required: ['username'], properties: { username: { type: 'string' } } },
      Recipe: {
        type: 'object',
        required: ['slug', 'title', 'summary', 'steps', 'minutes', 'tags', 'likes', 'liked', 'author', 'createdAt', 'updatedAt'],
        properties: {
          slug: { type: 'string' },
          title: { type: 'string' },
          summary: { type: 'string' },
          steps: { type: 'string' },
          minutes: { type: 'integer' },
          tags: { type: 'array', items: { type: 'string' } },
          likes: { type: 'integer' },
          liked: { type: 'boolean' },
          author: ref('Author'),
          createdAt: { type: 'string', format: 'date-time' },
          updatedAt: { type: 'string', format: 'date-time' },
        },
      },
      RecipeEnvelope: { type: 'object', required: ['recipe'], properties: { recipe: ref('Recipe') } },
      RecipeList: { type: 'object', required: ['recipes', 'count'], properties: { recipes: { type: 'array', items: ref('Recipe') }, count: { type: 'integer' } } },
      NewReview: wrapped('review', { type: 'object', additionalProperties: false, required: ['body', 'rating'], properties: { body: text(1, 2000), rating: { type: 'integer', minimum: 1, maximum: 5 } } }),
      Review: { type: 'object', required: ['id', 'body', 'rating', 'author', 'createdAt'], properties: { id: { type: 'integer' }, body: { type: 'string' }, rating: { type: 'integer' }, author: ref('Author'), createdAt: { type: 'string', format: 'date-time' } } },
      ReviewEnvelope: { type: 'object', required: ['review'], properties: { review: ref('Review') } },
      ReviewList: { type: 'object', required: ['reviews'], properties: { reviews: { type: 'array', items: ref('Review') } } },
    },
  },
};
