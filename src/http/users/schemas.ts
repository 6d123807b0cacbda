import { Type } from 'typebox';

export const PublicUserJson = Type.Object({ id: Type.String(), name: Type.String() }, { additionalProperties: false });
