import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { Construct } from 'constructs';

/**
 * Viewer-request code of the storefront's default behavior (CloudFront Functions, JavaScript 2.0).
 * A path whose last segment has no dot is an app route (`/books/42`, `/cart`): it gets index.html
 * and the app's router draws the page. A path with a dot names a file (`/assets/x.js`): it goes to
 * S3 as it is, so a missing file stays a 404 instead of turning into the page.
 */
export const SPA_FALLBACK_CODE = `function handler(event) {
  var request = event.request;
  var lastSegment = request.uri.slice(request.uri.lastIndexOf('/') + 1);
  if (lastSegment.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

export class SpaFallback extends Construct {
  readonly function: cloudfront.Function;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.function = new cloudfront.Function(this, 'Function', {
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: 'Storefront app routes (no file extension) get /index.html; files are served as they are',
      code: cloudfront.FunctionCode.fromInline(SPA_FALLBACK_CODE),
    });
  }
}
