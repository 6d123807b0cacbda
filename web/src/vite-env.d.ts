/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Origin (and path prefix) of the API the build talks to; unset means the page's own origin. */
  readonly VITE_API_BASE_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
