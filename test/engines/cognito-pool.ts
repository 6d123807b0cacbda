import {
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { ADMIN_GROUP, BOOKSTORE_ID_ATTRIBUTE } from '../../src/adapters/cognito/cognito-identity.js';
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

/**
 * A fresh user pool set up the way the store expects a real one to be: email as the username, a
 * password policy matching the domain's (length only), the `bookstore_id` custom attribute that only
 * admin calls may write, the `admin` group, and an app client without a secret that allows
 * USER_PASSWORD_AUTH.
 */
export async function createCognitoPool(): Promise<CognitoPool> {
  const client = new CognitoIdentityProviderClient({
    endpoint: endpoints.cognito,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const { UserPool } = await client.send(
    new CreateUserPoolCommand({
      PoolName: uniqueName('bookstore'),
      UsernameAttributes: ['email'],
      UsernameConfiguration: { CaseSensitive: false },
      Policies: {
        PasswordPolicy: { MinimumLength: 10, RequireLowercase: false, RequireUppercase: false, RequireNumbers: false, RequireSymbols: false },
      },
      Schema: [{ Name: BOOKSTORE_ID_ATTRIBUTE, AttributeDataType: 'String', Mutable: true, StringAttributeConstraints: { MinLength: '1', MaxLength: '64' } }],
    }),
  );
  const userPoolId = UserPool?.Id;
  if (!userPoolId) throw new Error('CreateUserPool returned no pool id');
  const { UserPoolClient } = await client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: 'bookstore-api',
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      ReadAttributes: ['email', 'email_verified', 'name', `custom:${BOOKSTORE_ID_ATTRIBUTE}`],
      WriteAttributes: ['name'],
    }),
  );
  const clientId = UserPoolClient?.ClientId;
  if (!clientId) throw new Error('CreateUserPoolClient returned no client id');
  await client.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: ADMIN_GROUP, Description: 'Mirrors the store role admin' }));
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
