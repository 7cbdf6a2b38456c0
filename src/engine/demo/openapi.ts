// The demo target's own OpenAPI 3.1 document, served at GET /openapi.json, so `volley import` can be
// tried on a real document and the result run against the target it describes. Its examples are ones
// the target accepts, in the order a flow sends them (a fresh target's first cart is c1). It describes
// every route of the router's table (DEMO_ROUTES in server.ts; a test holds the two together).
import { PAGE_SIZE, PRODUCT_COUNT } from './shop';

const errorResponse = (description: string): object => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const cartIdParameter = { name: 'cartId', in: 'path', required: true, schema: { type: 'string', pattern: '^c\\d+$' }, example: 'c1' };

export function demoOpenApiDocument(serverUrl: string): object {
  return {
    openapi: '3.1.0',
    info: { title: 'Volley demo shop', version: '1.0.0', description: 'The small shop API `volley demo` serves.' },
    servers: [{ url: serverUrl }],
    tags: [{ name: 'catalogue' }, { name: 'cart' }, { name: 'auth' }, { name: 'admin' }, { name: 'site' }, { name: 'health' }],
    paths: {
      '/health': {
        get: {
          operationId: 'health',
          tags: ['health'],
          responses: { '200': { description: 'The target is up', content: { 'text/plain': { schema: { type: 'string', const: 'ok' } } } } },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'openApiDocument',
          tags: ['site'],
          description: 'This document; servers[0] is the address the client reached.',
          responses: { '200': { description: 'The OpenAPI 3.1 document', content: { 'application/json': { schema: { type: 'object' } } } } },
        },
      },
      '/shop': {
        get: {
          operationId: 'shopPage',
          tags: ['site'],
          description: 'A page a browser drives: it logs in, adds product 3 to the cart, reads the cart and checks out.',
          responses: { '200': { description: 'The shop page', content: { 'text/html': { schema: { type: 'string' } } } } },
        },
      },
      '/products': {
        get: {
          operationId: 'listProducts',
          tags: ['catalogue'],
          parameters: [
            { name: 'page', in: 'query', required: false, example: 0, schema: { type: 'integer', minimum: 0 }, description: `Zero-based page of ${PAGE_SIZE} products` },
          ],
          responses: {
            '200': {
              description: 'A page of products',
              content: { 'application/json': { schema: { type: 'object', required: ['items', 'page'], properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Product' } }, page: { type: 'integer' } } } } },
            },
            '400': errorResponse('page is not a whole number'),
          },
        },
      },
      '/products/{id}': {
        get: {
          operationId: 'getProduct',
          tags: ['catalogue'],
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1, maximum: PRODUCT_COUNT }, example: 1 }],
          responses: {
            '200': { description: 'The product', content: { 'application/json': { schema: { $ref: '#/components/schemas/Product' } } } },
            '404': errorResponse('No such product'),
          },
        },
      },
      '/login': {
        post: {
          operationId: 'login',
          tags: ['auth'],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { type: 'object', required: ['user', 'password'], properties: { user: { type: 'string', minLength: 1 }, password: { type: 'string', minLength: 1 } } },
                example: { user: 'shopper', password: 'demo' },
              },
              'application/x-www-form-urlencoded': {
                schema: { type: 'object', required: ['email', 'password'], properties: { email: { type: 'string', minLength: 1 }, password: { type: 'string', minLength: 1 } } },
                example: { email: 'shopper@example.com', password: 'demo' },
              },
            },
          },
          responses: {
            '200': {
              description: 'A session: its token, also set as the sid cookie',
              headers: { 'Set-Cookie': { description: 'sid=TOKEN; Path=/; HttpOnly; SameSite=Lax', schema: { type: 'string' } } },
              content: { 'application/json': { schema: { type: 'object', required: ['token'], properties: { token: { type: 'string' } } } } },
            },
            '400': errorResponse('neither a JSON object {user, password} nor a form {email, password}'),
            '401': errorResponse('user or password missing'),
          },
        },
      },
      '/account': {
        get: {
          operationId: 'account',
          tags: ['auth'],
          security: [{ session: [] }],
          responses: {
            '200': {
              description: "The session's user and cart",
              content: { 'application/json': { schema: { type: 'object', required: ['user', 'cartId'], properties: { user: { type: 'string' }, cartId: { type: ['string', 'null'] } } } } },
            },
            '401': errorResponse('no valid sid cookie'),
          },
        },
      },
      '/admin/login': {
        post: {
          operationId: 'adminLogin',
          tags: ['admin'],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { type: 'object', required: ['user', 'password'], properties: { user: { type: 'string', minLength: 1 }, password: { type: 'string', minLength: 1 } } },
                example: { user: 'admin', password: 'demo' },
              },
            },
          },
          responses: {
            '200': { description: 'An admin token', content: { 'application/json': { schema: { type: 'object', required: ['token'], properties: { token: { type: 'string' } } } } } },
            '401': errorResponse('user or password missing'),
          },
        },
      },
      '/admin/carts': {
        delete: {
          operationId: 'deleteCarts',
          tags: ['admin'],
          security: [{ admin: [] }],
          responses: {
            '200': { description: 'Every cart emptied', content: { 'application/json': { schema: { type: 'object', required: ['deleted'], properties: { deleted: { type: 'integer' } } } } } },
            '401': errorResponse('not an admin token'),
          },
        },
      },
      '/cart': {
        post: {
          operationId: 'addToCart',
          tags: ['cart'],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { type: 'object', required: ['id', 'user'], properties: { id: { type: 'integer', minimum: 1, maximum: PRODUCT_COUNT }, user: { type: 'string' } } },
                example: { id: 1, user: 'shopper' },
              },
            },
          },
          responses: {
            '201': { description: 'The cart with the product added', content: { 'application/json': { schema: { $ref: '#/components/schemas/Cart' } } } },
            '400': errorResponse('No such product, or not a JSON object'),
          },
        },
      },
      '/cart/{cartId}': {
        get: {
          operationId: 'getCart',
          tags: ['cart'],
          parameters: [cartIdParameter],
          responses: {
            '200': { description: 'The cart', content: { 'application/json': { schema: { $ref: '#/components/schemas/Cart' } } } },
            '404': errorResponse('No such cart'),
          },
        },
      },
      '/cart/{cartId}/checkout': {
        post: {
          operationId: 'checkout',
          tags: ['cart'],
          security: [{ shopper: [] }],
          parameters: [cartIdParameter],
          responses: {
            '200': {
              description: "The order's total",
              content: { 'application/json': { schema: { type: 'object', required: ['cartId', 'items', 'total'], properties: { cartId: { type: 'string' }, items: { type: 'integer' }, total: { type: 'number' } } } } },
            },
            '401': errorResponse('no bearer token of a login session'),
            '403': errorResponse("the cart is another user's"),
            '404': errorResponse('No such cart'),
          },
        },
      },
      '/cart/{cartId}/receipt': {
        post: {
          operationId: 'uploadReceipt',
          tags: ['cart'],
          parameters: [cartIdParameter],
          requestBody: {
            required: true,
            content: {
              'multipart/form-data': {
                schema: { type: 'object', required: ['note'], properties: { note: { type: 'string', example: 'paid' }, file: { type: 'string', format: 'binary' } } },
              },
            },
          },
          responses: {
            '201': { description: 'The bytes received', content: { 'application/json': { schema: { type: 'object', required: ['cartId', 'bytes'], properties: { cartId: { type: 'string' }, bytes: { type: 'integer' } } } } } },
            '404': errorResponse('No such cart'),
            '415': errorResponse('not a multipart/form-data body'),
          },
        },
      },
    },
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'sid', description: 'The token POST /login gives, as the sid cookie it sets' },
        shopper: { type: 'http', scheme: 'bearer', description: 'The token POST /login gives' },
        admin: { type: 'http', scheme: 'bearer', description: 'The token POST /admin/login gives' },
      },
      schemas: {
        Product: { type: 'object', required: ['id', 'name', 'price'], properties: { id: { type: 'integer' }, name: { type: 'string' }, price: { type: 'number' } } },
        Cart: {
          type: 'object',
          required: ['cartId', 'items'],
          properties: {
            cartId: { type: 'string' },
            items: { type: 'array', items: { allOf: [{ $ref: '#/components/schemas/Product' }, { type: 'object', properties: { qty: { type: 'integer' } } }] } },
          },
        },
        Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' } } },
      },
    },
  };
}
