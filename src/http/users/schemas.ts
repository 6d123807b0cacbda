import { Type } from 'typebox';
import { component } from '../responses.js';

export const PublicUserComponent = component('PublicUser', Type.Object({ id: Type.String(), name: Type.String() }, { additionalProperties: false, description: 'What other customers see of a user: never the email' }));
export const PublicUserJson = PublicUserComponent.ref;
