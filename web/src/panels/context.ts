/** What every panel gets from the page: the API, the view, the time, and the ways back to it. */
import type { Get } from '../lib/api.js';
import type { DashboardState } from '../lib/state.js';

export interface PanelContext {
  get: Get;
  state: DashboardState;
  /** The instant this load is "now" for (every panel of one load uses the same). */
  now: number;
  setState(patch: Partial<DashboardState>): void;
  openTicket(ticketId: string): void;
  /** Shows a modal with a title and content; focus returns to the opener when it closes. */
  openDialog(title: string, content: HTMLElement): void;
}

/** A panel answers "load yourself for this context"; a newer load makes an older one moot. */
export type PanelLoader = (ctx: PanelContext, isCurrent: () => boolean) => Promise<void>;
