import * as vscode from 'vscode';
import type { Command } from '../../commands/registry';
import { textArgumentOrAsk } from '../../commands/textArgument';
import { replaceUri } from '../../util/writeUri';
import { toBibtexFile } from '../bibtex';
import type { Library } from '../library/library';
import type { Paper } from '../paper';
import { CollectionNode, PaperNode } from '../papersTree';
import type { PapersCommandContext } from './papersCommandContext';

const nameBox = (title: string, value?: string): vscode.InputBoxOptions => ({
  title,
  prompt: value === undefined ? 'Name of the new collection' : undefined,
  value,
  validateInput: (v) => (v.trim() ? undefined : 'Enter a name'),
});
const askName = (title: string, value?: string) => vscode.window.showInputBox(nameBox(title, value));

/** Collections: add and remove papers, create, rename, delete, and export one to BibTeX. */
export function collectionCommands(ctx: PapersCommandContext): Command[] {
  return [
    {
      id: 'attractor.papers.addToCollection',
      what: 'Could not add the paper to the collection',
      run: async (arg?: unknown, collectionId?: unknown) => {
        const paper = await ctx.paperFrom(arg);
        if (!paper) return;
        const lib = await ctx.library();
        const id = typeof collectionId === 'string' ? collectionId : await chooseCollection(lib, paper);
        if (id) lib.addToCollection(id, paper.id);
      },
    },
    {
      id: 'attractor.papers.removeFromCollection',
      what: 'Could not remove the paper from the collection',
      run: async (arg?: unknown) => {
        if (!(arg instanceof PaperNode) || !(arg.parent instanceof CollectionNode)) return;
        (await ctx.library()).removeFromCollection(arg.parent.collection.id, arg.paper.id);
      },
    },
    {
      id: 'attractor.papers.newCollection',
      what: 'Could not create the collection',
      run: async (name?: unknown) => {
        const n = await textArgumentOrAsk(name, nameBox('New Collection'));
        if (n?.trim()) return (await ctx.library()).createCollection(n).id;
        return undefined;
      },
    },
    {
      id: 'attractor.papers.renameCollection',
      what: 'Could not rename the collection',
      run: async (arg?: unknown) => {
        if (!(arg instanceof CollectionNode)) return;
        const name = await askName('Rename Collection', arg.collection.name);
        if (name?.trim()) (await ctx.library()).renameCollection(arg.collection.id, name);
      },
    },
    {
      id: 'attractor.papers.deleteCollection',
      what: 'Could not delete the collection',
      run: async (arg?: unknown) => {
        if (!(arg instanceof CollectionNode)) return;
        const choice = await vscode.window.showWarningMessage(
          `Delete the collection "${arg.collection.name}"? Its papers stay in the library.`,
          { modal: true },
          'Delete',
        );
        if (choice === 'Delete') (await ctx.library()).deleteCollection(arg.collection.id);
      },
    },
    {
      id: 'attractor.papers.exportCollection',
      what: 'Could not export the collection',
      run: (arg?: unknown, target?: unknown) => exportCollection(ctx, arg, target),
    },
  ];
}

async function chooseCollection(lib: Library, paper: Paper): Promise<string | undefined> {
  const NEW = '$(add) New Collection…';
  const items = [
    ...lib.collections.map((c) => ({
      label: c.name,
      description: c.paperIds.includes(paper.id) ? 'already contains it' : `${c.paperIds.length} papers`,
      id: c.id,
    })),
    { label: NEW, id: '' },
  ];
  const picked = lib.collections.length
    ? await vscode.window.showQuickPick(items, { title: `Add "${paper.title}" to a collection` })
    : items[0];
  if (!picked) return undefined;
  if (picked.id) return picked.id;
  const name = await askName('New Collection');
  return name ? lib.createCollection(name).id : undefined;
}

async function exportCollection(ctx: PapersCommandContext, arg: unknown, target: unknown): Promise<string | undefined> {
  const lib = await ctx.library();
  let collectionId = arg instanceof CollectionNode ? arg.collection.id : typeof arg === 'string' ? arg : undefined;
  if (!collectionId) {
    const picked = await vscode.window.showQuickPick(
      lib.collections.map((c) => ({ label: c.name, description: `${c.paperIds.length} papers`, id: c.id })),
      { title: 'Export which collection to BibTeX?' },
    );
    collectionId = picked?.id;
  }
  const collection = collectionId ? lib.collection(collectionId) : undefined;
  if (!collection) return undefined;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const fileName = `${collection.name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'collection'}.bib`;
  const uri =
    target instanceof vscode.Uri
      ? target
      : typeof target === 'string'
        ? vscode.Uri.file(target)
        : await vscode.window.showSaveDialog({
            title: `Export "${collection.name}" to BibTeX`,
            defaultUri: folder ? vscode.Uri.joinPath(folder, fileName) : undefined,
            filters: { BibTeX: ['bib'] },
          });
  if (!uri) return undefined;
  const text = toBibtexFile(lib.papersOf(collection.paperIds));
  await replaceUri(uri, text);
  void vscode.window.showInformationMessage(
    `Attractor: exported ${collection.paperIds.length} papers to ${vscode.workspace.asRelativePath(uri)}.`,
  );
  return uri.toString();
}
