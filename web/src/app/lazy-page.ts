import { createElement, lazy, type ComponentType } from 'react';

export interface LazyPage {
  (props: object): ReturnType<typeof createElement>;
  /** Loads the page's chunk; once loaded, the page renders without suspending. */
  preload(): Promise<void>;
}

/**
 * A page in its own chunk. Preloaded pages render at once; others suspend like React.lazy. React
 * reveals suspended content at most every 300 ms, so the page a visit lands on is preloaded
 * before the first render (see main.tsx): its data requests then start with that render.
 */
export function lazyPage(load: () => Promise<{ default: ComponentType }>): LazyPage {
  let loaded: ComponentType | null = null;
  const remember = () =>
    load().then((module) => {
      loaded = module.default;
      return module;
    });
  const Suspending = lazy(remember);
  const Page = ((props: object) => createElement(loaded ?? Suspending, props)) as LazyPage;
  Page.preload = async () => {
    await remember();
  };
  return Page;
}
