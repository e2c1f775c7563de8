import * as vscode from 'vscode';
import type { Command } from '../../commands/registry';
import type { AnnotationController, CommentView } from '../annotations/annotationController';

/** The comment widget's buttons on an annotation thread: create, reply, edit, save, delete, resolve. */
export function commentCommands(annotations: AnnotationController): Command[] {
  const what = 'The annotation could not be saved';
  return [
    { id: 'attractor.annotations.create', what, run: (r: vscode.CommentReply) => annotations.createFromReply(r) },
    { id: 'attractor.annotations.reply', what, run: (r: vscode.CommentReply) => annotations.reply(r) },
    {
      id: 'attractor.annotations.editComment',
      what,
      run: (c: CommentView) => annotations.setMode(c, vscode.CommentMode.Editing),
    },
    { id: 'attractor.annotations.saveComment', what, run: (c: CommentView) => annotations.saveComment(c) },
    { id: 'attractor.annotations.cancelEdit', what, run: (c: CommentView) => annotations.cancelEdit(c) },
    { id: 'attractor.annotations.deleteComment', what, run: (c: CommentView) => annotations.deleteComment(c) },
    { id: 'attractor.annotations.deleteThread', what, run: (t: vscode.CommentThread) => annotations.deleteThread(t) },
    {
      id: 'attractor.annotations.resolve',
      what,
      run: (t: vscode.CommentThread) => annotations.setResolved(t, true),
    },
    {
      id: 'attractor.annotations.unresolve',
      what,
      run: (t: vscode.CommentThread) => annotations.setResolved(t, false),
    },
  ];
}
