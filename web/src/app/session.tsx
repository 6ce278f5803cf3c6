import { createContext, type ReactNode, useContext } from 'react';
import type { ViewerQuery } from '../graphql/generated.js';

export type Viewer = ViewerQuery['viewer'];
const ViewerContext = createContext<Viewer | null>(null);

export function ViewerProvider({ viewer, children }: { viewer: Viewer; children: ReactNode }) {
  return <ViewerContext.Provider value={viewer}>{children}</ViewerContext.Provider>;
}

/** The signed-in viewer (only under RequireViewer). */
export function useViewerContext(): Viewer {
  const viewer = useContext(ViewerContext);
  if (!viewer) throw new Error('useViewerContext outside a signed-in page');
  return viewer;
}
