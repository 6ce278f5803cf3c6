import type { AuthChecker } from 'type-graphql';
import { forbidden, unauthenticated } from '../domain/errors.js';
import type { GraphQLContext } from './context.js';

/** The only platform-wide role; organization roles are checked by the domain services. */
export const OPERATOR = 'OPERATOR';

export const authChecker: AuthChecker<GraphQLContext> = ({ context }, roles) => {
  if (!context.actor) throw unauthenticated();
  if (roles.includes(OPERATOR) && !context.actor.isOperator) throw forbidden('Only platform operators can do this');
  return true;
};
