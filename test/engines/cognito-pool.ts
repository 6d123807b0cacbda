import { CognitoIdentityProviderClient, DeleteUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { createUserPool } from '../../src/adapters/cognito/cognito-user-pool.js';
import { endpoints, uniqueName } from './endpoints.js';

export interface CognitoPool {
  client: CognitoIdentityProviderClient;
  userPoolId: string;
  clientId: string;
  /** Where moto serves the pool's public keys (its tokens name the real Cognito issuer instead). */
  jwksUri: string;
  /** Deletes the pool with its users and groups, and closes the client. */
  remove(): Promise<void>;
}

/** A fresh user pool set up as the store expects (see `createUserPool`), named for this test run. */
export async function createCognitoPool(): Promise<CognitoPool> {
  const client = new CognitoIdentityProviderClient({
    endpoint: endpoints.cognito,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const { userPoolId, clientId } = await createUserPool(client, uniqueName('bookstore'));
  return {
    client,
    userPoolId,
    clientId,
    jwksUri: `${endpoints.cognito}/${userPoolId}/.well-known/jwks.json`,
    async remove() {
      try {
        await client.send(new DeleteUserPoolCommand({ UserPoolId: userPoolId }));
      } finally {
        client.destroy();
      }
    },
  };
}
