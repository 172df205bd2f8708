/**
 * Every key of the Duplicates review, in one list: the Keys dialog shows it, and use-review-keys.ts
 * acts on the same names. `inList` / `inFocus` say what the key does in the list and in focus mode
 * (null: nothing there). `character`: a single-key shortcut, off when Settings switch them off.
 */
export interface ReviewKey {
  /** The keys as shown (`kbd` each). */
  readonly keys: readonly string[];
  readonly inList: string | null;
  readonly inFocus: string | null;
  readonly character: boolean;
}

export const REVIEW_KEYS: readonly ReviewKey[] = [
  { keys: ['↑', '↓'], inList: 'Previous / next group', inFocus: 'Previous / next copy', character: false },
  {
    keys: ['←', '→'],
    inList: 'Previous / next copy (← from the first copy: its group)',
    inFocus: 'Previous / next group',
    character: false,
  },
  { keys: ['Home', 'End'], inList: 'First / last group', inFocus: 'First / last group', character: false },
  { keys: ['Space'], inList: null, inFocus: 'Next group', character: true },
  { keys: ['1', '…', '9'], inList: null, inFocus: 'Go to that copy', character: true },
  {
    keys: ['K'],
    inList: 'Keep this copy, mark the others for the trash',
    inFocus: 'Keep this copy, mark the others for the trash',
    character: true,
  },
  { keys: ['T'], inList: 'Toggle this copy between keep and trash', inFocus: 'Toggle this copy between keep and trash', character: true },
  {
    keys: ['Del'],
    inList: 'Move the others of this group to the trash (asks first)',
    inFocus: 'Move the others of this group to the trash (asks first)',
    character: false,
  },
  { keys: ['Enter'], inList: 'Compare the copies', inFocus: 'Move the others of this group to the trash (asks first)', character: false },
  { keys: ['N'], inList: 'Not duplicates (similar shots: keep all)', inFocus: 'Not duplicates (similar shots: keep all)', character: true },
  { keys: ['Z'], inList: null, inFocus: 'Zoom every copy at the centre, or out', character: true },
  { keys: ['F'], inList: 'Focus mode: one group at a time', inFocus: null, character: true },
  { keys: ['Esc'], inList: 'Close', inFocus: 'Leave focus mode', character: false },
  { keys: ['Ctrl', 'Z'], inList: 'Undo the last action', inFocus: 'Undo the last action', character: false },
  { keys: ['?'], inList: 'This list of keys', inFocus: 'This list of keys', character: true },
];

/** The keys focus mode's footer names (each one of REVIEW_KEYS), with a word or two each. */
const FOCUS_FOOTER: readonly { readonly key: string; readonly label: string; readonly shotsLabel?: string }[] = [
  { key: 'K', label: 'keep this one' },
  { key: 'T', label: 'keep/trash' },
  { key: 'Enter', label: 'trash the others' },
  { key: 'N', label: 'not duplicates', shotsLabel: 'keep all' },
  { key: '→', label: 'next' },
  { key: 'Z', label: 'zoom' },
  { key: 'Esc', label: 'leave' },
];

/**
 * Focus mode's footer: the keys that work there now, from REVIEW_KEYS (a single-key shortcut only
 * while they are on, Settings › Keyboard), so the footer and the keys cannot disagree.
 */
export function focusFooterKeys(singleKeys: boolean, shots: boolean): { key: string; label: string }[] {
  return FOCUS_FOOTER.flatMap(({ key, label, shotsLabel }) => {
    const entry = REVIEW_KEYS.find((reviewKey) => reviewKey.keys.includes(key));
    if ((entry?.inFocus ?? null) === null || (entry?.character === true && !singleKeys)) return [];
    return [{ key, label: shots && shotsLabel ? shotsLabel : label }];
  });
}
