import type { WorkspaceIndex } from '../../index/workspaceIndex';
import type { SourceRange } from '../../model/types';
import type { Assist, Fix, FixContext } from '../types';
import { convertEndpointsToSlices } from './convertEndpointsToSlices';

/** Every assist, in the order their actions are listed. */
export const assists: readonly Assist[] = [convertEndpointsToSlices];

/** The refactorings on offer at `range` of `uri`. */
export function assistsAt(index: WorkspaceIndex, uri: string, range: SourceRange, context: FixContext): Fix[] {
  return assists.flatMap((assist) => assist.fixes(index, uri, range, context));
}
