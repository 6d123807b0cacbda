import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { BookstoreConfig } from '../config.js';
import type { IdentityContract } from '../contracts.js';

export interface IdentityProps {
  config: BookstoreConfig;
}

/**
 * The Cognito user pool and app client the API signs users in with, shaped as
 * src/adapters/cognito/cognito-user-pool.ts creates one locally: email as the username (case
 * insensitive), the `bookstore_id` custom attribute that only admin calls can write, the `admin`
 * group, and an app client without a secret that allows USER_PASSWORD_AUTH (InitiateAuth) and
 * refresh. The API creates accounts with Admin* calls, so self sign-up is off.
 *
 * No domain, no hosted UI, no OAuth: a user pool with a domain cannot be reached through the
 * `cognito-idp` VPC endpoint, which is how the functions reach Cognito without a NAT gateway.
 * The password policy is the domain's own rule (10 to 256 characters, no composition rules, as NIST
 * SP 800-63B advises): a stricter pool would refuse passwords the API has already accepted.
 */
export class Identity extends Construct implements IdentityContract {
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: IdentityProps) {
    super(scope, id);
    const { config } = props;

    this.userPool = new cognito.UserPool(this, 'Users', {
      userPoolName: config.resourcePrefix,
      featurePlan: cognito.FeaturePlan.LITE,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      selfSignUpEnabled: false,
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      mfa: cognito.Mfa.OFF,
      passwordPolicy: {
        minLength: config.cognito.passwordMinLength,
        requireLowercase: false,
        requireUppercase: false,
        requireDigits: false,
        requireSymbols: false,
        tempPasswordValidity: Duration.days(1),
      },
      customAttributes: {
        bookstore_id: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
      },
      deletionProtection: config.cognito.deletionProtection,
      removalPolicy: config.keepDataOnDelete ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    const acknowledge = (id: string, reason: string) => Validations.of(this.userPool).acknowledge({ id, reason });
    acknowledge('AwsSolutions-COG1', 'Length-only policy (10 to 256) per NIST SP 800-63B, the same rule the API enforces before Cognito sees a password.');
    acknowledge('AwsSolutions-COG2', 'The API answers no MFA challenge yet (sign-in fails on one), so MFA would lock every user out.');
    acknowledge('AwsSolutions-COG8', 'Lite feature plan: the API uses no Plus feature, and threat protection costs about $0.02 per monthly active user.');

    new cognito.CfnUserPoolGroup(this, 'AdminGroup', {
      userPoolId: this.userPool.userPoolId,
      groupName: 'admin',
      description: 'Mirrors the store role admin',
    });

    this.userPoolClient = this.userPool.addClient('ApiClient', {
      userPoolClientName: 'bookstore-api',
      generateSecret: false,
      authFlows: { userPassword: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
        .withCustomAttributes('bookstore_id'),
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true }),
    });
  }
}
