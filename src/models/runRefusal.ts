/**
 * Whether a model file may run. Light (no onnx-proto), so the Models registration can hold it at activation.
 */
import type { ExternalTensor } from './externalData';

/** Where a model file comes from, for the decision to run it. */
export interface ModelOrigin {
  /** In a workspace folder (a repository the user opened). */
  readonly inWorkspace: boolean;
  /** The window's workspace is trusted (not Restricted Mode). */
  readonly trusted: boolean;
  /** Downloaded from the Hub by Find Models (one file, nothing beside it on purpose). */
  readonly downloaded: boolean;
}

/**
 * Why a model is shown but not run, or undefined when it may run: in Restricted Mode a workspace's models are
 * not run; external data is read only for a model the user opened from a folder of their own, from beside it.
 */
export function runRefusal(
  origin: ModelOrigin,
  info: { readonly externalData: readonly ExternalTensor[] },
  locationRefusal: string | undefined,
): string | undefined {
  if (origin.inWorkspace && !origin.trusted)
    return 'Restricted Mode: models in this workspace are shown but not run until you trust the workspace (Workspaces: Manage Workspace Trust).';
  if (!info.externalData.length) return undefined;
  if (origin.downloaded)
    return `This model was downloaded from the Hub as a single file, but ${info.externalData.length} of its tensors point at external data files; Attractor does not read those for a download.`;
  return (
    locationRefusal &&
    `${locationRefusal} Attractor reads external data only from files beside the model in its own folder, never elsewhere on disk.`
  );
}
