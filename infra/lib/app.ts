import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BookstoreStack } from './bookstore-stack.js';
import { CONFIGS } from './config.js';

export interface BookstoreApp {
  app: App;
  stacks: { dev: BookstoreStack; prod: BookstoreStack };
}

/**
 * The CDK app: one stack per config. `nag` registers cdk-nag's AwsSolutions pack as a validation
 * plugin, so a synth with an unacknowledged finding fails (the nag test calls the pack directly).
 */
export function createApp(options: { nag?: boolean; props?: AppProps } = {}): BookstoreApp {
  const app = new App(options.props);
  const stacks = {
    dev: new BookstoreStack(app, CONFIGS.dev.stackName, { config: CONFIGS.dev }),
    prod: new BookstoreStack(app, CONFIGS.prod.stackName, { config: CONFIGS.prod }),
  };
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stacks };
}
