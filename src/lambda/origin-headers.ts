/**
 * Names shared by the HTTP function and the CDK app (infra/lib/compute), kept free of imports so
 * the CDK app loads none of the server's modules with them.
 */

/** The header CloudFront's origin config adds to every request it sends to the API. */
export const ORIGIN_VERIFY_HEADER = 'X-Origin-Verify';
/** The viewer's address and source port, added by CloudFront when the origin request policy includes it. */
export const VIEWER_ADDRESS_HEADER = 'CloudFront-Viewer-Address';
/** The function's variable holding the shared secret; unset (local profiles, tests) turns the check off. */
export const ORIGIN_SECRET_VARIABLE = 'BOOKSTORE_ORIGIN_VERIFY_SECRET';
