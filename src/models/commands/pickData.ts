/**
 * The VS Code side of "Compare with Data…": choose a trajectory file from the workspace, read and check it, and
 * pair the model's outputs with its columns (by name, else one quick pick per output left over).
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DataChoice } from '../dataComparison';
import type { SavedDataChoice } from '../previewProtocol';
import {
  checkDataFileSize,
  DataFileError,
  matchColumns,
  parseTrajectoryFile,
  validMapping,
  type DataSet,
} from '../trajectoryFile';

export async function readDataSet(file: string): Promise<DataSet> {
  checkDataFileSize((await fs.stat(file)).size);
  return parseTrajectoryFile(path.basename(file), new Uint8Array(await fs.readFile(file)));
}

const label = (file: string) => vscode.workspace.asRelativePath(file);

/** The saved choice read again; undefined (with the reason) when the file is gone, changed shape or is now bad. */
export async function restoreDataChoice(
  saved: SavedDataChoice,
  outputs: number,
): Promise<{ choice?: DataChoice; problem?: string }> {
  try {
    const set = await readDataSet(saved.file);
    if (!validMapping(saved.mapping, outputs, set.columns.length))
      return { problem: `${label(saved.file)} no longer has the columns it was compared by; choose it again.` };
    return {
      choice: { label: label(saved.file), set, mapping: saved.mapping.map((m) => (m === null ? undefined : m)) },
    };
  } catch (err) {
    return { problem: `The data file ${label(saved.file)} could not be read again: ${message(err)}` };
  }
}

function message(err: unknown): string {
  if (err instanceof DataFileError) return err.message;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'the file is gone.';
  return err instanceof Error ? err.message : String(err);
}

/**
 * Asks for a file and a pairing. Returns undefined when the user cancels; a bad file is reported with its message
 * (an error notification with "Choose Another…") and undefined returned.
 */
export async function pickDataChoice(
  outputs: readonly string[],
): Promise<{ choice: DataChoice; saved: SavedDataChoice } | undefined> {
  const found = await vscode.workspace.findFiles('**/*.{npy,csv}', '**/{node_modules,.git}/**', 2000);
  const browse = { label: '$(folder-opened) Browse…', description: 'choose a .npy or .csv file', file: '' };
  const items = [
    ...found
      .map((u) => u.fsPath)
      .sort()
      .map((file) => ({ label: path.basename(file), description: label(file), file })),
    browse,
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Compare with Data',
    placeHolder: 'A trajectory file: .npy [T, N] or [T, B, N], or .csv with a header row',
    matchOnDescription: true,
  });
  if (!picked) return undefined;
  let file = picked.file;
  if (!file) {
    const chosen = await vscode.window.showOpenDialog({
      title: 'Compare with Data',
      canSelectMany: false,
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      filters: { 'Trajectories (.npy, .csv)': ['npy', 'csv'] },
    });
    if (!chosen?.[0]) return undefined;
    file = chosen[0].fsPath;
  }
  let set: DataSet;
  try {
    set = await readDataSet(file);
  } catch (err) {
    const again = 'Choose Another…';
    const answer = await vscode.window.showErrorMessage(
      `Attractor cannot compare with ${label(file)}: ${message(err)}`,
      again,
    );
    return answer === again ? pickDataChoice(outputs) : undefined;
  }
  const { mapping, unmatched } = matchColumns(outputs, set.columns);
  for (const [n, i] of unmatched.entries()) {
    const none = { label: 'not compared', description: 'leave this output out of the metrics', column: -1 };
    const choice = await vscode.window.showQuickPick(
      [
        ...set.columns.map((c, j) => ({
          label: c,
          description: mapping.includes(j) ? 'already paired' : undefined,
          column: j,
        })),
        none,
      ],
      {
        title: `Compare with Data: column for model output "${outputs[i]}" (${n + 1} of ${unmatched.length})`,
        placeHolder: `${path.basename(file)} has ${set.columns.length} columns, the model ${outputs.length} outputs`,
      },
    );
    if (!choice) return undefined;
    mapping[i] = choice.column >= 0 ? choice.column : undefined;
  }
  if (mapping.every((m) => m === undefined)) {
    void vscode.window.showWarningMessage(
      'Attractor: no model output was paired with a data column; nothing to compare.',
    );
    return undefined;
  }
  return {
    choice: { label: label(file), set, mapping },
    saved: { file, mapping: mapping.map((m) => (m === undefined ? null : m)) },
  };
}
