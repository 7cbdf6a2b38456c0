// The demo target's own OpenAPI 3.1 document, served at GET /openapi.json, so `volley import` can be
// tried on a real document and the result run against the target it describes. Its examples are ones
// the target accepts, in the order a flow sends them (a fresh target's first cart is c1).
import { PAGE_SIZE, PRODUCT_COUNT } from './shop';

const errorResponse = (description: string): object => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

export function demoOpenApiDocument(serverUrl: string): object {
  return {
    openapi: '3.1.0',
    info: { title: 'Volley demo shop', version: '1.0.0', description: 'The small shop API `volley demo` serves.' },
    servers: [{ url: serverUrl }],
    tags: [{ name: 'catalogue' }, { name: 'cart' }, { name: 'auth' }, { name: 'health' }],
    paths: {
      '/health': {
        get: {
          operationId: 'health',
          tags: ['health'],
          responses: { '200': { description: 'The target is up', content: { 'text/plain': { schema: { type: 'string', const: 'ok' } } } } },
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
            },
          },
          responses: {
            '200': { description: 'A token', content: { 'application/json': { schema: { type: 'object', required: ['token'], properties: { token: { type: 'string' } } } } } },
            '401': errorResponse('user or password missing'),
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
          parameters: [{ name: 'cartId', in: 'path', required: true, schema: { type: 'string', pattern: '^c\\d+$' }, example: 'c1' }],
          responses: {
            '200': { description: 'The cart', content: { 'application/json': { schema: { $ref: '#/components/schemas/Cart' } } } },
            '404': errorResponse('No such cart'),
          },
        },
      },
    },
    components: {
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
