/**
 * A progress bar for interactive terminals only: CI logs and pipes get nothing, because a
 * carriage-return bar turns into thousands of lines there.
 */
export interface ProgressSink {
  isTTY?: boolean;
  write: (text: string) => void;
}

export function progressBar(sink: ProgressSink, env: NodeJS.ProcessEnv = process.env, width = 30): ((done: number, total: number) => void) | undefined {
  if (!sink.isTTY || env.CI) return undefined;
  let last = -1;
  return (done, total) => {
    const filled = total ? Math.round((done / total) * width) : width;
    if (filled === last && done !== total) return;
    last = filled;
    sink.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${done === total ? '\n' : ''}`);
  };
}
