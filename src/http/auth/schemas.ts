import { Type } from 'typebox';
import { USER_LIMITS, USER_TEXT, type User } from '../../domain/user.js';
import { ANY_TEXT_PATTERN } from '../../domain/text.js';
import { component } from '../responses.js';
import { textSchema } from '../text-schema.js';

const strict = { additionalProperties: false } as const;

export const UserJson = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    name: Type.String(),
    role: Type.Enum(['customer', 'admin'], { type: 'string' }),
    createdAt: Type.String({ format: 'date-time' }),
  },
  strict,
);

export const UserComponent = component('User', UserJson);

export function toUserJson(user: User) {
  return { id: user.id, email: user.email, name: user.name, role: user.role, createdAt: user.createdAt };
}

const email = textSchema(USER_TEXT.email, { minLength: 3, examples: ['ada@example.com'] });
const password = (minLength: number) =>
  Type.String({ minLength, maxLength: USER_LIMITS.passwordMax, pattern: ANY_TEXT_PATTERN, format: 'password', examples: ['correct horse battery staple'] });

export const SignUpBody = Type.Object(
  { email, password: password(USER_LIMITS.passwordMin), name: textSchema(USER_TEXT.name, { examples: ['Ada Lovelace'] }) },
  strict,
);

/** Any non-empty password may be tried: the length rule applies to new passwords only. */
export const LoginBody = Type.Object({ email, password: password(1) }, strict);

/** The account's password, checked again before the account is deleted. */
export const DeleteAccountBody = Type.Object({ password: password(1) }, strict);

export const UserEnvelope = Type.Object({ user: UserComponent.ref }, strict);

export const LoginResult = Type.Object(
  {
    accessToken: Type.String(),
    tokenType: Type.Literal('Bearer'),
    expiresIn: Type.Integer({ description: 'Seconds until the token expires' }),
    user: UserComponent.ref,
  },
  strict,
);

export const Jwks = Type.Object({ keys: Type.Array(Type.Object({}, { additionalProperties: true })) }, strict);
