import type { ReactNode } from 'react';
import { Forbidden } from './require-viewer.js';
import { useViewerContext } from './session.js';

export function OperatorOnly({ children }: { children: ReactNode }) {
  const viewer = useViewerContext();
  return viewer.isOperator ? children : <Forbidden />;
}
