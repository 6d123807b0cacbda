import type { FastifyInstance } from 'fastify';
import { UserComponent } from './auth/schemas.js';
import { BookComponent } from './books/schemas.js';
import { CartComponent } from './cart/schemas.js';
import { ORDER_COMPONENTS } from './orders/schemas.js';
import { ProblemComponent } from './responses.js';
import { PublicUserComponent } from './users/schemas.js';
import { ReviewComponent } from './reviews/schemas.js';

/** Every shared schema: registered once, published under components/schemas, referenced by routes. */
const COMPONENTS = [ProblemComponent, BookComponent, UserComponent, PublicUserComponent, CartComponent, ...ORDER_COMPONENTS, ReviewComponent];

export function registerComponents(app: FastifyInstance): void {
  for (const c of COMPONENTS) app.addSchema(c.definition);
}
