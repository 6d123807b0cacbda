import { Type } from 'typebox';
import { USER_LIMITS, type User } from '../../domain/user.js';

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

export function toUserJson(user: User) {
  return { id: user.id, email: user.email, name: user.name, role: user.role, createdAt: user.createdAt };
}

const email = Type.String({ minLength: 3, maxLength: USER_LIMITS.emailMax });
const password = (minLength: number) => Type.String({ minLength, maxLength: USER_LIMITS.passwordMax, format: 'password' });

export const SignUpBody = Type.Object(
  { email, password: password(USER_LIMITS.passwordMin), name: Type.String({ minLength: 1, maxLength: USER_LIMITS.nameMax }) },
  strict,
);

/** Any non-empty password may be tried: the length rule applies to new passwords only. */
export const LoginBody = Type.Object({ email, password: password(1) }, strict);

export const UserEnvelope = Type.Object({ user: UserJson }, strict);

export const LoginResult = Type.Object(
  {
    accessToken: Type.String(),
    tokenType: Type.Literal('Bearer'),
    expiresIn: Type.Integer({ description: 'Seconds until the token expires' }),
    user: UserJson,
  },
  strict,
);

export const Jwks = Type.Object({ keys: Type.Array(Type.Object({}, { additionalProperties: true })) }, strict);
