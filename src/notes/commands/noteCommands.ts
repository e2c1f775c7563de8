import type { Command } from '../../commands/registry';
import type { PaperNotes } from '../paperNotes';

/** Annotate Paper (create or open the note, cursor in its Notes section) and Open Note. */
export function noteCommands(notes: PaperNotes): Command[] {
  return [
    { id: 'attractor.annotatePaper', what: 'Could not create the note', run: (arg?: unknown) => notes.annotate(arg) },
    { id: 'attractor.openNote', what: 'Could not open the note', run: (arg?: unknown) => notes.open(arg) },
  ];
}
