import {
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { ADMIN_GROUP, BOOKSTORE_ID_ATTRIBUTE } from './cognito-identity.js';

type Client = Pick<CognitoIdentityProviderClient, 'send'>;

export interface UserPoolIds {
  userPoolId: string;
  clientId: string;
}

const APP_CLIENT_NAME = 'bookstore-api';

/**
 * Creates a user pool the way the store expects one: email as the username, a password policy that
 * matches the domain's (length only), the `bookstore_id` custom attribute that only admin calls may
 * write, the `admin` group, and an app client without a secret that allows USER_PASSWORD_AUTH.
 */
export async function createUserPool(client: Client, poolName: string): Promise<UserPoolIds> {
  const { UserPool } = await client.send(
    new CreateUserPoolCommand({
      PoolName: poolName,
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
  const clientId = await createAppClient(client, userPoolId);
  await client.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: ADMIN_GROUP, Description: 'Mirrors the store role admin' }));
  return { userPoolId, clientId };
}

async function createAppClient(client: Client, userPoolId: string): Promise<string> {
  const { UserPoolClient } = await client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: APP_CLIENT_NAME,
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      ReadAttributes: ['email', 'email_verified', 'name', `custom:${BOOKSTORE_ID_ATTRIBUTE}`],
      WriteAttributes: ['name'],
    }),
  );
  const clientId = UserPoolClient?.ClientId;
  if (!clientId) throw new Error('CreateUserPoolClient returned no client id');
  return clientId;
}

/** The pool named `poolName` and its `bookstore-api` client, created when there is none (first start). */
export async function findOrCreateUserPool(client: Client, poolName: string): Promise<UserPoolIds> {
  let next: string | undefined;
  do {
    const out = await client.send(new ListUserPoolsCommand({ MaxResults: 60, NextToken: next }));
    const pool = out.UserPools?.find((p) => p.Name === poolName);
    if (pool?.Id) {
      const clients = await client.send(new ListUserPoolClientsCommand({ UserPoolId: pool.Id, MaxResults: 60 }));
      const app = clients.UserPoolClients?.find((c) => c.ClientName === APP_CLIENT_NAME);
      return { userPoolId: pool.Id, clientId: app?.ClientId ?? (await createAppClient(client, pool.Id)) };
    }
    next = out.NextToken;
  } while (next);
  return createUserPool(client, poolName);
}
