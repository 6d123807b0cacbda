import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { APP_CSP } from '../../../src/http/content-security-policies.js';
import { ORIGIN_VERIFY_HEADER } from '../../../src/lambda/origin-headers.js';
import type { WebConfig } from '../config.js';
import { retentionDays } from '../retention.js';
import { PROJECT_ROOT } from './bundling.js';
import { SpaFallback } from './spa-fallback.js';

/** Paths CloudFront sends to the API instead of the bucket (docs/lambda.md). */
export const API_PATH_PATTERNS = ['/api/*', '/.well-known/*', '/docs*', '/robots.txt', '/sitemap.xml'] as const;

/** Vite names every file under assets/ by its content hash: a changed file gets a new name. */
export const HASHED_ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';
/** index.html and the few unhashed files: revalidated, or a deploy would never reach browsers. */
export const REVALIDATE_CACHE_CONTROL = 'no-cache';

/**
 * The API behaviours' origin request policy: AWS's managed AllViewerExceptHostHeader, which passes
 * every viewer header, cookie and query string but Host, plus CloudFront's own headers, among them
 * `CloudFront-Viewer-Address` (the shopper's address and port) that the HTTP function counts
 * per-address limits by. A policy of our own cannot say the same: `allViewerAndWhitelistCloudFront`
 * also passes Host, which API Gateway refuses; `allExcept` passes no CloudFront header; and an allow
 * list could not name Authorization (CloudFront refuses it in origin request policies).
 */
export const API_ORIGIN_REQUEST_POLICY = cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER;

/** Two years, as HSTS preload lists ask; subdomains included. */
const HSTS_MAX_AGE = Duration.days(730);

export interface StorefrontProps {
  config: WebConfig;
  /** The HTTP API's host name (`<id>.execute-api.<region>.amazonaws.com`). */
  apiDomainName: string;
  /**
   * The secret CloudFront sends to the API in X-Origin-Verify, written into the origin config as a
   * CloudFormation dynamic reference: resolved at deploy time, never in the template.
   */
  originVerifySecret: secretsmanager.ISecret;
  logsKey: kms.IKey;
  logRetentionDays: number;
  keepLogsOnDelete: boolean;
  /** `npm run build:web`'s output; defaults to dist/web of the repository. */
  webBuildDir?: string;
}

/**
 * The storefront on S3 behind CloudFront, on the same origin as the API:
 * - the Vite build in a private, versioned, S3-encrypted, TLS-only bucket that only this
 *   distribution reads (origin access control);
 * - `/api/*`, `/.well-known/*` and `/docs*` forwarded to the HTTP API, nothing cached, every header
 *   but Host passed on (API Gateway routes on its own host name), the viewer's address
 *   (CloudFront-Viewer-Address) and the origin secret (X-Origin-Verify) added;
 * - app routes answered with index.html by a viewer-request function, files as they are;
 * - the server's own security headers: HSTS everywhere, and on the storefront's files the same
 *   Content-Security-Policy `serve` sends (the API sets its own).
 */
export class Storefront extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly webHeaders: cloudfront.ResponseHeadersPolicy;
  readonly apiHeaders: cloudfront.ResponseHeadersPolicy;
  readonly deploymentLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: StorefrontProps) {
    super(scope, id);
    const { config } = props;
    const webBuildDir = props.webBuildDir ?? join(PROJECT_ROOT, 'dist', 'web');
    if (!existsSync(join(webBuildDir, 'index.html'))) {
      throw new Error(`the storefront's build is missing (${webBuildDir}/index.html): run \`npm run build:web\` first`);
    }

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      // Kept on `destroy` in both configs: emptying a versioned bucket takes a custom-resource
      // function whose logs could not get a retention. Docs: `aws s3 rb --force` after destroy.
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ id: 'expire-replaced-files', noncurrentVersionExpiration: Duration.days(30) }],
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Only CloudFront reads this bucket (origin access control); the bucket holds the public build, nothing to audit per object.',
    });

    const api = new origins.HttpOrigin(props.apiDomainName, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      // Proves to the function that a request came through CloudFront, so that its
      // CloudFront-Viewer-Address can be trusted; the execute-api URL alone gets a 403.
      customHeaders: { [ORIGIN_VERIFY_HEADER]: props.originVerifySecret.secretValue.unsafeUnwrap() },
    });

    const hsts = { accessControlMaxAge: HSTS_MAX_AGE, includeSubdomains: true, override: true };
    this.webHeaders = new cloudfront.ResponseHeadersPolicy(this, 'WebHeaders', {
      comment: 'Storefront files: HSTS and the same security headers and CSP as the server',
      securityHeadersBehavior: {
        strictTransportSecurity: hsts,
        contentSecurityPolicy: { contentSecurityPolicy: APP_CSP, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: { customHeaders: [{ header: 'Cross-Origin-Resource-Policy', value: 'same-origin', override: true }] },
    });
    // The API sets its own CSP (a stricter one, and Swagger UI's at /docs): CloudFront adds HSTS only.
    this.apiHeaders = new cloudfront.ResponseHeadersPolicy(this, 'ApiHeaders', {
      comment: 'API answers: HSTS added; the API sends its own CSP and other security headers',
      securityHeadersBehavior: { strictTransportSecurity: hsts },
    });

    const apiBehavior: cloudfront.BehaviorOptions = {
      origin: api,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: API_ORIGIN_REQUEST_POLICY,
      responseHeadersPolicy: this.apiHeaders,
      compress: true,
    };

    const domain = config.customDomain;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Bookstore: the storefront (S3) and its API (API Gateway) on one origin',
      defaultRootObject: 'index.html',
      priceClass: config.priceClass as cloudfront.PriceClass,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableIpv6: true,
      ...(domain && {
        domainNames: domain.domainNames,
        certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', domain.certificateArn),
        minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      }),
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket, {
          // ListBucket lets S3 answer 404 (not 403) for a missing file, so it stays a 404.
          originAccessLevels: [cloudfront.AccessLevel.READ, cloudfront.AccessLevel.LIST],
        }),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.webHeaders,
        functionAssociations: [{ function: new SpaFallback(this, 'SpaFallback').function, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
        compress: true,
      },
      additionalBehaviors: Object.fromEntries(API_PATH_PATTERNS.map((pattern) => [pattern, apiBehavior])),
    });
    Validations.of(this.distribution).acknowledge({
      id: 'Annotation::@aws-cdk/aws-cloudfront-origins:listBucketSecurityRisk',
      reason: 'A listing cannot be reached: "/" is index.html (defaultRootObject and the fallback) and no query string is forwarded.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'A public storefront: no country is blocked.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason: 'No WAF web ACL by default (about $6/month each); docs/lambda.md names the rate rule to add for sign-in.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR3',
      reason: 'API requests are logged by API Gateway access logs; standard logging of static files needs an ACL-enabled bucket.',
    });
    if (!domain) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason: 'The default *.cloudfront.net certificate fixes the minimum protocol at TLSv1; a custom domain in the config gets TLSv1.2_2021.',
      });
    }
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR5',
      reason: 'The API origin is reached over HTTPS with TLSv1.2 only (OriginSslProtocols); the finding concerns SSLv3.',
    });

    this.deploymentLogs = new logs.LogGroup(this, 'DeploymentLogs', {
      retention: retentionDays(props.logRetentionDays),
      encryptionKey: props.logsKey,
      removalPolicy: props.keepLogsOnDelete ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // Precompressed copies (.br, .gz) are for `serve`; CloudFront compresses by itself.
    const precompressed = ['*.br', '*.gz'];
    // Hashed files first and never pruned: a browser holding the previous index.html still finds
    // the files it names. index.html and the rest follow, revalidated on every visit.
    const assets = new s3deploy.BucketDeployment(this, 'DeployAssets', {
      sources: [s3deploy.Source.asset(join(webBuildDir, 'assets'), { exclude: precompressed })],
      destinationBucket: this.bucket,
      destinationKeyPrefix: 'assets/',
      cacheControl: [s3deploy.CacheControl.fromString(HASHED_ASSET_CACHE_CONTROL)],
      prune: false,
      logGroup: this.deploymentLogs,
    });
    const pages = new s3deploy.BucketDeployment(this, 'DeployPages', {
      sources: [s3deploy.Source.asset(webBuildDir, { exclude: ['assets', 'assets/**', ...precompressed] })],
      destinationBucket: this.bucket,
      cacheControl: [s3deploy.CacheControl.fromString(REVALIDATE_CACHE_CONTROL)],
      exclude: ['assets/*'],
      prune: true,
      logGroup: this.deploymentLogs,
    });
    pages.node.addDependency(assets);
  }
}
