/** What the Duplicates view asks of its group list (ReviewGroupList's exposed methods). */
export interface ReviewListHandle {
  /** Brings the group at `index` into view (`auto`: only if it is not in view already). */
  scrollToIndex(index: number, align?: 'auto' | 'center' | 'start'): void;
  scrollTop(): number;
  scrollTo(top: number): void;
}
