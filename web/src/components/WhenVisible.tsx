import { useEffect, useRef, useState, type ReactNode } from 'react';

/**
 * Renders `children` once this spot comes within `margin` of the viewport, and a placeholder of
 * `minHeight` until then. The home page has a shelf per category: rendering (and fetching) all of
 * them at once is most of its start-up work, while a visitor sees two or three.
 */
export function WhenVisible({ children, minHeight, margin = '600px' }: { children: ReactNode; minHeight: string; margin?: string }) {
  const spot = useRef<HTMLDivElement>(null);
  const [visible, setVisible] = useState(() => typeof IntersectionObserver === 'undefined');
  useEffect(() => {
    const element = spot.current;
    if (visible || element === null) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          setVisible(true);
          observer.disconnect();
        }
      },
      { rootMargin: margin },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [visible, margin]);
  return visible ? <>{children}</> : <div ref={spot} style={{ minHeight }} aria-hidden="true" />;
}
