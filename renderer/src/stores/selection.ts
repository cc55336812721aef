import { create } from 'zustand';
import type { EntityRefData } from '../../../contract/schemas/investigate';

interface SelectionState {
  paletteOpen: boolean;
  /** The entity whose graph is drawn, when the graph panel is open. */
  graphOf: EntityRefData | null;
  openPalette(): void;
  closePalette(): void;
  showGraph(entity: EntityRefData | null): void;
}

/** What the analyst has picked out on screen: the command palette, the entity in the graph panel. */
export const useSelection = create<SelectionState>((set) => ({
  paletteOpen: false,
  graphOf: null,
  openPalette: () => set({ paletteOpen: true }),
  closePalette: () => set({ paletteOpen: false }),
  showGraph: (graphOf) => set({ graphOf }),
}));
