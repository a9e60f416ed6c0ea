import { type ReactNode, useEffect } from 'react';
import { createPortal } from 'react-dom';
import './print.css';

/**
 * Renders its children beside the app and opens the print dialog (in Electron it also saves to PDF). The sheet
 * lives only for the print: `onDone` runs once `window.print()` returns, which it does when the dialog closes.
 */
export function PrintSheet({ children, onDone }: { children: ReactNode; onDone: () => void }) {
  useEffect(() => {
    // One frame later, so fonts and layout of the freshly mounted sheet are in place before the page is captured.
    const id = requestAnimationFrame(() => {
      window.print();
      onDone();
    });
    return () => cancelAnimationFrame(id);
  }, [onDone]);
  return createPortal(<div className="print-sheet print-only-area">{children}</div>, document.body);
}
