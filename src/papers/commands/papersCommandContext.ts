import type * as vscode from 'vscode';
import type { PaperFeeds } from '../feeds';
import type { HubTokenStore } from '../hubToken';
import type { Library } from '../library/library';
import type { Paper } from '../paper';
import type { PaperStore } from '../paperStore';
import type { LazySearch } from '../search/lazySearch';
import type { PaperSettingsReader } from '../settings';

/** What the Papers commands act on, wired by `papers/register.ts`. */
export interface PapersCommandContext {
  readonly store: PaperStore;
  readonly feeds: PaperFeeds;
  readonly search: LazySearch;
  readonly settings: PaperSettingsReader;
  readonly hubToken: HubTokenStore;
  readonly log: vscode.LogOutputChannel;
  library(): Promise<Library>;
  /** The paper a command is about: a tree row, an id, or (from the palette) one the user picks. */
  paperFrom(arg: unknown): Promise<Paper | undefined>;
  /** Shows the paper's panel and marks it recently opened. */
  openPaper(id: string): Promise<void>;
  /** The paper panel alone (it says when the id is not in the library). */
  showPaperPanel(id: string): Promise<void>;
  /** The day the Daily group shows. */
  selectedDay(): string;
  /** Fetches a day's listing; failures show as an error row in the Daily group (and in the log). */
  fetchDay(date: string): Promise<void>;
  /** An online search into the "Search results" group; failures show as its error row. */
  searchOnline(query: string): Promise<void>;
  /** Retry of a failed feed fetch, by its status key (`feed:<id>`). */
  retryFeed(key: string): Promise<void>;
  /** Shows a group of the Papers view, expanded, without taking the focus. */
  revealGroup(group: 'recent' | 'search'): Promise<void>;
}
