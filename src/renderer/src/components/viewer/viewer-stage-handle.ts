/** What the viewer may ask of its stage (the stage's `defineExpose`). */
export interface ViewerStageHandle {
  /** Zooms to 1:1 around a pointer position (the centre without one), or back to fit. */
  toggleZoom(at?: { readonly clientX: number; readonly clientY: number }): void;
  readonly zoomed: boolean;
  /** False until the preview has loaded, and for an unreadable file. */
  readonly canZoom: boolean;
}
