import type { CleanupRepository } from '../store/cleanup.repository';
import type { JournalRepository } from '../store/journal.repository';
import type { TrashBin } from '../trash/trash-bin';

/** What the clean-up services share: the library's rows, the journal, the trash and the log. */
export interface CleanupDeps {
  readonly copies: CleanupRepository;
  readonly journal: JournalRepository;
  readonly bin: TrashBin;
  readonly log: (line: string) => void;
}
